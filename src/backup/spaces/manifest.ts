/**
 * The manifest of a space: JSON, validated field by field on every read (a tampered or
 * truncated manifest makes the space "corrupt", never a source of paths). Written atomically,
 * last: "in-progress" while objects are added, "complete" once the space is committed.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { hashFile } from '../objects/hash-file.js';
import type { ManifestObject, ObjectType } from './types.js';
import { badEntryPath, badObjectName, badOrigin, isSha256, parseSpaceId } from './ids.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface FixRecord {
  at: string;
  /** origin -> state hash ("absent" when the fix removed it). */
  states: Record<string, string>;
}

export interface Manifest {
  version: number;
  id: string;
  pluginId: string;
  created: string;
  description: string;
  persistent: boolean;
  state: 'in-progress' | 'complete';
  committedAt: string | null;
  /** Result of the last verify(). */
  verified: { at: string; ok: boolean; problems: string[] } | null;
  fix: FixRecord | null;
  reverted: string | null;
  objects: ManifestObject[];
}

export class ManifestError extends Error {}

const TYPES: readonly ObjectType[] = ['file', 'directory', 'symlink', 'value', 'range'];

function isNumOrNull(v: unknown): boolean {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** Checks one object (and its entries); throws ManifestError naming the object. */
export function checkObject(o: unknown, where: string, isEntry: boolean): ManifestObject {
  if (!o || typeof o !== 'object') throw new ManifestError(`${where}: not an object`);
  const x = o as Record<string, unknown>;
  const label = typeof x.name === 'string' ? `"${x.name}"` : where;
  const bad = isEntry ? badEntryPath(x.name) : badObjectName(x.name);
  if (bad) throw new ManifestError(`object ${label}: ${bad}`);
  if (!TYPES.includes(x.type as ObjectType)) throw new ManifestError(`object ${label}: unknown type`);
  const type = x.type as ObjectType;
  if (isEntry && (type === 'value' || type === 'range')) throw new ManifestError(`object ${label}: bad entry type`);
  if (!isEntry && (type === 'file' || type === 'directory' || type === 'symlink')) {
    const bo = badOrigin(x.origin);
    if (bo) throw new ManifestError(`object ${label}: ${bo}`);
  }
  if (typeof x.size !== 'number' || !(x.size >= 0)) throw new ManifestError(`object ${label}: bad size`);
  if (x.absent !== undefined && (x.absent !== true || type !== 'file' || isEntry || x.sha256 !== null)) throw new ManifestError(`object ${label}: bad absent marker`);
  if ((type === 'file' && x.absent !== true) || type === 'value' || type === 'range') {
    if (!isSha256(x.sha256)) throw new ManifestError(`object ${label}: bad sha256`);
  } else if (x.sha256 !== null && x.absent !== true) throw new ManifestError(`object ${label}: unexpected sha256`);
  for (const k of ['mode', 'uid', 'gid']) if (!isNumOrNull(x[k])) throw new ManifestError(`object ${label}: bad ${k}`);
  if (x.mtime !== null && (typeof x.mtime !== 'string' || Number.isNaN(Date.parse(x.mtime)))) throw new ManifestError(`object ${label}: bad mtime`);
  if (type === 'symlink' && (typeof x.symlinkTarget !== 'string' || x.symlinkTarget.includes('\0'))) throw new ManifestError(`object ${label}: bad symlink target`);
  if (!x.xattrs || typeof x.xattrs !== 'object') throw new ManifestError(`object ${label}: bad xattrs`);
  for (const [k, v] of Object.entries(x.xattrs)) {
    if (typeof v !== 'string' || /[\n\0=]/.test(k) || /[\n\0]/.test(v)) throw new ManifestError(`object ${label}: bad xattr ${JSON.stringify(k)}`);
  }
  if (type === 'range') {
    const r = x.range as Record<string, unknown> | null;
    if (!r || typeof r.device !== 'string' || typeof r.offset !== 'number' || r.offset < 0 || r.length !== x.size || !r.identity || typeof r.identity !== 'object') {
      throw new ManifestError(`object ${label}: bad range`);
    }
  }
  if (isEntry && x.entries !== undefined) throw new ManifestError(`object ${label}: nested entries`);
  if (x.packs !== undefined && (isEntry || type !== 'directory' || !Array.isArray(x.packs) || !x.packs.every(isSha256))) {
    throw new ManifestError(`object ${label}: bad pack list`);
  }
  if ((x.pack !== undefined || x.packOffset !== undefined) && !(isEntry && type === 'file' && isCount(x.pack) && isCount(x.packOffset))) {
    throw new ManifestError(`object ${label}: bad pack reference`);
  }
  if (type === 'directory' && !isEntry) {
    if (!Array.isArray(x.entries)) throw new ManifestError(`object ${label}: directory without entries`);
    const seen = new Set<string>();
    for (const [i, e] of x.entries.entries()) {
      const entry = checkObject(e, `${label} entry ${i}`, true);
      if (entry.pack !== undefined && entry.pack >= ((x.packs as unknown[] | undefined) ?? []).length) {
        throw new ManifestError(`object ${label}: entry "${entry.name}" names a pack the directory does not have`);
      }
      if (seen.has(entry.name)) throw new ManifestError(`object ${label}: entry "${entry.name}" twice`);
      // Parents come first, so a restore can create them in order.
      const parent = entry.name.includes('/') ? entry.name.slice(0, entry.name.lastIndexOf('/')) : null;
      if (parent !== null && !seen.has(parent)) throw new ManifestError(`object ${label}: entry "${entry.name}" before its parent`);
      seen.add(entry.name);
    }
  }
  return o as ManifestObject;
}

/** Parses and validates manifest text; throws ManifestError saying what is wrong. */
export function parseManifest(text: string, expectedId?: string): Manifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ManifestError(`manifest is not valid JSON (${(e as Error).message})`);
  }
  if (!m || typeof m !== 'object') throw new ManifestError('manifest is not an object');
  if (m.version !== MANIFEST_VERSION) throw new ManifestError(`unknown manifest version ${String(m.version)}`);
  if (typeof m.id !== 'string' || !parseSpaceId(m.id)) throw new ManifestError('manifest has a bad space id');
  if (expectedId !== undefined && m.id !== expectedId) throw new ManifestError(`manifest belongs to ${m.id}, not ${expectedId}`);
  if (m.state !== 'in-progress' && m.state !== 'complete') throw new ManifestError('manifest has a bad state');
  if (!Array.isArray(m.objects)) throw new ManifestError('manifest has no object list');
  const names = new Set<string>();
  for (const [i, o] of m.objects.entries()) {
    const obj = checkObject(o, `object ${i}`, false);
    if (names.has(obj.name)) throw new ManifestError(`object "${obj.name}" appears twice`);
    names.add(obj.name);
  }
  return {
    version: MANIFEST_VERSION,
    id: m.id,
    pluginId: typeof m.pluginId === 'string' ? m.pluginId : parseSpaceId(m.id)!.pluginId,
    created: typeof m.created === 'string' ? m.created : parseSpaceId(m.id)!.created.toISOString(),
    description: typeof m.description === 'string' ? m.description : '',
    persistent: m.persistent !== false,
    state: m.state,
    committedAt: typeof m.committedAt === 'string' ? m.committedAt : null,
    verified: (m.verified as Manifest['verified']) ?? null,
    fix: (m.fix as FixRecord | null) ?? null,
    reverted: typeof m.reverted === 'string' ? m.reverted : null,
    objects: m.objects as ManifestObject[],
  };
}

