/**
 * The backup space contract (FirstAidKit's API, made safe). Paths given to a space are
 * target paths (as the installation sees them), resolved through the space's TargetRoot,
 * so a manifest still means something after a reboot with different mount points.
 */
import type { DiskIdentity } from '../../devices/types.js';
import type { TargetRoot } from '../../core/target-root.js';

export type ObjectType = 'file' | 'directory' | 'symlink' | 'value' | 'range';

export interface ManifestObject {
  /** Unique name inside the space (default: the origin path). Never contains "..", never absolute on disk. */
  name: string;
  type: ObjectType;
  /** Target path it came from (file/directory/symlink), or null for values and ranges. */
  origin: string | null;
  size: number;
  sha256: string | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  /** ISO time. */
  mtime: string | null;
  symlinkTarget: string | null;
  /** getfattr base64 form, e.g. {"security.selinux": "0s..."}. */
  xattrs: Record<string, string>;
  /** For ranges: the device read, where, how much, and the disk's identity at the time. */
  range: { device: string; offset: number; length: number; identity: DiskIdentity } | null;
  /** For directories: the objects inside, relative paths with their own metadata. */
  entries?: ManifestObject[];
  /** (Addition) For directories: the sha256 of each pack object holding small files of its entries. */
  packs?: string[];
  /**
   * (Addition) For a file entry stored in a pack: the index of the pack in its directory's
   * `packs`, and where in it its `size` bytes (with its `sha256`) are. Without them the entry
   * has an object file of its own. (Two numbers, not a pair: 20,000 small arrays weighed MBs.)
   */
  pack?: number;
  packOffset?: number;
  /** (Addition) The path did not exist when it was backed up: a restore removes it. Type "file", sha256 null. */
  absent?: boolean;
}

export type SpaceState = 'complete' | 'incomplete' | 'verified' | 'corrupt';

export interface SpaceSummary {
  /** "<pluginId>/<UTC timestamp>-<short id>" */
  id: string;
  pluginId: string;
  dir: string;
  created: string;
  description: string;
  objectCount: number;
  size: number;
  state: SpaceState;
  /** Set once the fix that made it completed: the state it left behind is recorded. */
  fixRecorded: boolean;
  /** Set once reverted. */
  reverted: boolean;
  /** (Addition) False for a non-persistent space kept because its run did not end well. */
  persistent?: boolean;
  /** (Addition) Why the space is incomplete or corrupt, naming the object when there is one. */
  problem?: string;
}

export interface BackupOptions {
  persistent: boolean;
  /** What the fix will do, for the revert listing. */
  description?: string;
}

export interface RestoreOptions {
  /** Restore even though the files changed since the fix (revert safety). */
  force?: boolean;
  /**
   * (Addition) Recorded device path -> today's node of the same disk and its identity now
   * (loop names change between runs). A range whose device has no mapping is written to the
   * recorded path only when that path's identity still matches.
   */
  devices?: Record<string, { path: string; identity: DiskIdentity }>;
}

/** (Addition) Options of BackupStore.closeBackup. */
export interface CloseOptions {
  /** The run did not end well: a non-persistent space is kept (and listed) instead of removed. */
  failed?: boolean;
}

export interface BackupSpace {
  readonly id: string;
  readonly pluginId: string;
  readonly dir: string;
  readonly persistent: boolean;
  /** (Addition) The space's id, "<pluginId>/<timestamp>-<short id>" (FirstAidKit's getBackupId). */
  getBackupId(): string;
  backupPath(path: string, name?: string): Promise<ManifestObject>;
  backupValue(value: unknown, name: string): Promise<ManifestObject>;
  /** Raw bytes of a device (MBR boot code, post-MBR gap, a partition), with the disk's identity. */
  backupRange(device: string, offset: number, length: number, name: string, identity: DiskIdentity): Promise<ManifestObject>;
  restoreName(name: string, path?: string): Promise<void>;
  restorePath(path: string, name?: string): Promise<void>;
  restoreValue<T = unknown>(name: string): Promise<T>;
  /** Writes a range back; refuses when the disk's identity differs from the recorded one. */
  restoreRange(name: string, device?: string): Promise<void>;
  /**
   * (Addition) With the device's identity as it is now (from lsblk); without it the space reads
   * it itself (lsblk/blkid). Refuses when ptuuid/serial/size differ from the recorded ones.
   */
  restoreRange(name: string, device: string | undefined, currentIdentity: DiskIdentity | undefined): Promise<void>;
  exists(nameOrPath: string): Promise<boolean>;
  list(): Promise<ManifestObject[]>;
  delete(name: string): Promise<void>;
  cleanup(): Promise<void>;
  /** Re-hashes every object against the manifest; lists the problems, naming objects. */
  verify(): Promise<{ ok: boolean; problems: string[] }>;
  /** Marks the space complete (manifest written last). Nothing is offered for revert before. */
  commit(): Promise<void>;
  /** After a fix: records the hash of what the fix left at each origin. */
  recordFixResult(): Promise<void>;
  /** Origins that changed since recordFixResult (a revert refuses these unless forced). */
  changedSinceFix(): Promise<string[]>;
  /** (Addition) Ranges are compared on today's node of their disk (RestoreOptions.devices). */
  changedSinceFix(opts: Pick<RestoreOptions, 'devices'>): Promise<string[]>;
  /** Verify, check changedSinceFix (unless forced), restore every object exactly. */
  revertAll(opts?: RestoreOptions): Promise<void>;
}

export interface BackupStore {
  /** Host path of the store directory (mode 0700). */
  readonly dir: string;
  /** A new space "<pluginId>/<UTC timestamp>-<short id>"; paths resolve through `target`. */
  getBackup(pluginId: string, target: TargetRoot, opts: BackupOptions): Promise<BackupSpace>;
  /** An existing space, by id; paths resolve through `target` (the same installation, remounted). */
  openSpace(id: string, target: TargetRoot): Promise<BackupSpace>;
  /** Frees a space: a non-persistent one is removed, a persistent one stays. */
  closeBackup(id: string): Promise<void>;
  /** (Addition) With { failed: true } a non-persistent space is kept for inspection. */
  closeBackup(id: string, opts: CloseOptions): Promise<void>;
  /** Every space, grouped by plugin id (alphabetical), newest first within a plugin. */
  list(): Promise<SpaceSummary[]>;
  deleteSpace(id: string): Promise<void>;
}
