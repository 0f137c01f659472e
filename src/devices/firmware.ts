/** How an installation is set up to boot, judged from facts found on its disk. Pure. */
import type { FirmwareMode } from './types.js';

export interface FirmwareFacts {
  /** GRUB platform module dirs, e.g. ["i386-pc", "x86_64-efi"]. */
  platforms: string[];
  /** Partition table type of the disk: "gpt", "dos" or null. */
  pttype: string | null;
  hasBiosGrub: boolean;
  hasEsp: boolean;
  /** The ESP holds an EFI loader (\EFI\*\*.efi); null when it could not be checked. */
  espHasLoader: boolean | null;
  /** The disk's MBR boot code is GRUB's boot.img; null when not read. */
  mbrGrub?: boolean | null;
}

export interface FirmwareJudgement {
  mode: FirmwareMode;
  /** Why, one fact a line. */
  reasons: string[];
}

export function judgeFirmware(f: FirmwareFacts): FirmwareJudgement {
  const reasons: string[] = [];
  const pcModules = f.platforms.includes('i386-pc');
  const efiModules = f.platforms.some((p) => p.endsWith('-efi'));
  // BIOS boot needs somewhere to embed core.img: the MBR gap (msdos) or a bios_grub partition (GPT).
  const biosEmbed = f.hasBiosGrub || f.pttype === 'dos';
  // The MBR code and a bios_grub partition say BIOS boot was set up even when the modules are gone.
  const bios = pcModules || f.hasBiosGrub || f.mbrGrub === true;
  const uefi = (f.hasEsp && f.espHasLoader === true) || efiModules;
  if (!pcModules && bios) reasons.push(`no i386-pc modules, but ${f.hasBiosGrub ? 'a bios_grub partition' : 'GRUB boot code in the MBR'} shows BIOS boot was set up`);
  if (pcModules && !biosEmbed) reasons.push(`i386-pc modules present but the ${f.pttype ?? 'unknown'} disk has no bios_grub partition to embed GRUB`);
  if (efiModules && !f.hasEsp) reasons.push('x86_64-efi modules present but no EFI system partition found');
  if (f.hasEsp && f.espHasLoader === false) reasons.push('the ESP holds no EFI loader');
  let mode: FirmwareMode;
  if (bios && biosEmbed && uefi) mode = 'hybrid';
  else if (uefi) mode = 'uefi';
  else if (bios) mode = 'bios';
  else mode = 'unknown';
  const why: Record<FirmwareMode, string> = {
    hybrid: 'boots both ways: BIOS GRUB (i386-pc) with a place to embed it, and UEFI (ESP/x86_64-efi)',
    uefi: 'boots with UEFI: EFI system partition / x86_64-efi GRUB',
    bios: 'boots with BIOS: GRUB for i386-pc only',
    unknown: 'no GRUB platform modules and no EFI loader found: boot mode unknown',
  };
  reasons.unshift(`firmware ${mode}: ${why[mode]}`);
  return { mode, reasons };
}
