/**
 * The peer's own listing of its collect dir, and what a copy left in the per-run dir. The
 * remote side runs GNU find and sha256sum with NUL-separated output (names may hold spaces,
 * newlines, a leading `-`); parsing is pure. Indicators are control files, not backups: they
 * are left out at the top level.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerFile } from './types.js';
import { HASH_FILES_SH, parseHashRecords, shQuote } from '../../core/remote-shell.js';

/** Ends the listing part of the remote output; a listing line always starts "<type> ". */
export const HASH_MARKER = '--firstaid-sha256--';

/**
 * The remote script (run by the login shell through ssh; the collect dir arrives quoted):
 * list every entry with type and size, then hash the regular files. Files over 1 MiB go
 * through the one remote hash (HASH_FILES_SH: `openssl dgst` when the peer has it) when it has
 * openssl, small ones through one sha256sum for many.
 */
const SCRIPT = [
  'cd -- "$1" || exit 3',
  'find . -mindepth 1 -printf "%y %s %P\\0" || exit 4',
  'printf "%s\\0" "$2"',
  'big=+1M; command -v openssl >/dev/null 2>&1 || big=-0',
  'find . -mindepth 1 -type f ! -size "$big" -print0 | xargs -0r sha256sum --zero -- || exit 5',
  `[ "$big" = -0 ] || find . -mindepth 1 -type f -size "$big" -exec sh -c ${shQuote(HASH_FILES_SH)} sh {} + || exit 5`,
].join('\n');

export function remoteListingWords(collectDir: string): string[] {
  return ['sh', '-c', SCRIPT, 'firstaid-list', collectDir, HASH_MARKER];
}

export interface ParsedListing {
  files: PeerFile[];
  /** Entries that are not regular files or directories (symlinks, sockets...), relative paths. */
  skipped: string[];
  /** False when the hash part is missing (sha256sum failed or absent). */
  hashed: boolean;
}

function isIndicator(path: string, indicators: readonly string[]): boolean {
  return indicators.includes(path);
}

export function parseRemoteListing(out: string, indicators: readonly string[]): ParsedListing {
  const parts = out.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  const marker = parts.indexOf(HASH_MARKER);
  const listed = marker >= 0 ? parts.slice(0, marker) : parts;
  const hashes = new Map<string, string>();
  for (const [name, sha] of parseHashRecords(marker >= 0 ? parts.slice(marker + 1).join('\0') : '')) {
    if (!name.startsWith('./')) throw new Error(`unexpected sha256 output for ${JSON.stringify(name.slice(0, 80))}`);
    hashes.set(name.slice(2), sha);
  }
  const files: PeerFile[] = [];
  const skipped: string[] = [];
  for (const line of listed) {
    const m = /^(\S) (\d+) (.*)$/s.exec(line);
    if (!m) throw new Error(`unexpected listing line: ${JSON.stringify(line.slice(0, 80))}`);
    const [, type, size, path] = m as unknown as [string, string, string, string];
    if (isIndicator(path, indicators)) continue;
    if (type === 'd') continue;
    if (type !== 'f') {
      skipped.push(path);
      continue;
    }
    const sha256 = hashes.get(path);
    files.push({ path, size: Number(size), ...(sha256 ? { sha256 } : {}) });
  }
  return { files, skipped, hashed: marker >= 0 && files.every((f) => f.sha256) };
}

export interface LocalEntry {
  path: string;
  size: number;
}

/** Regular files below `root` (relative paths), and the other entries, never through symlinks. */
export async function listTree(root: string, indicators: readonly string[] = []): Promise<{ files: LocalEntry[]; skipped: string[] }> {
  const files: LocalEntry[] = [];
  const skipped: string[] = [];
  async function walk(rel: string): Promise<void> {
    const names = await readdir(join(root, rel));
    for (const name of names.sort()) {
      const p = rel ? `${rel}/${name}` : name;
      if (!rel && isIndicator(p, indicators)) continue;
      const st = await lstat(join(root, p));
      if (st.isDirectory()) await walk(p);
      else if (st.isFile()) files.push({ path: p, size: st.size });
      else skipped.push(p);
    }
  }
  await walk('');
  return { files, skipped };
}
