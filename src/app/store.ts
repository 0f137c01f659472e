/**
 * Choosing the backup store, in one place for both twins and the flow engine: --backup-store DIR,
 * else a store directory the person named (a backup's path), else the target's own
 * /var/lib/firstaid/backups (which is why writing remounts the target read-write first).
 */
import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { FirstaidError } from '../core/errors.js';
import type { TargetRoot } from '../core/target-root.js';
import type { MountedSystem } from '../devices/types.js';
import { defaultStoreDir, openBackupStore, openBackupStoreReadOnly } from '../backup/spaces/store.js';
import type { BackupStore } from '../backup/spaces/types.js';
import type { AppContext } from './context.js';

/**
 * read: never locks or writes (listings); record: locks and records verify results where the
 * store can be written, else reads only; write: the store will be changed.
 */
export type StoreMode = 'read' | 'record' | 'write';

export interface StoreWhere {
  /** The installation whose own store is the default (remounted read-write to write it). */
  system?: MountedSystem | null;
  /** A target root without a mounted system (--root DIR listings). */
  target?: TargetRoot;
  /** A store directory the person named explicitly (the path of a backup directory). */
  dir?: string;
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The store directory these options and this target mean (no I/O but resolving the target's path). */
export async function storeDirFor(ctx: Pick<AppContext, 'options'>, where: StoreWhere): Promise<string> {
  if (where.dir !== undefined) return where.dir;
  if (ctx.options.backupStore !== undefined) return ctx.options.backupStore;
  const target = where.system?.target ?? where.target;
  if (!target) throw new FirstaidError('no-system', 'No system is chosen, so there is no backup store to use.', 'Choose the system first, or name a store with --backup-store DIR.');
  return defaultStoreDir(target);
}

/** Opens the chosen store for `mode`; a store on the target's own disk is made writable first when writing. */
export async function openStore(ctx: Pick<AppContext, 'options' | 'runner' | 'log'>, where: StoreWhere, mode: StoreMode): Promise<BackupStore> {
  const deps = { runner: ctx.runner, log: ctx.log };
  const onTarget = where.dir === undefined && ctx.options.backupStore === undefined;
  if (mode === 'write' && onTarget) await where.system?.remountReadWrite();
  const dir = await storeDirFor(ctx, where);
  if (mode === 'write') return openBackupStore(dir, deps);
  if (mode === 'record' && (await writable(dir))) return openBackupStore(dir, deps);
  return openBackupStoreReadOnly(dir, deps);
}
