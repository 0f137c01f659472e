/**
 * The firstaid disc manifest: one per session, at /FIRSTAID/session-<stamp>-s<N>.json on the disc.
 * Every file the session added (path on the disc, size, sha256, the backup space it belongs to),
 * so a disc can be checked file by file without the originals. Validated on every read: a
 * damaged manifest is reported, never a source of paths outside the disc tree.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { hashFile } from '../objects/hash-file.js';

export const MANIFEST_DIR = '/FIRSTAID';
export const DISC_MANIFEST_VERSION = 1;

export interface DiscFile {
  /** Absolute path on the disc, e.g. /2026/12/01/grub/20261201T204500Z-1a2b3c/manifest.json */
  path: string;
  size: number;
  sha256: string;
  /** The backup space id it belongs to, or null (a plain directory). */
  backup: string | null;
}

export interface DiscBackupEntry {
  id: string;
  /** Where the space directory is on the disc. */
  dir: string;
}

export interface DiscManifest {
  version: number;
  kind: 'firstaid-disc-manifest';
  volid: string;
  written: string;
  /** The session closes the disc (ECC discs): nothing may be appended. */
  closed: boolean;
  backups: DiscBackupEntry[];
  /** Directories (not backups) stored, by their disc path. */
  directories: string[];
  files: DiscFile[];
}

/** What goes where: a host path (file or directory) mapped onto a disc path as it is (xorriso -map). */
export interface MapEntry {
  hostPath: string;
  discPath: string;
  backup: string | null;
}

export function manifestDiscPath(stamp: string): string {
  return `${MANIFEST_DIR}/session-${stamp}.json`;
}

async function walk(host: string, disc: string, backup: string | null, out: DiscFile[]): Promise<void> {
  const st = await lstat(host);
  if (st.isDirectory()) {
    for (const n of (await readdir(host)).sort()) await walk(join(host, n), posix.join(disc, n), backup, out);
  } else if (st.isFile()) {
    out.push({ path: disc, size: st.size, sha256: await hashFile(host), backup });
  } else if (st.isSymbolicLink()) {
    await readlink(host); // symlinks go on the disc (Rock Ridge) but carry no content to hash
  }
}

/** Hashes every file the entries map (two entries at a time: reads overlap on two cores). */
export async function buildManifest(entries: MapEntry[], volid: string, closed: boolean, now = new Date()): Promise<DiscManifest> {
  const parts: DiscFile[][] = entries.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      await walk(entries[i]!.hostPath, entries[i]!.discPath, entries[i]!.backup, parts[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return {
    version: DISC_MANIFEST_VERSION,
    kind: 'firstaid-disc-manifest',
    volid,
    written: now.toISOString(),
    closed,
    backups: entries.filter((e) => e.backup).map((e) => ({ id: e.backup!, dir: e.discPath })),
    directories: entries.filter((e) => !e.backup).map((e) => e.discPath),
    files: parts.flat(),
  };
}

const SHA = /^[0-9a-f]{64}$/;

function safeDiscPath(p: unknown): p is string {
  return typeof p === 'string' && p.startsWith('/') && !p.includes('\0') && !p.split('/').some((c) => c === '..' || c === '.');
}

/** Parses and checks a manifest read from a disc; throws an Error naming the problem. */
export function parseDiscManifest(text: string, where: string): DiscManifest {
  let m: DiscManifest;
  try {
    m = JSON.parse(text) as DiscManifest;
  } catch {
    throw new Error(`${where}: not JSON (damaged)`);
  }
  if (!m || m.kind !== 'firstaid-disc-manifest' || m.version !== DISC_MANIFEST_VERSION) throw new Error(`${where}: not a firstaid disc manifest`);
  if (!Array.isArray(m.files) || !Array.isArray(m.backups) || !Array.isArray(m.directories)) throw new Error(`${where}: damaged (lists missing)`);
  for (const f of m.files) {
    if (!safeDiscPath(f.path) || !Number.isSafeInteger(f.size) || f.size < 0 || !SHA.test(String(f.sha256)) || !(f.backup === null || typeof f.backup === 'string')) {
      throw new Error(`${where}: damaged entry ${JSON.stringify(f).slice(0, 80)}`);
    }
  }
  for (const b of m.backups) if (typeof b.id !== 'string' || !safeDiscPath(b.dir)) throw new Error(`${where}: damaged backup entry`);
  return m;
}
