/** Pure: which GRUB platforms an installation needs, and the names its tools go by. */
import type { Installation } from '../../devices/types.js';

export interface GrubPlatforms {
  bios: boolean;
  uefi: boolean;
}

/** BIOS when the evidence says so or the disk can only boot that way; UEFI when there is an ESP to boot from. */
export function neededPlatforms(system: Installation): GrubPlatforms {
  const fw = system.firmware;
  const plats = system.grub.platforms;
  const bios = fw === 'bios' || fw === 'hybrid' || system.biosGrub !== null
    || (system.disk.pttype === 'dos' && system.esp === null)
    || (fw === 'unknown' && plats.includes('i386-pc'));
  const uefi = fw === 'uefi' || fw === 'hybrid'
    || (system.esp !== null && (fw === 'unknown' || plats.includes('x86_64-efi')));
  return { bios, uefi };
}

/** The facts diagnose gathers for the planner (carried in the grub.tools finding's data). */
export interface GrubPlanFacts {
  flavour: 'grub' | 'grub2';
  /** "/boot/grub" or "/boot/grub2". */
  dir: string;
  bios: boolean;
  uefi: boolean;
  defaultGrubExists: boolean;
  bootloaderId: string;
  /** ESP mount point in the target (fstab), e.g. "/boot/efi". */
  espMountpoint: string | null;
}

export function tool(flavour: 'grub' | 'grub2', name: 'install' | 'mkconfig' | 'script-check' | 'probe'): string {
  return `${flavour}-${name}`;
}

/** GRUB_DISTRIBUTOR is often a shell snippet (`lsb_release -i -s || echo Debian`): take a plain word from it. */
export function bootloaderIdFrom(defaultGrub: string | undefined, osId: string | undefined): string {
  const m = /^\s*GRUB_DISTRIBUTOR=(.*)$/m.exec(defaultGrub ?? '');
  let v = m ? m[1]!.trim() : '';
  v = v.replace(/^["']|["']$/g, '');
  if (/[`$]/.test(v)) {
    const echo = /echo\s+([A-Za-z0-9._-]+)/.exec(v);
    v = echo ? echo[1]! : '';
  }
  const id = (v || osId || 'debian').split(/\s+/)[0]!.toLowerCase().replace(/[^a-z0-9._-]/g, '');
  return id || 'debian';
}
