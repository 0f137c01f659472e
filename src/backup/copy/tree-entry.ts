/**
 * Putting one file or symlink of a tree back, synchronously: shared by the main thread and the
 * helper thread a big tree's restore runs on (copy-worker.ts), so nothing here may await.
 */
import { chmodSync, chownSync, lchownSync, lutimesSync, symlinkSync, utimesSync } from 'node:fs';
import { commitStagedSync, tempNameFor } from '../../core/atomic-write.js';
import type { ManifestObject } from '../spaces/types.js';
import type { BlobStore } from '../objects/blobs.js';
import { unlinkQuietly } from '../objects/chunk-io.js';

/** Owner, mode and mtime of a restored file (mode after chown: chown clears setuid bits). */
function setFileMeta(o: ManifestObject, hostPath: string): void {
  if (o.uid !== null && o.gid !== null) chownSync(hostPath, o.uid, o.gid);
  if (o.mode !== null) chmodSync(hostPath, o.mode);
  if (o.mtime) utimesSync(hostPath, new Date(o.mtime), new Date(o.mtime));
}

/** A file's stored bytes (its object file, or its slice of `pack`) copied to a new host path. */
function copyFile(blobs: BlobStore, o: ManifestObject, hostPath: string, pack: string | undefined): void {
  if (pack !== undefined) blobs.copySliceToSync(pack, o.packOffset!, o.size, hostPath);
  else blobs.copyToSync(o.sha256!, hostPath);
}

/** A file object copied to a temp name beside hostPath, with its metadata: the temp's path. */
export function stageFile(blobs: BlobStore, o: ManifestObject, hostPath: string, pack?: string): string {
  const tmp = tempNameFor(hostPath);
  copyFile(blobs, o, tmp, pack);
  try {
    setFileMeta(o, tmp);
  } catch (e) {
    unlinkQuietly(tmp);
    throw e;
  }
  return tmp;
}

export function placeSymlinkSync(o: ManifestObject, hostPath: string): void {
  const tmp = tempNameFor(hostPath);
  symlinkSync(o.symlinkTarget!, tmp);
  try {
    if (o.uid !== null && o.gid !== null) lchownSync(tmp, o.uid, o.gid);
  } catch (e) {
    unlinkQuietly(tmp);
    throw e;
  }
  // The tree is synced as a whole afterwards (and a symlink cannot be fsynced).
  commitStagedSync(tmp, hostPath, 'deferred');
  if (o.mtime) lutimesSync(hostPath, new Date(o.mtime), new Date(o.mtime));
}

/**
 * One entry of a tree being restored, synchronously (the caller breathes between entries).
 * Files where nothing is are written in place: the tree is synced as a whole afterwards.
 */
export function restoreEntry(blobs: BlobStore, e: ManifestObject, hostPath: string, present: boolean, pack?: string): void {
  if (e.type === 'symlink') placeSymlinkSync(e, hostPath);
  else if (!present && copiedFresh(blobs, e, hostPath, pack)) setFileMeta(e, hostPath);
  else {
    commitStagedSync(stageFile(blobs, e, hostPath, pack), hostPath, 'deferred');
  }
}

/**
 * Copies an object where nothing is: false if something is there after all (an entry done
 * twice when a helper thread stopped mid-batch), which is then replaced through a temp name.
 */
function copiedFresh(blobs: BlobStore, e: ManifestObject, hostPath: string, pack: string | undefined): boolean {
  try {
    copyFile(blobs, e, hostPath, pack);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
