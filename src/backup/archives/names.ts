/**
 * The backup file path rule: `<dest>/<id>[.<level>][.<keepingId>].<ext>`, level 0 without a
 * token, as in the seed. Ids hold no dots and keeping ids are letters only, so names never
 * collide ("web" and "web.old" did in the seed); even so, level and keeping id are read from the
 * manifest, never from the name.
 */
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { ARCHIVE_TYPES, type ArchiveType } from './types.js';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const KEEPING_RE = /^[a-z]{1,2}$/;

export function isArchiveId(s: string): boolean {
  return ID_RE.test(s);
}

export function isKeepingId(s: string): boolean {
  return KEEPING_RE.test(s);
}

export function isArchiveType(s: string): s is ArchiveType {
  return (ARCHIVE_TYPES as readonly string[]).includes(s);
}

export function assertArchiveId(id: string): void {
  if (!isArchiveId(id)) {
    throw new UsageError(`"${id}" is not an archive id.`, 'Use letters, digits, "-" and "_" (up to 100, not starting with "-"), e.g. home-2026.');
  }
}

export function assertKeepingId(k: string): void {
  if (!isKeepingId(k)) throw new UsageError(`"${k}" is not a keeping id.`, 'Use one or two lower-case letters (a, b, ..., zz).');
}

export function assertLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 999) throw new UsageError(`Level ${level} is not a level.`, 'Give a whole number 0-999.');
}

/** The archive's file name (no directory). */
export function archiveName(id: string, type: ArchiveType, level = 0, keepingId: string | null = null): string {
  assertArchiveId(id);
  assertLevel(level);
  if (keepingId !== null) assertKeepingId(keepingId);
  return `${id}${level ? `.${level}` : ''}${keepingId ? `.${keepingId}` : ''}.${type}`;
}

export function backupFilePath(dest: string, id: string, type: ArchiveType, level = 0, keepingId: string | null = null): string {
  return join(dest, archiveName(id, type, level, keepingId));
}

export const MANIFEST_SUFFIX = '.manifest.json';
export const SNAPSHOT_SUFFIX = '.snar';
/** The seed's working-name suffix; stale ones are swept before a new archive is made. */
export const PARTIAL_SUFFIX = '._partial';

export function manifestNameFor(archive: string): string {
  return archive + MANIFEST_SUFFIX;
}

export function snapshotSidecarFor(archive: string): string {
  return archive + SNAPSHOT_SUFFIX;
}

/** The service's own snapshot of a level, in its work dir. */
export function workSnapshotName(id: string, level: number): string {
  return `${id}.${level}${SNAPSHOT_SUFFIX}`;
}

/** Parses a work-dir snapshot name back (the work dir holds nothing else, and ids have no dots). */
export function parseWorkSnapshotName(name: string): { id: string; level: number } | null {
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.(\d+)\.snar$/.exec(name);
  return m ? { id: m[1]!, level: Number(m[2]) } : null;
}

/** Next keeping id in the seed's base-26 order: a, b, ..., z, aa, ab, ..., zz. */
export function nextKeepingId(k: string | null): string {
  if (k === null) return 'a';
  assertKeepingId(k);
  const n = k.length === 1 ? k.charCodeAt(0) - 97 : 26 + (k.charCodeAt(0) - 97) * 26 + (k.charCodeAt(1) - 97);
  const m = n + 1;
  if (m >= 26 + 26 * 26) throw new UsageError('No keeping id after "zz".', 'Remove old kept archives first.');
  return m < 26 ? String.fromCharCode(97 + m) : String.fromCharCode(97 + Math.floor((m - 26) / 26), 97 + ((m - 26) % 26));
}

/** Turns any label (a backup id, a directory) into an archive id. */
export function archiveIdFrom(label: string): string {
  const s = label.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 100);
  return s === '' ? 'root' : s;
}
