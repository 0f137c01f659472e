/**
 * The firstaid disc manifest: one per session, at /FIRSTAID/session-<stamp>-s<N>.json on the disc.
 * Every file the session added (path on the disc, size, sha256, the backup space it belongs to),
 * so a disc can be checked file by file without the originals. Validated on every read: a
 * damaged manifest is reported, never a source of paths outside the disc tree. A backup space's
 * object files are content-addressed: their sha256 is their name (not read again); the rest is
 * hashed before the write, while the drive is checked and the image sized.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { breathe } from '../../core/slices.js';
import { basename, dirname, join, posix } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { hashFiles } from '../copy/hash-files.js';
import { MANIFEST_FILE, parseManifest } from '../spaces/manifest.js';
import { isSha256 } from '../spaces/ids.js';
import type { ManifestObject } from '../spaces/types.js';

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

/** A file the session maps, before its sha256 is known ('' until hashed). */
export interface PlannedFile extends DiscFile {
  hostPath: string;
}

/**
 * The content-addressed object files of a backup space its manifest names (objects/xx/<sha256>),
 * with their sizes where the manifest records one: their sha256 is their name, nothing to read.
 * A file whose bytes no longer match its name ends up on the disc under the right hash, so the
 * check after the write (which reads the disc back against the disc manifest) fails and says so.
 */
export async function knownObjects(spaceDir: string): Promise<Map<string, number | null>> {
  const known = new Map<string, number | null>();
  let m;
  try {
    m = parseManifest(await readFile(join(spaceDir, MANIFEST_FILE), 'utf8'));
  } catch {
    return known; // unreadable or damaged: every file is hashed
  }
  const add = (objs: ManifestObject[]) => {
    for (const o of objs) {
      if (o.sha256 && o.pack === undefined && isSha256(o.sha256)) known.set(o.sha256, o.size);
      for (const p of o.packs ?? []) if (isSha256(p) && !known.has(p)) known.set(p, null);
      if (o.entries) add(o.entries);
    }
  };
  add(m.objects);
  return known;
}

// Synchronous stats, a turn of the event loop between slices (core/slices.ts): through
// fs/promises each costs several thread-pool round trips, 0.1 s for a 1,000-file disc.
async function walk(host: string, disc: string, backup: string | null, known: Map<string, number | null>, objectsDir: string | null, out: PlannedFile[]): Promise<void> {
  const st = lstatSync(host);
  await breathe();
  if (st.isDirectory()) {
    for (const n of readdirSync(host).sort()) await walk(join(host, n), posix.join(disc, n), backup, known, objectsDir, out);
  } else if (st.isFile()) {
    const name = basename(host);
    const size = known.get(name);
    const reuse = objectsDir !== null && dirname(dirname(host)) === objectsDir && basename(dirname(host)) === name.slice(0, 2) && size !== undefined && (size === null || size === st.size);
    out.push({ path: disc, size: st.size, sha256: reuse ? name : '', backup, hostPath: host });
  }
  // Symlinks go on the disc (Rock Ridge) but carry no content to hash.
}

/**
 * Every file the entries map, listed (lstat only); a backup space's object files come with
 * their sha256 (their names), the rest with '' (hashFiles fills those in).
 */
export async function planFiles(entries: MapEntry[]): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  for (const e of entries) {
    const known = e.backup ? await knownObjects(e.hostPath) : new Map<string, number | null>();
    await walk(e.hostPath, e.discPath, e.backup, known, e.backup ? join(e.hostPath, 'objects') : null, out);
  }
  return out;
}

const PLACEHOLDER = '0'.repeat(64);

/**
 * The manifest of the planned files. Before they are hashed (`placeholder`) each missing sha256
 * is 64 zeros: the same length, so the same size of file for xorriso's sizing run.
 */
export function manifestOf(entries: MapEntry[], files: PlannedFile[], volid: string, closed: boolean, now = new Date(), placeholder = false): DiscManifest {
  return {
    version: DISC_MANIFEST_VERSION,
    kind: 'firstaid-disc-manifest',
    volid,
    written: now.toISOString(),
    closed,
    backups: entries.filter((e) => e.backup).map((e) => ({ id: e.backup!, dir: e.discPath })),
    directories: entries.filter((e) => !e.backup).map((e) => e.discPath),
    files: files.map((f) => {
      if (!f.sha256 && !placeholder) throw new Error(`${f.hostPath} was not hashed`);
      return { path: f.path, size: f.size, sha256: f.sha256 || PLACEHOLDER, backup: f.backup };
    }),
  };
}

/** Hashes every file the entries map that no space manifest describes (on two cores). */
export async function buildManifest(entries: MapEntry[], volid: string, closed: boolean, now = new Date(), runner?: Runner): Promise<DiscManifest> {
  const files = await planFiles(entries);
  await hashPlanned(files, runner);
  return manifestOf(entries, files, volid, closed, now);
}

/** Fills in the sha256 of the planned files that have none (big ones through openssl with a runner). */
export async function hashPlanned(files: PlannedFile[], runner?: Runner): Promise<void> {
  const todo = files.filter((f) => !f.sha256);
  const shas = await hashFiles(todo.map((f) => ({ path: f.hostPath, size: f.size })), { runner });
  todo.forEach((f, i) => (f.sha256 = shas[i]!));
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
