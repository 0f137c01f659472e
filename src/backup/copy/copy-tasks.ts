/**
 * The file work a big tree's backup or restore shares with a helper thread: the same calls on
 * both threads, named so that a batch can cross the thread boundary as plain data.
 */
import { join } from 'node:path';
import { BlobStore, type PutFileResult } from '../objects/blobs.js';
import { hashFile } from '../objects/hash-file.js';
import { restoreEntry } from './tree-entry.js';
import type { ManifestObject } from '../spaces/types.js';

/** Which space's objects a batch reads or writes, and where its items' paths start. */
export interface CopyContext {
  spaceDir: string;
  /** The tree's root on the host: items name paths inside it (20,000 joined paths would weigh MBs). */
  root: string;
  /** Objects skip their own fsync: the owning thread syncs the filesystem before its commit. */
  deferred: boolean;
}

/** One file or symlink of a tree being restored (at root/entry.name); its directory is already there. */
export interface RestoreItem {
  entry: ManifestObject;
  /** Something of the same type is there: replaced through a temp name. */
  present: boolean;
  /** A packed file: the sha256 of its pack (the entry's pack index, resolved; the offset is the entry's). */
  pack?: string;
}

/** Per kind: what one item of a batch is, and what doing it gives back. */
export interface CopyTaskTypes {
  /** A host file (its path below root) copied into the space's objects. */
  put: { item: string; result: PutFileResult };
  /** A tree entry put back from the space's objects. */
  restore: { item: RestoreItem; result: null };
  /** A host file's sha256 (its path below root; a disc manifest's files). */
  hash: { item: string; result: string };
}
export type CopyTaskKind = keyof CopyTaskTypes;
export type CopyItem<K extends CopyTaskKind> = CopyTaskTypes[K]['item'];
export type CopyResult<K extends CopyTaskKind> = CopyTaskTypes[K]['result'];

type CopyTask<K extends CopyTaskKind> = (blobs: BlobStore, ctx: CopyContext, item: CopyItem<K>) => CopyResult<K> | Promise<CopyResult<K>>;

export const copyTasks: { [K in CopyTaskKind]: CopyTask<K> } = {
  put: (blobs, ctx, rel) => blobs.putFile(join(ctx.root, rel), !ctx.deferred, true),
  restore: (blobs, ctx, r) => {
    restoreEntry(blobs, r.entry, join(ctx.root, r.entry.name), r.present, r.pack);
    return null;
  },
  hash: (_blobs, ctx, rel) => hashFile(join(ctx.root, rel)),
};

/**
 * What ends a batch on the thread that ran it, before its results are used: a backup's pack
 * is placed (or dropped, when the batch failed), a restore's open pack closed.
 */
export const endCopyBatch: { [K in CopyTaskKind]: (blobs: BlobStore, ok: boolean) => void } = {
  put: (blobs, ok) => (ok ? blobs.endPack() : blobs.abortPack()),
  restore: (blobs) => blobs.closePacks(),
  hash: () => undefined,
};

/**
 * A helper thread's own BlobStore (its temp names must not collide with the owner's), new for
 * each run of shared work: what an earlier run stored may have been deleted since by its owner.
 */
let helperStore: { run: number; blobs: BlobStore } | undefined;

export function helperBlobs(ctx: CopyContext, run: number): BlobStore {
  if (helperStore?.run === run) return helperStore.blobs;
  helperStore?.blobs.closePacks();
  const ownerFlushes = async (): Promise<void> => {
    throw new Error('a helper thread never flushes a backup space: its owner does');
  };
  const blobs = new BlobStore(ctx.spaceDir, ctx.deferred ? ownerFlushes : undefined, true);
  helperStore = { run, blobs };
  return blobs;
}
