/** The key-hint line at the bottom of every screen: the screen's own keys, then the global ones. */
export function keyHints(own: string, opts: { back?: boolean; move?: boolean } = {}): string {
  const parts: string[] = [];
  if (opts.move !== false) parts.push('Up/Down/j/k move');
  if (own) parts.push(own);
  if (opts.back !== false) parts.push('Esc back');
  parts.push('? help', 'q quit');
  return parts.join('  ');
}
