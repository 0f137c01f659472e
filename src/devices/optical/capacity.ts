/**
 * Media capacities for file pseudo-drives (a stdio file's capacity is the host's free space, so
 * firstaid enforces a medium's size itself) and the margin kept free before a write.
 */
import { UsageError } from '../../core/errors.js';
import { BLOCK } from './types.js';

/** Usable data blocks of common media (field notes: CD-74 333,000 s, CD-80 360,000 s, DVD+R SL 2,295,104 s). */
export const MEDIA_BLOCKS: Record<string, number> = {
  cd650: 333_000,
  cd700: 360_000,
  dvd: 2_295_104,
  'dvd-dl': 4_173_824,
  bd: 12_219_392,
};

export const DEFAULT_MEDIA = 'dvd';

/** `--media cd650|cd700|dvd|dvd-dl|bd|SIZE` (SIZE: bytes, or with K/M/G suffix, binary) -> blocks. */
export function parseMedia(spec: string | undefined): { name: string; blocks: number } {
  const s = (spec ?? DEFAULT_MEDIA).trim().toLowerCase();
  if (MEDIA_BLOCKS[s] !== undefined) return { name: s, blocks: MEDIA_BLOCKS[s]! };
  const m = /^(\d+(?:\.\d+)?)([kmg]?)i?b?$/.exec(s);
  if (!m) throw new UsageError(`--media ${spec}: not a medium.`, 'Give cd650, cd700, dvd, dvd-dl, bd or a size such as 700M.');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2] as '' | 'k' | 'm' | 'g'];
  const blocks = Math.floor((Number(m[1]) * mult) / BLOCK);
  if (blocks < 300) throw new UsageError(`--media ${spec}: too small for a disc image.`, 'Give at least 600K.');
  return { name: s, blocks };
}

/**
 * Blocks kept free beyond xorriso's own estimate: 300 KiB padding a session (measured), the
 * 32-block rounding of the next address, and 1 % for the gaps real write-once media leave.
 */
export function marginBlocks(mediaBlocks: number): number {
  return 150 + 32 + Math.ceil(mediaBlocks * 0.01);
}

/** Blocks as MiB for a person ("4482.6 MiB"). */
export const mib = (blocks: number) => `${((blocks * BLOCK) / 1048576).toFixed(1)} MiB`;