/** sha256 of the manifest text last read or written for this object (cheap re-check before a restore). */
const digests = new WeakMap<Manifest, string>();

function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function digestOf(m: Manifest): string | undefined {
  return digests.get(m);
}

export async function readManifest(spaceDir: string, expectedId?: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(spaceDir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ManifestError(`manifest cannot be read (${(e as Error).message})`);
  }
  const m = parseManifest(text, expectedId);
  digests.set(m, textDigest(text));
  return m;
}

/** An object's JSON without its closing brace, ready for one more member. */
function unclosed(o: object): string {
  const json = JSON.stringify(o);
  return json.length > 2 ? `${json.slice(0, -1)},` : '{';
}

/**
 * The manifest's JSON in pieces of about 64 KB: a 20,000-entry tree is several MB of JSON, and
 * one string of it (plus its UTF-8 copy) would double what the manifest costs in memory. Under
 * 128 KB a piece is an ordinary young object, freed at once, not a large object that waits
 * for a full collection.
 */
function* manifestJson(m: Manifest): Generator<string> {
  const { objects, ...head } = m;
  let piece = `${unclosed(head)}"objects":[`;
  for (let i = 0; i < objects.length; i++) {
    const { entries, ...o } = objects[i]!;
    piece += i > 0 ? ',' : '';
    if (entries === undefined) piece += JSON.stringify(o);
    else {
      piece += `${unclosed(o)}"entries":[`;
      for (let j = 0; j < entries.length; j++) {
        piece += (j > 0 ? ',' : '') + JSON.stringify(entries[j]);
        if (piece.length >= 1 << 16) {
          yield piece;
          piece = '';
        }
      }
      piece += ']}';
    }
  }
  yield piece + ']}\n';
}

export async function writeManifest(spaceDir: string, m: Manifest): Promise<void> {
  const hash = createHash('sha256');
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const piece of manifestJson(m)) {
      const bytes = Buffer.from(piece, 'utf8');
      hash.update(bytes);
      yield bytes;
    }
  }
  await writeFileAtomic(join(spaceDir, MANIFEST_FILE), chunks(), { mode: 0o600 });
  digests.set(m, hash.digest('hex'));
}

/** sha256 of the manifest file as it is on disk (read in chunks), or undefined when missing. */
export async function manifestFileDigest(spaceDir: string): Promise<string | undefined> {
  try {
    return await hashFile(join(spaceDir, MANIFEST_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ManifestError(`manifest cannot be read (${(e as Error).message})`);
  }
}

/** Objects and bytes, counting the files inside directories. */
export function manifestTotals(m: Pick<Manifest, 'objects'>): { objects: number; size: number } {
  let objects = 0;
  let size = 0;
  for (const o of m.objects) {
    objects++;
    size += o.size;
    for (const e of o.entries ?? []) size += e.size;
  }
  return { objects, size };
}
