/**
 * GNU tar, pure parts: the argv to create and extract, the compressor per type, and parsers for
 * its -vv listing and its stderr (always LC_ALL=C and --quoting-style=c, so names with spaces,
 * quotes or newlines parse the same way and nothing is split).
 */
import type { ArchiveMember, ArchiveType, BackupOperationError } from './types.js';

/** The compressor program (argv words) for a type and strength; null for plain tar. */
export function compressor(type: ArchiveType, strength?: number): string[] | null {
  // gzip, bzip2 and zstd have no level 0 (xz has): 0 means their fastest.
  const s = strength === undefined ? [] : [`-${type === 'tar.xz' ? strength : Math.max(1, strength)}`];
  switch (type) {
    case 'tar': return null;
    case 'tar.gz': return ['gzip', ...s];
    case 'tar.bz2': return ['bzip2', ...s];
    case 'tar.xz': return ['xz', '-T0', ...s];
    case 'tar.zst': return ['zstd', '-q', '-T0', ...s];
  }
}

/** The program tar runs to decompress (tar adds -d). */
export function decompressor(type: ArchiveType): string | null {
  return { tar: null, 'tar.gz': 'gzip', 'tar.bz2': 'bzip2', 'tar.xz': 'xz', 'tar.zst': 'zstd' }[type];
}

export interface CreateArgs {
  file: string;
  root: string;
  /** File holding the include paths, NUL-separated. */
  listFile: string;
  /**
   * The -vv listing goes here, not to stdout (memory stays flat on big trees). Absent: no
   * listing (a plain tar's members are read from its headers instead: tar-headers.ts).
   */
  indexFile?: string;
  type: ArchiveType;
  strength?: number;
  snapshot?: string;
  exclude?: readonly string[];
}

export function createArgv(a: CreateArgs): string[] {
  const z = compressor(a.type, a.strength);
  return [
    '--create', '--format=posix', ...(a.indexFile ? ['-vv', '--index-file=' + a.indexFile, '--full-time'] : []), '--quoting-style=c', '--numeric-owner',
    // --xattrs-include=* already carries system.posix_acl_* and security.selinux (raw, under
    // SCHILY.xattr.*; measured: they come back); --acls and --selinux would read and store
    // each a second time.
    '--sparse', '--xattrs', "--xattrs-include=*", '--one-file-system',
    // A rescue CD sees other device numbers than the installed system: without this a level 1
    // after a reboot would dump everything again.
    '--no-check-device',
    ...(z ? ['--use-compress-program=' + z.join(' ')] : []),
    ...(a.snapshot ? ['--listed-incremental=' + a.snapshot] : []),
    '--file=' + a.file,
    '--directory=' + a.root,
    ...(a.exclude?.length ? ['--anchored', ...a.exclude.map((p) => '--exclude=' + p)] : []),
    // Names come from a NUL-separated file, never argv: a name starting with '-' stays a name.
    '--null', '--verbatim-files-from', '--files-from=' + a.listFile,
  ];
}

export interface ExtractArgs {
  file: string;
  dir: string;
  type: ArchiveType;
  /** A level of a chain: deleted files are deleted again (snapshot /dev/null: read, never written). */
  incremental: boolean;
}

export function extractArgv(a: ExtractArgs): string[] {
  const z = decompressor(a.type);
  return [
    '--extract', '--numeric-owner', '--same-owner', '--same-permissions', '--sparse',
    // Without xattrs-include only user.* comes back (trusted.*, security.capability would be lost).
    // No --acls: with it tar drops the raw system.posix_acl_* xattrs, the form every firstaid
    // archive holds (measured, tar 1.34); earlier archives hold both forms, so they extract too.
    '--xattrs', "--xattrs-include=*",
    ...(a.incremental ? ['--listed-incremental=/dev/null'] : []),
    ...(z ? ['--use-compress-program=' + z] : []),
    '--file=' + a.file, '--directory=' + a.dir,
  ];
}

