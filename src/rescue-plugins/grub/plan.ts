/**
 * Pure planning: which GRUB parts to reinstall, what that touches (so the flow engine backs it
 * up first), and the exact commands. grub-install only ever targets the installation's disk.
 */
import type { Installation } from '../../devices/types.js';
import type { Finding, Plan, PlanAction, Touch } from '../types.js';
import { neededPlatforms, tool, type GrubPlanFacts } from './facts.js';

const BIOS_FINDINGS = new Set(['grub.mbr-boot-code', 'grub.core-image', 'grub.modules-i386-pc']);
const EFI_FINDINGS = new Set(['grub.esp-loader', 'grub.esp-filesystem', 'grub.modules-x86_64-efi']);

export function factsOf(findings: Finding[], system: Installation): GrubPlanFacts {
  const data = findings.find((f) => f.id === 'grub.tools')?.data as Partial<GrubPlanFacts> | undefined;
  const plats = neededPlatforms(system);
  const flavour = data?.flavour ?? system.grub.flavour;
  return {
    flavour,
    dir: data?.dir ?? system.grub.dir ?? (flavour === 'grub2' ? '/boot/grub2' : '/boot/grub'),
    bios: data?.bios ?? plats.bios,
    uefi: data?.uefi ?? plats.uefi,
    defaultGrubExists: data?.defaultGrubExists ?? false,
    bootloaderId: data?.bootloaderId ?? 'debian',
    espMountpoint: data?.espMountpoint ?? system.esp?.mountpoint ?? null,
  };
}

/** The grub-install argv for UEFI (apply recognises it by --target=x86_64-efi). */
export function efiInstallArgv(facts: GrubPlanFacts): string[] {
  return [tool(facts.flavour, 'install'), '--target=x86_64-efi', `--efi-directory=${facts.espMountpoint ?? '/boot/efi'}`,
    `--bootloader-id=${facts.bootloaderId}`, '--removable', '--no-nvram'];
}

/**
 * `live`: how the rescue system itself was booted. Only booted in UEFI mode can it write the
 * firmware's NVRAM (efivarfs); then the installation also gets a boot entry (efibootmgr).
 */
