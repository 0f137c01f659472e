/**
 * The firmware's boot entries (UEFI NVRAM) through efibootmgr: how the live system booted,
 * the entries and BootOrder (read, pure parse), and putting a saved state back. Only a live
 * system booted in UEFI mode has them (efivarfs under /sys/firmware/efi/efivars).
 */
import { existsSync } from 'node:fs';
import type { Runner } from '../core/runner.js';

/** What a fix may change in NVRAM, saved in its backup space (a value named "nvram"). */
export interface NvramState {
  /** Boot entry numbers in order, e.g. ["0003", "0001"]; empty when there is no BootOrder. */
  bootOrder: string[];
  /** Every Boot#### entry: number and label. */
  entries: { num: string; label: string }[];
}

export const NVRAM_VALUE = 'nvram';

/** How this (live) system was booted: UEFI when the kernel has EFI runtime services. */
export function liveBootMode(sysfs = '/sys'): 'uefi' | 'bios' {
  return existsSync(`${sysfs}/firmware/efi`) ? 'uefi' : 'bios';
}

/** Parses `efibootmgr` (no -v) output. Pure. */
export function parseEfibootmgr(out: string): NvramState {
  const order = /^BootOrder:\s*(\S*)/m.exec(out);
  const entries: NvramState['entries'] = [];
  for (const m of out.matchAll(/^Boot([0-9A-Fa-f]{4})\*?\s+(.*)$/gm)) entries.push({ num: m[1]!.toUpperCase(), label: m[2]!.trim() });
  return { bootOrder: order && order[1] ? order[1].split(',').map((n) => n.toUpperCase()) : [], entries };
}

export async function readNvram(runner: Runner): Promise<NvramState> {
  return parseEfibootmgr((await runner.run('efibootmgr', [], { readOnly: true })).stdout);
}

/** The efibootmgr calls that turn `now` back into `saved`: delete added entries, restore BootOrder. Pure. */
export function nvramRestoreCalls(saved: NvramState, now: NvramState): string[][] {
  const had = new Set(saved.entries.map((e) => e.num));
  const calls = now.entries.filter((e) => !had.has(e.num)).map((e) => ['--delete-bootnum', '--bootnum', e.num]);
  const same = saved.bootOrder.join(',') === now.bootOrder.filter((n) => had.has(n)).join(',') && now.bootOrder.every((n) => had.has(n));
  if (!same) calls.push(saved.bootOrder.length ? ['--bootorder', saved.bootOrder.join(',')] : ['--delete-bootorder']);
  return calls;
}

/** Puts NVRAM back as saved; returns one line a change made. */
export async function restoreNvram(runner: Runner, saved: NvramState): Promise<string[]> {
  const calls = nvramRestoreCalls(saved, await readNvram(runner));
  for (const args of calls) await runner.run('efibootmgr', args);
  return calls.map((a) => `efibootmgr ${a.join(' ')}`);
}
