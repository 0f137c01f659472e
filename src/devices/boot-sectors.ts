/**
 * Pure analysis of BIOS boot sectors: the MBR boot code (GRUB's boot.img or not) and GRUB's
 * core image (diskboot.img followed by the rest of core.img, in the post-MBR gap or a bios_grub
 * partition). Works on bytes read from the disk; no I/O here.
 */

export type BootCodeKind = 'grub' | 'absent' | 'foreign';

export interface BootCodeAnalysis {
  kind: BootCodeKind;
  /** For GRUB's boot.img: the LBA it loads the core image from (GRUB_BOOT_MACHINE_KERNEL_SECTOR). */
  kernelSector: number | null;
  evidence: string[];
}

/** The 440 bytes before the disk signature are boot code (the rest of the MBR is the table). */
export const BOOT_CODE_LENGTH = 440;
/** boot.img keeps the core image's first sector (LBA, 64-bit) at this offset. */
const KERNEL_SECTOR_OFFSET = 0x5c;

function allZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function has(b: Buffer, s: string): boolean {
  return b.includes(Buffer.from(s, 'latin1'));
}

export function classifyBootCode(mbr: Uint8Array): BootCodeAnalysis {
  if (mbr.length < BOOT_CODE_LENGTH) throw new Error(`MBR too short: ${mbr.length} bytes`);
  const code = Buffer.from(mbr.buffer, mbr.byteOffset, BOOT_CODE_LENGTH);
  if (allZero(code)) return { kind: 'absent', kernelSector: null, evidence: ['the 440 bytes of MBR boot code are all zero'] };
  // boot.img's messages, in this order, near the end of its code.
  const grub = has(code, 'GRUB \0') && has(code, 'Geom\0') && has(code, 'Read\0') && has(code, ' Error');
  if (!grub) {
    const printable = code.toString('latin1').match(/[ -~]{4,}/g)?.slice(0, 4).join(' | ') ?? '';
    return { kind: 'foreign', kernelSector: null, evidence: [`the MBR boot code is not GRUB's boot.img${printable ? ` (strings: ${printable})` : ''}`] };
  }
  const kernelSector = Number(code.readBigUInt64LE(KERNEL_SECTOR_OFFSET));
  return { kind: 'grub', kernelSector, evidence: [`the MBR holds GRUB's boot.img, loading the core image from sector ${kernelSector}`] };
}

export interface BlockListEntry {
  /** First sector (LBA). */
  start: number;
  /** Sectors. */
  length: number;
}

export interface CoreImageHead {
  ok: boolean;
  /** Where diskboot.img says the rest of core.img lies. */
  blocks: BlockListEntry[];
  evidence: string[];
}

/**
 * Checks one sector for GRUB's diskboot.img (the first sector of core.img): it starts with
 * "push %dx; push %si; mov $..,%si" (52 56 be) and carries the strings "loading" and
 * "Geom\0Read\0 Error"; its block list (12-byte entries, growing down from byte 500) says
 * where the rest of the core image is.
 */
export function analyseCoreHead(sector: Uint8Array, sectorLba: number): CoreImageHead {
  const b = Buffer.from(sector.buffer, sector.byteOffset, Math.min(sector.length, 512));
  if (b.length < 512) return { ok: false, blocks: [], evidence: [`sector ${sectorLba} could not be read whole`] };
  if (allZero(b)) return { ok: false, blocks: [], evidence: [`sector ${sectorLba} (where GRUB's core image belongs) is all zero`] };
  const sig = b[0] === 0x52 && b[1] === 0x56 && b[2] === 0xbe && has(b, 'loading\0') && has(b, 'Geom\0Read\0 Error');
  if (!sig) return { ok: false, blocks: [], evidence: [`sector ${sectorLba} does not hold GRUB's diskboot.img (core image start)`] };
  const blocks: BlockListEntry[] = [];
  for (let off = 512 - 12; off > 0x150 && blocks.length < 20; off -= 12) {
    const start = Number(b.readBigUInt64LE(off));
    const length = b.readUInt16LE(off + 8);
    if (length === 0) break;
    blocks.push({ start, length });
  }
  if (blocks.length === 0) return { ok: false, blocks, evidence: [`GRUB's diskboot.img at sector ${sectorLba} has an empty block list`] };
  const total = blocks.reduce((n, x) => n + x.length, 0);
  return { ok: true, blocks, evidence: [`sector ${sectorLba} holds GRUB's diskboot.img; the rest of core.img is ${total} sectors from sector ${blocks[0]!.start}`] };
}

/**
 * Checks the sectors of the core image body (read per block-list entry): a zeroed sector in
 * compressed code means the image was wiped or overwritten.
 */
export function checkCoreBody(blocks: { entry: BlockListEntry; data: Uint8Array }[]): { ok: boolean; evidence: string[] } {
  let zero = 0;
  let total = 0;
  let first = -1;
  for (const { entry, data } of blocks) {
    for (let i = 0; i < entry.length; i++) {
      total++;
      const s = data.subarray(i * 512, (i + 1) * 512);
      if (s.length < 512 || allZero(s)) {
        zero++;
        if (first < 0) first = entry.start + i;
      }
    }
  }
  if (zero === 0) return { ok: true, evidence: [`the core image body (${total} sectors) is present`] };
  return { ok: false, evidence: [`${zero} of the ${total} core image sectors are zero (first: sector ${first}): the core image is damaged`] };
}