/** Undoes --quoting-style=c on one quoted string starting at s[i] === '"'; returns value and end. */
export function unquoteC(s: string, i: number): { value: string; end: number } | null {
  if (s[i] !== '"') return null;
  // Most names need no unescaping: the text up to the closing quote is the name.
  const close = s.indexOf('"', i + 1);
  if (close > i && s.lastIndexOf('\\', close) < i) return { value: s.slice(i + 1, close), end: close + 1 };
  const bytes: number[] = [];
  const esc: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, b: 8, a: 7, '\\': 92, '"': 34, '?': 63, "'": 39 };
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '"') return { value: Buffer.from(bytes).toString('utf8'), end: j + 1 };
    if (c === '\\') {
      const n = s[j + 1] ?? '';
      if (/[0-7]/.test(n)) {
        const m = /^[0-7]{1,3}/.exec(s.slice(j + 1))![0];
        bytes.push(parseInt(m, 8));
        j += 1 + m.length;
        continue;
      }
      if (n in esc) { bytes.push(esc[n]!); j += 2; continue; }
      bytes.push(...Buffer.from(n)); j += 2; continue;
    }
    bytes.push(...Buffer.from(c));
    j++;
  }
  return null;
}

/** One line of `tar -c -vv --quoting-style=c --full-time` (or `-t -vv`): a member, or null. */
export function parseVerboseLine(line: string): ArchiveMember | null {
  // mode owner/group size date time "name"[ -> "target" | link to "target"]
  const m = /^([-dlhpcbsSD])\S{9}\S*\s+\S+\s+(\d+|\d+,\s*\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d(?:\.\d+)?)?\s+(?=")/.exec(line);
  if (!m) return null;
  const q = unquoteC(line, m[0].length);
  if (!q) return null;
  const kind = m[1] === 'D' ? 'd' : m[1] === 'S' ? '-' : m[1]!;
  const size = kind === '-' ? Number(m[2]) : 0;
  return { path: q.value.replace(/\/$/, '') || '.', kind, size };
}

/** Maps one stderr line of GNU tar to the seed's event, 'fatal' for the ones that end the run, or null. */
export function classifyStderr(line: string): BackupOperationError | { fatal: string } | null {
  if (!line.startsWith('tar: ')) return { operation: 'unknown', kind: 'unknown-error', message: line };
  const body = line.slice(5);
  if (/Directory is new$|Exiting with failure status|Error exit delayed/.test(body)) return null;
  if (/No space left on device/.test(body)) return { fatal: body };
  if (/Error is not recoverable|unrecognized option|Try .* --help/.test(body)) return { fatal: body };
  const q = unquoteC(body, 0);
  const path = q ? q.value.replace(/^\.\//, '') : undefined;
  const rest = q ? body.slice(q.end).replace(/^:\s*/, '') : body;
  const base = { ...(path !== undefined ? { path } : {}), message: body };
  if (/socket ignored/.test(rest)) return { ...base, operation: 'open', kind: 'socket-ignored' };
  if (/unknown file type/.test(rest)) return { ...base, operation: 'open', kind: 'unknown-type-ignored' };
  if (/file changed as we read it|file shrank by|file is unchanged; not dumped/.test(rest)) return { ...base, operation: 'read', kind: 'file-changed' };
  if (/directory has been renamed/.test(rest)) return { ...base, operation: 'read', kind: 'directory-renamed' };
  const op = /^Cannot stat/.test(rest) ? 'stat' : /^Cannot open|^Cannot opendir|^Cannot savedir/.test(rest) ? 'open' : /^Read error|^Cannot read/.test(rest) ? 'read' : 'unknown';
  if (/Permission denied/.test(rest)) return { ...base, operation: op, kind: 'permission-denied' };
  if (op !== 'unknown') return { ...base, operation: op, kind: 'unknown-os-error' };
  return { ...base, operation: 'unknown', kind: 'unknown-error' };
}
