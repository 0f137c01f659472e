/**
 * Which filesystem an fstab line most likely meant (pure): the evidence behind every remap.
 * A candidate is an unclaimed, mountable filesystem of the declared type; it is picked only
 * when the evidence singles it out (the only one of its type, the one labelled like the mount
 * point, the partition number a kernel name gives), never by guessing between several.
 */
import type { BlockDevice, PartitionRef } from '../../devices/types.js';
import type { FstabEntry } from '../../devices/fstab-parse.js';
import { BLOCK_FS, sameFormat } from './options.js';

export interface CandidateFs {
  device: string;
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  partuuid: string | null;
  partlabel: string | null;
  size: number;
}

export interface CandidateChoice {
  pick: CandidateFs | null;
  all: CandidateFs[];
  why: string;
  /** The right filesystem is known but has no UUID, so no UUID= can name it (the root line only). */
  unnamed?: CandidateFs;
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function describeFs(c: CandidateFs): string {
  const bits = [c.fstype ?? 'no filesystem', c.label ? `label ${c.label}` : 'no label', mib(c.size)];
  return `${c.device} (${bits.join(', ')})`;
}

export function candidateOf(d: BlockDevice): CandidateFs {
  return { device: d.path, fstype: d.fstype, uuid: d.uuid, label: d.label, partuuid: d.partuuid, partlabel: d.partlabel, size: d.size };
}

/** Devices that hold a filesystem one could mount (not a partition table, LVM PV, RAID member...). */
export function mountable(d: BlockDevice): boolean {
  return d.fstype !== null && (BLOCK_FS.has(d.fstype) || d.fstype === 'swap') && d.fstype !== 'crypto_LUKS';
}

/** "/dev/sdb1" -> 1, "/dev/nvme0n1p3" -> 3, "/dev/mmcblk0p2" -> 2; null for a whole disk. */
export function kernelPartNumber(spec: string): number | null {
  const m = /^\/dev\/(?:(?:sd|vd|hd|xvd)[a-z]+(\d+)|(?:nvme\d+n\d+|mmcblk\d+)p(\d+))$/.exec(spec);
  const n = m ? m[1] ?? m[2] : undefined;
  return n ? Number(n) : null;
}

/** A kernel device name (order-dependent: /dev/sdX, /dev/vdX, /dev/hdX, /dev/xvdX, nvme, mmcblk). */
export function isKernelName(spec: string): boolean {
  return /^\/dev\/(sd|vd|hd|xvd)[a-z]+\d*$|^\/dev\/(nvme\d+n\d+|mmcblk\d+)(p\d+)?$/.test(spec);
}

export interface CandidateFacts {
  flat: readonly BlockDevice[];
  root: PartitionRef | null;
  ownMountPrefix?: string;
}

export function findCandidate(e: FstabEntry, facts: CandidateFacts, claimed: ReadonlySet<string>): CandidateChoice {
  const { root, flat } = facts;
  if (e.file === '/' && root) {
    // The root entry: the filesystem this installation was found on is the answer, with certainty.
    const d = flat.find((x) => x.path === root.device);
    if (d && d.uuid) return { pick: candidateOf(d), all: [candidateOf(d)], why: `${describeFs(candidateOf(d))} is the filesystem this installation was found on` };
    // Not another filesystem in its place: the root is right here, it just cannot be named by UUID=.
    if (d) return { pick: null, all: [], unnamed: candidateOf(d), why: `${describeFs(candidateOf(d))}, the filesystem this installation was found on, has no UUID for the line to name` };
  }
  const wantType = e.vfstype;
  const own = facts.ownMountPrefix;
  const liveInUse = (d: BlockDevice) => d.mountpoints.some((m) => m && !(own && (m === own || m.startsWith(own + '/'))));
  const pool = flat.filter((d) => mountable(d) && d.uuid && !claimed.has(d.path) && d.path !== root?.device && d.size >= 1024 * 1024 && !liveInUse(d));
  const typed = wantType === 'auto' ? pool.filter((d) => d.fstype !== 'swap') : pool.filter((d) => d.fstype && sameFormat(wantType, d.fstype) !== 'different');
  const all = typed.map(candidateOf);
  if (typed.length === 0) {
    return { pick: null, all, why: `no unclaimed ${wantType === 'auto' ? '' : wantType + ' '}filesystem is on the target's disks` };
  }
  const base = e.file.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
  if (typed.length === 1 && wantType !== 'auto') {
    return { pick: all[0]!, all, why: `${describeFs(all[0]!)} is the only unclaimed ${wantType} filesystem` };
  }
  const byLabel = typed.filter((d) => d.label && base && d.label.toLowerCase() === base);
  if (byLabel.length === 1) {
    const p = candidateOf(byLabel[0]!);
    return { pick: p, all, why: `${describeFs(p)} is the unclaimed ${p.fstype} filesystem labelled like the mount point ${e.file}` };
  }
  // A kernel name carries a partition number: evidence when exactly one candidate has it.
  const partn = kernelPartNumber(e.spec);
  if (partn !== null && wantType !== 'auto') {
    const byNumber = typed.filter((d) => d.partn === partn);
    if (byNumber.length === 1) {
      const p = candidateOf(byNumber[0]!);
      return { pick: p, all, why: `${describeFs(p)} is the only unclaimed ${wantType} filesystem in partition ${partn}, the number ${e.spec} names` };
    }
  }
  return { pick: null, all, why: `${typed.length} unclaimed filesystems could fit (${all.map(describeFs).join('; ')}); not guessing which` };
}
