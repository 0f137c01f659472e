/**
 * Extended attributes (user.*, security.selinux, ACLs) through getfattr/setfattr from the
 * `attr` package: Node has no xattr API, and one getfattr call covers a whole tree.
 * Values are kept in getfattr's base64 form ("0s...") so binary values survive.
 */
import type { Runner } from './runner.js';

export type Xattrs = Record<string, string>;

/** getfattr escapes unusual bytes in file names as \ooo octal. */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses `getfattr -d -e base64` output into path -> attributes. */
export function parseGetfattr(out: string): Map<string, Xattrs> {
  const result = new Map<string, Xattrs>();
  let current: Xattrs | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = {};
      result.set(unescapeName(line.slice(8)), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      current[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

/** Attributes of one path (symlinks not followed). Empty when the filesystem has none. */
export async function getXattrs(runner: Runner, path: string): Promise<Xattrs> {
  const r = await runner.run('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', '-e', 'base64', '--', path], {
    readOnly: true,
    allowFailure: true,
  });
  if (r.exitCode !== 0) return {};
  return parseGetfattr(r.stdout).get(path) ?? {};
}

/** Attributes of every path below dir (symlinks not followed), in one call. */
export async function getXattrsTree(runner: Runner, dir: string): Promise<Map<string, Xattrs>> {
  const r = await runner.run('getfattr', ['--absolute-names', '-R', '-P', '-d', '-m', '-', '-e', 'base64', '--', dir], {
    readOnly: true,
    allowFailure: true,
  });
  return parseGetfattr(r.stdout);
}

function escapeName(p: string): string {
  // Same quoting as getfattr under LC_ALL=C: control bytes, backslash and non-ASCII as \ooo.
  let out = '';
  for (const b of Buffer.from(p, 'utf8')) {
    out += b < 0x20 || b === 0x5c || b >= 0x7f ? '\\' + b.toString(8).padStart(3, '0') : String.fromCharCode(b);
  }
  return out;
}

/** Sets attributes on many paths in one setfattr --restore call. */
export async function setXattrsMany(runner: Runner, entries: ReadonlyMap<string, Xattrs>): Promise<void> {
  let dump = '';
  for (const [path, attrs] of entries) {
    const names = Object.keys(attrs);
    if (names.length === 0) continue;
    dump += `# file: ${escapeName(path)}\n`;
    for (const n of names) dump += `${n}=${attrs[n]}\n`;
    dump += '\n';
  }
  if (!dump) return;
  await runner.run('setfattr', ['-h', '--restore=-'], { input: dump });
}

export async function setXattrs(runner: Runner, path: string, attrs: Xattrs): Promise<void> {
  await setXattrsMany(runner, new Map([[path, attrs]]));
}
