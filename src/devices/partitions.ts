/** Views of the device tree: partitions, disks, GPT type GUIDs. Pure. */
import type { BlockDevice, DiskIdentity, PartitionRef } from './types.js';
import { flattenDevices } from './lsblk.js';

export const ESP_TYPE = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';
export const BIOS_GRUB_TYPE = '21686148-6449-6e6f-744e-656564454649';
/** MBR type of an EFI system partition. */
const ESP_MBR_TYPE = '0xef';

export function isEspType(t: string | null): boolean {
  return t !== null && (t.toLowerCase() === ESP_TYPE || t.toLowerCase() === ESP_MBR_TYPE);
}

export function isBiosGrubType(t: string | null): boolean {
  return t !== null && t.toLowerCase() === BIOS_GRUB_TYPE;
}

export function toPartitionRef(d: BlockDevice): PartitionRef {
  return {
    device: d.path,
    uuid: d.uuid,
    partuuid: d.partuuid,
    label: d.label,
    fstype: d.fstype,
    partn: d.partn,
    start: d.start,
    size: d.size,
    parttype: d.parttype,
  };
}

export function diskIdentity(d: BlockDevice): DiskIdentity {
  return { path: d.path, ptuuid: d.ptuuid, pttype: d.pttype, serial: d.serial, size: d.size };
}

/** The top-level device (disk/loop) whose tree holds node. */
export function diskOf(node: BlockDevice, devices: readonly BlockDevice[]): BlockDevice {
  for (const top of devices) if (flattenDevices([top]).some((d) => d.path === node.path)) return top;
  return node;
}

/** The disk's partitions in on-disk order (partition number). */
export function partitionsOf(disk: BlockDevice): BlockDevice[] {
  // Without a partition number (lsblk alone, no sysfs), the kernel name's trailing number is it.
  const n = (d: BlockDevice): number => d.partn ?? Number(/(\d+)$/.exec(d.name)?.[1] ?? 0);
  return disk.children.filter((c) => c.type === 'part').sort((a, b) => n(a) - n(b));
}

/** "vfat, UUID 1234-ABCD" */
export function describeFs(d: { fstype: string | null; uuid: string | null }): string {
  return [d.fstype ?? 'no filesystem', d.uuid ? `UUID ${d.uuid}` : null].filter(Boolean).join(', ');
}
