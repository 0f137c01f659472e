/** Names inside a backend's directory, and the temporary names puts write first. */
import { randomBytes } from 'node:crypto';
import { StorageError } from './errors.js';

const TEMP_MARK = '.firstaid-tmp-';

/** A name is one path component: no slash, no NUL or newline, not . or .., not one of our temporaries. */
export function checkName(name: string): string {
  if (!name || name === '.' || name === '..' || /[/\0\n\r]/.test(name) || name.includes(TEMP_MARK)) {
    throw new StorageError('bad-url', `"${name}" is not a valid file name for storage (one name, no "/", no newline).`, 'Give a plain file name.');
  }
  return name;
}

/** `<name>.firstaid-tmp-<16 hex>`: random, so two writers never share one. */
export function tempNameFor(name: string): string {
  return `${name}${TEMP_MARK}${randomBytes(8).toString('hex')}`;
}

export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARK);
}

/** The final name a temporary belongs to (for sweeping stale ones). */
export function finalNameOfTemp(temp: string): string {
  return temp.slice(0, temp.indexOf(TEMP_MARK));
}
