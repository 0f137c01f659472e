/**
 * Revert: a fix's backup space back onto the installation. Verify first (a damaged or incomplete
 * backup restores nothing), refuse files changed since the fix unless forced, map recorded
 * devices to today's nodes of the same disk, then restore every object.
 */
import { FirstaidError } from '../core/errors.js';
import type { BackupSpace, ManifestObject } from '../backup/spaces/types.js';
import { buildDeviceMap, type DeviceMap } from './device-map.js';
import type { FlowDeps } from './types.js';
import { restoreValues } from './values.js';

export interface RevertResult {
  backupId: string;
  backupDir: string;
  /** Names of the objects restored. */
  restored: string[];
  /** One line each: what was restored where ("/etc/fstab", "/dev/loop0 bytes 0..1048575"). */
  objects: string[];
  /** Origins that had changed since the fix (restored anyway because of --force). */
  forcedOver: string[];
}

/** RestoreOptions.devices for a space's ranges: recorded device -> today's node of the same disk. */
export async function restoreDevices(space: BackupSpace, deps: FlowDeps): Promise<{ devices?: DeviceMap }> {
  let objects: ManifestObject[];
  try {
    objects = await space.list();
  } catch {
    return {};
  }
  const map = buildDeviceMap(objects, deps.devices);
  return Object.keys(map).length > 0 ? { devices: map } : {};
}

/** Splits "<plugin>/<stamp>-<id>" or a path to the space directory into store dir and id. */
export function parseBackupRef(ref: string): { id: string; storeDir: string | null } {
  const clean = ref.replace(/\/+$/, '');
  const bad = () => new FirstaidError('bad-backup-id', `"${ref}" is not a backup id.`, 'Give an id like grub/20261122T205400Z-ab12cd (firstaid backups list) or the path of a backup directory.', 2);
  const valid = (id: string) => /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_:-]+$/.test(id) && !id.split('/').some((c) => c === '.' || c === '..');
  if (clean.startsWith('/')) {
    const parts = clean.split('/');
    const id = parts.slice(-2).join('/');
    if (!valid(id) || parts.includes('..')) throw bad();
    return { id, storeDir: parts.slice(0, -2).join('/') || '/' };
  }
  if (!valid(clean)) throw bad();
  return { id: clean, storeDir: null };
}

/** Reverts a fix from its backup space: verify, refuse changed files unless forced, restore all. */
export async function revertFix(backupRef: string, deps: FlowDeps, opts: { force: boolean }): Promise<RevertResult> {
  const { id, storeDir } = parseBackupRef(backupRef);
  deps.onProgress?.('restore', `opening ${id}`);
  await deps.system.remountReadWrite();
  const store = await deps.openStore(storeDir ?? undefined);
  const space = await store.openSpace(id, deps.system.target);
  const v = await space.verify();
  if (!v.ok) {
    throw new FirstaidError('backup-corrupt', `The backup ${id} is damaged or incomplete: ${v.problems.join('; ')}`, 'Nothing was restored. Another backup of the same plugin may be usable: firstaid backups list.');
  }
  // Ranges are compared on today's node of the same disk (loop device names change between runs).
  const devices = await restoreDevices(space, deps);
  const changed = await space.changedSinceFix(devices);
  if (changed.length > 0 && !opts.force) {
    throw new FirstaidError('changed-since-fix', `These changed after the fix, so restoring would lose those changes: ${changed.join(', ')}`, `Nothing was restored. To restore anyway: firstaid revert ${id} --force`, 1, { details: { changed } });
  }
  const objects = await space.list();
  deps.onProgress?.('restore', `restoring ${objects.length} object(s) from ${id}`);
  await space.revertAll({ force: opts.force, ...devices });
  const values = await restoreValues(space, deps.runner);
  for (const v of values) deps.log.info(`revert: ${v}`);
  deps.log.info(`reverted ${id}`);
  await store.closeBackup(id).catch(() => undefined);
  return { backupId: id, backupDir: space.dir, restored: objects.map((o) => o.name), objects: objects.map(describeObject), forcedOver: changed };
}

export function describeObject(o: ManifestObject): string {
  if (o.type === 'range' && o.range) return `${o.range.device} bytes ${o.range.offset}..${o.range.offset + o.range.length - 1} (${o.name})`;
  if (o.type === 'value') return `value ${o.name}`;
  const what = o.absent ? 'removed (it did not exist before the fix)' : o.type;
  return `${o.origin ?? o.name} (${what})`;
}