export function planGrub(findings: Finding[], system: Installation, live: 'uefi' | 'bios' = 'bios'): Plan {
  const facts = factsOf(findings, system);
  const detected = findings.filter((f) => f.state === 'detected');
  const fixable = detected.filter((f) => f.fixable);
  const base: Plan = { pluginId: 'grub', findings: [], summary: '', actions: [], touches: [], needsChroot: true, choices: [], blockers: [] };
  if (fixable.length === 0) {
    const blockers = detected.filter((f) => f.severity === 'blocker').map((f) => [f.title, ...f.evidence.slice(-1)].join(': '));
    return { ...base, needsChroot: false, blockers, summary: blockers.length ? 'GRUB cannot be repaired automatically' : 'nothing to fix: GRUB looks healthy' };
  }
  const blockers = detected.filter((f) => f.severity === 'blocker').map((f) => `${f.title}. ${f.evidence.slice(1).join(' ') || f.evidence.join(' ')}`.trim());
  // Only the broken platform is reinstalled; a grub.cfg problem needs only grub-mkconfig.
  const installBios = facts.bios && fixable.some((f) => BIOS_FINDINGS.has(f.id));
  const installEfi = facts.uefi && fixable.some((f) => EFI_FINDINGS.has(f.id));

  const touches: Touch[] = [];
  const actions: PlanAction[] = [];
  const disk = system.disk.path;
  if (installBios) {
    const starts = system.partitions.map((p) => p.start).filter((s): s is number => typeof s === 'number' && s > 0);
    const first = starts.length ? Math.min(...starts) : 1024 * 1024;
    touches.push({ kind: 'range', device: disk, offset: 0, length: first, name: 'boot-area', why: 'MBR boot code, partition table and the post-MBR gap (GRUB core image)' });
    const bg = system.biosGrub;
    if (bg && bg.start !== null && bg.start >= first) {
      touches.push({ kind: 'range', device: disk, offset: bg.start, length: bg.size, name: 'bios-grub', why: `bios_grub partition ${bg.device} (GRUB core image)` });
    }
    actions.push({ kind: 'run', argv: [tool(facts.flavour, 'install'), '--target=i386-pc', disk], inChroot: true, bootloader: { platform: 'i386-pc', disk }, why: `write GRUB's boot code and core image to ${disk} (this installation's disk only) and its i386-pc modules` });
  }
  touches.push({ kind: 'path', path: facts.dir });
  if (facts.defaultGrubExists) touches.push({ kind: 'path', path: '/etc/default/grub' });
  const espOnDisk = system.esp !== null && system.partitions.some((p) => p.device === system.esp!.device);
  if (installEfi && system.esp && !espOnDisk) {
    blockers.push(`The EFI system partition ${system.esp.device} is on another disk than the installation (${disk}); firstaid writes only to the installation's disk. Reinstall GRUB for UEFI by hand, or choose that disk's installation.`);
  } else if (installEfi && system.esp && system.esp.start !== null) {
    touches.push({ kind: 'range', device: disk, offset: system.esp.start, length: system.esp.size, name: 'esp', why: `the whole EFI system partition ${system.esp.device}, so it can be put back byte for byte` });
    const fsFinding = fixable.find((f) => f.id === 'grub.esp-filesystem');
    if (fsFinding) {
      const volumeId = typeof fsFinding.data?.volumeId === 'string' ? fsFinding.data.volumeId : null;
      const fat32 = system.esp.size >= 33 * 1024 * 1024;
      actions.push({ kind: 'run', argv: ['mkfs.vfat', ...(fat32 ? ['-F', '32'] : []), '-n', 'ESP', ...(volumeId ? ['-i', volumeId] : []), system.esp.device], inChroot: false,
        why: `make a new FAT filesystem on the empty EFI system partition ${system.esp.device}${volumeId ? ' with the volume id fstab expects' : ''}` });
    }
    // Never for a disk image (a loop device): an entry would name this machine's own firmware.
    const entry = live === 'uefi' && system.esp.partn !== null && !disk.startsWith('/dev/loop');
    actions.push({ kind: 'note', text: entry
      ? `GRUB is installed as the fallback loader EFI/BOOT/BOOTX64.EFI (--removable), and a firmware boot entry "${facts.bootloaderId}" for it is added with efibootmgr; the boot entries and BootOrder are backed up first (revert puts them back).`
      : `${live === 'bios' ? 'This rescue system was booted in BIOS mode, so the firmware\'s NVRAM cannot be written: ' : disk.startsWith('/dev/loop') ? 'The disk is an image (a loop device): ' : ''}NVRAM boot entries are not changed (--no-nvram); GRUB is installed as the fallback loader EFI/BOOT/BOOTX64.EFI (--removable), which firmware boots without an entry.` });
    actions.push({ kind: 'run', argv: efiInstallArgv(facts), inChroot: true, bootloader: { platform: 'x86_64-efi', espDir: facts.espMountpoint ?? '/boot/efi' }, why: `install GRUB's EFI loader and x86_64-efi modules; the EFI files are copied onto the ESP ${system.esp.device}` });
    if (entry) {
      touches.push({ kind: 'nvram', why: `a boot entry "${facts.bootloaderId}" is added and put first in BootOrder` });
      actions.push({ kind: 'run', argv: ['efibootmgr', '--create', '--disk', disk, '--part', String(system.esp.partn), '--label', facts.bootloaderId, '--loader', '\\EFI\\BOOT\\BOOTX64.EFI'], inChroot: false,
        why: `add a firmware boot entry "${facts.bootloaderId}" for ${system.esp.device} \\EFI\\BOOT\\BOOTX64.EFI, first in BootOrder` });
    }
  } else if (installEfi) {
    blockers.push('The installation boots in UEFI mode but its EFI system partition was not found.');
  }
  const cfg = `${facts.dir}/grub.cfg`;
  actions.push({ kind: 'run', argv: [tool(facts.flavour, 'mkconfig'), '-o', cfg], inChroot: true, why: `regenerate ${cfg} from the installed kernels and /etc/default/grub` });
  const cfgFindings = fixable.filter((f) => f.id.startsWith('grub.cfg'));
  if (cfgFindings.length > 0) {
    // grub.cfg against /boot: what verify checks on the new file before the fix counts as done.
    actions.push({ kind: 'note', text: `${cfg} is backed up first (with all of ${facts.dir}); then verify checks that the new file passes grub-script-check, names only kernels and initrds that exist in /boot, loads each kernel's initrd and names the root filesystem in root=. Otherwise the backup is restored.` });
  }

  const installs = [installBios ? `GRUB for BIOS on ${disk}` : null, installEfi ? 'GRUB for UEFI on the ESP' : null].filter(Boolean);
  return {
    ...base,
    findings: fixable.map((f) => f.id),
    summary: installs.length ? `Reinstall ${installs.join(' and ')}, then regenerate ${cfg}` : `Regenerate ${cfg}`,
    actions,
    touches,
    blockers,
  };
}
