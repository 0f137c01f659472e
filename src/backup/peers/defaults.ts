/** The pool file when --peers is not given (the Discs screens offer the same). Pure: the menu loads it. */
export const DEFAULT_POOL_FILE = '/etc/firstaid/peers.json';
