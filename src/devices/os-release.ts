/** os-release(5) parsing: shell-like KEY=value lines, values optionally quoted. */

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
      const q = v[0];
      v = v.slice(1, -1);
      // Inside double quotes the shell escapes \" \\ \$ \` apply.
      if (q === '"') v = v.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

/** A readable name: PRETTY_NAME, else NAME VERSION, else the fallback. */
export function prettyName(os: Record<string, string>, fallback: string): string {
  if (os.PRETTY_NAME) return os.PRETTY_NAME;
  if (os.NAME) return [os.NAME, os.VERSION].filter(Boolean).join(' ');
  return fallback;
}
