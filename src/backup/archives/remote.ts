/**
 * Archives at a storage URL: the archive, its snapshot sidecar and last its manifest are put
 * through the Backend (so a listing never shows an archive that is not all there); listing and
 * fetching read the manifests; keep and remove rewrite them. The Backend does the temporary
 * names, size and hash checks and retries.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Backend, StorageProgress } from '../storage/types.js';
import type { ArchiveManifest } from './types.js';
import { MANIFEST_SUFFIX, archiveName, assertKeepingId, manifestNameFor, snapshotSidecarFor } from './names.js';
import { readManifestFile } from './manifest.js';
import type { BackupResult } from './service.js';
import { planChain, type ChainPlan } from './extract.js';

export interface RemoteListing {
  manifests: ArchiveManifest[];
  /** Manifests that could not be read (named, so the person can look). */
  broken: string[];
  /** Archive files with no manifest: unfinished uploads, or not ours. */
  orphans: string[];
}

export async function listRemote(backend: Backend, scratch: string): Promise<RemoteListing> {
  const names = await backend.list();
  const manifests: ArchiveManifest[] = [];
  const broken: string[] = [];
  const described = new Set<string>();
  for (const n of names.filter((x) => x.endsWith(MANIFEST_SUFFIX)).sort()) {
    const local = join(scratch, n);
    try {
      await backend.get(n, local);
      const m = await readManifestFile(local);
      if (manifestNameFor(m.archive.name) !== n) throw new Error('name mismatch');
      manifests.push(m);
      described.add(m.archive.name);
      if (m.snapshot) described.add(m.snapshot.name);
    } catch {
      broken.push(n);
    } finally {
      await rm(local, { force: true });
    }
  }
  const orphans = names.filter((n) => !n.endsWith(MANIFEST_SUFFIX) && !described.has(n) && /\.tar(\.(gz|bz2|xz|zst))?(\.snar)?$/.test(n)).sort();
  return { manifests, broken, orphans };
}

/** Sends a made archive: archive, snapshot, then the manifest. */
export async function uploadArchive(backend: Backend, made: BackupResult, onProgress?: (p: StorageProgress) => void): Promise<void> {
  const m = made.manifest;
  await backend.put(made.archivePath, m.archive.name, { sha256: m.archive.sha256, ...(onProgress ? { onProgress } : {}) });
  if (made.snapshotPath && m.snapshot) await backend.put(made.snapshotPath, m.snapshot.name, { sha256: m.snapshot.sha256 });
  await backend.put(made.manifestPath, basename(made.manifestPath));
}

/** Downloads the archives of a chain (checked by the Backend's size check; sha256 by extractChain). */
export async function fetchChain(backend: Backend, listing: RemoteListing, id: string, keepingId: string | null, level: number | undefined, dir: string, onProgress?: (p: StorageProgress & { archive: string }) => void): Promise<ChainPlan> {
  const plan = planChain(listing.manifests, id, keepingId, level);
  for (const m of plan.chain) {
    await backend.get(m.archive.name, join(dir, m.archive.name), onProgress ? { onProgress: (p) => onProgress({ ...p, archive: m.archive.name }) } : {});
  }
  return plan;
}

/** Fetches what the next level needs into the service's dirs: the snapshot and manifest of level-1. */
export async function fetchParent(backend: Backend, listing: RemoteListing, id: string, level: number, stageDir: string, snapshotPath: string): Promise<void> {
  const parent = listing.manifests.find((m) => m.id === id && m.keepingId === null && m.level === level - 1);
  if (!parent) throw new FirstaidError('archive-chain-gap', `Level ${level - 1} of "${id}" is not at the destination, so level ${level} cannot be made.`, level - 1 === 0 ? 'Make level 0 first (--level 0).' : `Make level ${level - 1} first.`, 2);
  if (!parent.incremental || !parent.snapshot) throw new FirstaidError('archive-not-incremental', `"${id}" level ${level - 1} was made without a snapshot (not --incremental), so no level can follow it.`, 'Start a chain with --level 0.', 2);
  await backend.get(parent.snapshot.name, snapshotPath);
  await writeFileAtomic(join(stageDir, manifestNameFor(parent.archive.name)), JSON.stringify(parent) + '\n');
}

function findOne(listing: RemoteListing, id: string, keepingId: string | null, level: number): ArchiveManifest {
  const m = listing.manifests.find((x) => x.id === id && x.keepingId === keepingId && x.level === level);
  if (!m) throw new FirstaidError('no-such-archive', `There is no archive "${id}" level ${level}${keepingId ? ` kept as ${keepingId}` : ''} there.`, 'List them with: firstaid archive list URL');
  return m;
}

/** Renames every level of `id` (current ones) to keeping id `newKeepingId`: copies, then new manifests, then removes the old. */
export async function keepRemote(backend: Backend, listing: RemoteListing, id: string, newKeepingId: string, scratch: string): Promise<ArchiveManifest[]> {
  assertKeepingId(newKeepingId);
  const levels = listing.manifests.filter((m) => m.id === id && m.keepingId === null).sort((a, b) => a.level - b.level);
  if (!levels.length) findOne(listing, id, null, 0);
  const taken = listing.manifests.filter((m) => m.id === id && m.keepingId === newKeepingId);
  if (taken.length) throw new FirstaidError('archive-exists', `"${id}" already has archives kept as ${newKeepingId}.`, 'Choose another keeping id, or remove those first.');
  const kept: ArchiveManifest[] = [];
  const dir = await mkdtemp(join(scratch, 'keep-'));
  try {
    for (const m of levels) {
      const name = archiveName(m.id, m.type, m.level, newKeepingId);
      const local = join(dir, m.archive.name);
      await backend.get(m.archive.name, local);
      await backend.put(local, name, { sha256: m.archive.sha256 });
      await rm(local, { force: true });
      let snapshot = m.snapshot;
      if (snapshot) {
        const sl = join(dir, snapshot.name);
        await backend.get(snapshot.name, sl);
        await backend.put(sl, snapshotSidecarFor(name), { sha256: snapshot.sha256 });
        snapshot = { ...snapshot, name: snapshotSidecarFor(name) };
      }
      const k: ArchiveManifest = { ...m, keepingId: newKeepingId, archive: { ...m.archive, name }, snapshot };
      const mf = join(dir, manifestNameFor(name));
      await writeFileAtomic(mf, JSON.stringify(k) + '\n');
      await backend.put(mf, manifestNameFor(name));
      kept.push(k);
    }
    for (const m of levels) await removeOne(backend, m);
    return kept;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function removeOne(backend: Backend, m: ArchiveManifest): Promise<void> {
  // The manifest first: from then on the archive is not listed as restorable.
  await backend.delete(manifestNameFor(m.archive.name));
  await backend.deleteList([m.archive.name, ...(m.snapshot ? [m.snapshot.name] : [])]);
}

/** Removes levels >= fromLevel of `id` (all levels: fromLevel 0). Returns the removed manifests. */
export async function removeRemote(backend: Backend, listing: RemoteListing, id: string, keepingId: string | null, fromLevel = 0): Promise<ArchiveManifest[]> {
  const victims = listing.manifests.filter((m) => m.id === id && m.keepingId === keepingId && m.level >= fromLevel).sort((a, b) => b.level - a.level);
  if (!victims.length) throw new FirstaidError('no-such-archive', `There is no archive "${id}"${keepingId ? ` kept as ${keepingId}` : ''} at level ${fromLevel} or above there.`, 'List them with: firstaid archive list URL');
  for (const m of victims) await removeOne(backend, m);
  return victims;
}
