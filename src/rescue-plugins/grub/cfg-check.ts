/**
 * Pure: grub.cfg's boot entries against what /boot holds. A named kernel or initrd that is not
 * there stops the boot ("error: file ... not found"); an entry without an initrd while /boot has
 * one for its kernel ends in a kernel panic (no root device driver, "VFS: Unable to mount root").
 */
import { targetPathOf, type GrubEntry } from './cfg.js';

/** The kernel's version: "/boot/vmlinuz-6.1.0-50-cloud-amd64" -> "6.1.0-50-cloud-amd64". */
export function kernelVersion(kernel: string): string | null {
  const m = /\/vmlinuz-([^/]+)$/.exec(kernel);
  return m ? m[1]! : null;
}

/** Target paths an initrd for this kernel has on Debian (initramfs-tools) and Fedora (dracut). */
export function initrdCandidates(kernel: string): string[] {
  const v = kernelVersion(kernel);
  return v ? [`/boot/initrd.img-${v}`, `/boot/initramfs-${v}.img`] : [];
}

export interface CfgAgainstBoot {
  /** Target paths named by an entry that do not exist. */
  missing: string[];
  /** Paths named that exist. */
  present: string[];
  /** Entries with a kernel and no initrd line although /boot has an initrd for that kernel. */
  withoutInitrd: { title: string; kernel: string; initrd: string }[];
}

/** Compares the entries with /boot; `exists` answers for target paths (the plugin looked them up). */
export function checkAgainstBoot(entries: readonly GrubEntry[], separateBoot: boolean, exists: (targetPath: string) => boolean): CfgAgainstBoot {
  const named = new Set<string>();
  const withoutInitrd: CfgAgainstBoot['withoutInitrd'] = [];
  for (const e of entries) {
    if (!e.kernel) continue;
    for (const p of [e.kernel, ...e.initrds]) named.add(targetPathOf(p, separateBoot));
    if (e.initrds.length > 0) continue;
    const initrd = initrdCandidates(targetPathOf(e.kernel, separateBoot)).find(exists);
    if (initrd && exists(targetPathOf(e.kernel, separateBoot))) withoutInitrd.push({ title: e.title, kernel: targetPathOf(e.kernel, separateBoot), initrd });
  }
  const all = [...named];
  return { missing: all.filter((p) => !exists(p)), present: all.filter(exists), withoutInitrd };
}

/** Every target path checkAgainstBoot may ask about (so the plugin can look them up first). */
export function pathsToLookUp(entries: readonly GrubEntry[], separateBoot: boolean): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    if (!e.kernel) continue;
    const k = targetPathOf(e.kernel, separateBoot);
    out.add(k);
    for (const i of e.initrds) out.add(targetPathOf(i, separateBoot));
    for (const c of initrdCandidates(k)) out.add(c);
  }
  return [...out];
}
