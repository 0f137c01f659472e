/**
 * Maps the devices a backup recorded (loop names change between runs, /dev/sdX between boots)
 * to today's nodes of the same disk, matched by its identity (partition-table UUID, size,
 * serial). Pure. A disk that matches ambiguously or not at all is left out: the backup
 * layer then refuses to write rather than guess.
 */
import type { BlockDevice, DiskIdentity } from '../devices/types.js';
import type { ManifestObject } from '../backup/spaces/types.js';

export type DeviceMap = Record<string, { path: string; identity: DiskIdentity }>;

export function flattenDevices(devices: readonly BlockDevice[]): BlockDevice[] {
  const out: BlockDevice[] = [];
  const walk = (d: BlockDevice) => {
    out.push(d);
    for (const c of d.children ?? []) walk(c);
  };
  devices.forEach(walk);
  return out;
}

export function identityOf(d: BlockDevice): DiskIdentity {
  return { path: d.path, ptuuid: d.ptuuid, pttype: d.pttype, serial: d.serial, size: d.size };
}

function sameDisk(recorded: DiskIdentity, d: BlockDevice): boolean {
  if (d.size !== recorded.size) return false;
  if (recorded.ptuuid && d.ptuuid?.toLowerCase() !== recorded.ptuuid.toLowerCase()) return false;
  if (recorded.serial && d.serial && d.serial !== recorded.serial) return false;
  if (recorded.pttype && d.pttype && d.pttype !== recorded.pttype) return false;
  return true;
}

/** Today's disk with that identity, or null when none or several match. */
export function findDisk(recorded: DiskIdentity, devices: readonly BlockDevice[]): BlockDevice | null {
  const disks = flattenDevices(devices).filter((d) => d.type !== 'part' && (d.pttype !== null || d.children.length > 0 || d.type === 'disk'));
  const matches = disks.filter((d) => sameDisk(recorded, d));
  if (matches.length === 1) return matches[0]!;
  // Without a partition-table UUID, size alone may match several: only the same path decides then.
  const samePath = matches.filter((d) => d.path === recorded.path);
  return samePath.length === 1 ? samePath[0]! : null;
}

export function buildDeviceMap(objects: readonly ManifestObject[], devices: readonly BlockDevice[]): DeviceMap {
  const map: DeviceMap = {};
  for (const o of objects) {
    if (o.type !== 'range' || !o.range) continue;
    const { device, identity } = o.range;
    const disk = findDisk(identity, devices);
    if (!disk) continue;
    const id = identityOf(disk);
    if (device === identity.path) {
      map[device] = { path: disk.path, identity: id };
      continue;
    }
    // A partition of the recorded disk: same partition number on today's disk.
    const m = device.startsWith(identity.path) ? /(\d+)$/.exec(device.slice(identity.path.length)) : null;
    if (!m) continue;
    const partn = Number(m[1]);
    const part = disk.children.find((c) => c.partn === partn);
    if (part) map[device] = { path: part.path, identity: id };
  }
  return map;
}
