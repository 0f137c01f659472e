/**
 * The manifest beside each archive: read (checked field by field), written atomically, and the
 * archive checked against it (size and sha256): a tar cut at a member boundary lists with exit 0,
 * so `tar -t` alone can never say an archive is whole.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { MANIFEST_FORMAT, type ArchiveManifest } from './types.js';
import { MANIFEST_SUFFIX, isArchiveId, isArchiveType, isKeepingId } from './names.js';
import { hashFile } from './follow.js';

function bad(where: string, why: string): FirstaidError {
  return new FirstaidError('archive-manifest-bad', `The archive manifest ${where} is not usable: ${why}.`, 'The archive it describes cannot be trusted; make a new archive, or extract by hand with GNU tar.');
}

const isSha = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Checks a parsed manifest; `where` names it in the message. */
export function parseManifest(text: string, where: string): ArchiveManifest {
  let m: ArchiveManifest;
  try {
    m = JSON.parse(text) as ArchiveManifest;
  } catch {
    throw bad(where, 'it is not JSON (cut short?)');
  }
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) throw bad(where, 'unknown format');
  if (typeof m.id !== 'string' || !isArchiveId(m.id)) throw bad(where, 'bad id');
  if (!isArchiveType(m.type)) throw bad(where, 'bad type');
  if (!Number.isInteger(m.level) || m.level < 0) throw bad(where, 'bad level');
  if (m.keepingId !== null && (typeof m.keepingId !== 'string' || !isKeepingId(m.keepingId))) throw bad(where, 'bad keeping id');
  if (!m.archive || typeof m.archive.name !== 'string' || m.archive.name.includes('/') || !isSize(m.archive.size) || !isSha(m.archive.sha256)) throw bad(where, 'bad archive record');
  if (m.parentSha256 !== null && !isSha(m.parentSha256)) throw bad(where, 'bad parent hash');
  if (m.snapshot !== null && (!m.snapshot || typeof m.snapshot.name !== 'string' || m.snapshot.name.includes('/') || !isSha(m.snapshot.sha256))) throw bad(where, 'bad snapshot record');
  if (!Array.isArray(m.members) || !Array.isArray(m.warnings)) throw bad(where, 'bad member list');
  return m;
}

export async function readManifestFile(path: string): Promise<ArchiveManifest> {
  return parseManifest(await readFile(path, 'utf8'), path);
}

export async function writeManifestFile(path: string, m: ArchiveManifest): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(m) + '\n', { mode: 0o644 });
}

/** Every readable manifest in a directory; unreadable ones are reported, not fatal. */
export async function manifestsIn(dir: string): Promise<{ manifests: ArchiveManifest[]; broken: string[] }> {
  const manifests: ArchiveManifest[] = [];
  const broken: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { manifests, broken };
    throw e;
  }
  for (const n of names.filter((x) => x.endsWith(MANIFEST_SUFFIX) && !x.startsWith('.')).sort()) {
    try {
      manifests.push(await readManifestFile(join(dir, n)));
    } catch {
      broken.push(n);
    }
  }
  return { manifests, broken };
}

/** Throws archive-corrupt unless the file at `path` is exactly the archive the manifest describes. */
export async function verifyArchive(path: string, m: ArchiveManifest): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new FirstaidError('archive-missing', `The archive ${m.archive.name} is missing.`, 'It was removed or never finished; make it again.');
  }
  if (size !== m.archive.size) {
    throw new FirstaidError('archive-corrupt', `The archive ${m.archive.name} is ${size} bytes; its manifest says ${m.archive.size} (${size < m.archive.size ? 'cut short' : 'grown'}).`, 'Do not extract it; fetch it again or make a new archive.');
  }
  const h = await hashFile(path);
  if (h.sha256 !== m.archive.sha256) {
    throw new FirstaidError('archive-corrupt', `The archive ${m.archive.name} is damaged: its sha256 differs from its manifest's.`, 'Do not extract it; fetch it again (par2+ URLs can repair it) or make a new archive.');
  }
}
