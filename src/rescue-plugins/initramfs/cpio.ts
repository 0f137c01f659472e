/**
 * Pure checks of an initrd's bytes: the leading uncompressed cpio (newc) archives (early
 * microcode), the compression of what follows (by magic), and the structure of a decompressed
 * cpio stream. The decompression itself is done by the real tool (check.ts).
 */

export type Compression = 'gzip' | 'zstd' | 'xz' | 'lzma' | 'bzip2' | 'lz4' | 'lzop';

const MAGICS: [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['lzop', [0x89, 0x4c, 0x5a, 0x4f]],
  ['lzma', [0x5d, 0x00, 0x00]],
];

/** The decompressor's argv (reads stdin, writes stdout) for each compression. */
export const DECOMPRESS_ARGV: Record<Compression, string[]> = {
  gzip: ['gzip', '-dc'],
  zstd: ['zstd', '-dcq'],
  xz: ['xz', '-dc'],
  lzma: ['xz', '--format=lzma', '-dc'],
  bzip2: ['bzip2', '-dc'],
  lz4: ['lz4', '-dc'],
  lzop: ['lzop', '-dc'],
};

export function detectCompression(buf: Uint8Array, at = 0): Compression | null {
  for (const [name, magic] of MAGICS) {
    if (buf.length - at >= magic.length && magic.every((b, i) => buf[at + i] === b)) return name;
  }
  return null;
}

export interface CpioArchive {
  /** Offset just after the archive (after the trailer's padding). */
  end: number;
  names: string[];
}

export type CpioParse = { ok: true; archive: CpioArchive } | { ok: false; why: string };

const HEADER = 110;
const align4 = (n: number) => (n + 3) & ~3;

function isCpioMagic(buf: Uint8Array, at: number): boolean {
  if (buf.length - at < 6) return false;
  const m = Buffer.from(buf.buffer, buf.byteOffset + at, 6).toString('latin1');
  return m === '070701' || m === '070702';
}

/** Parses one newc archive starting at `at`, up to and including its TRAILER!!! entry. */
export function parseNewc(buf: Uint8Array, at: number): CpioParse {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const names: string[] = [];
  let pos = at;
  for (;;) {
    if (b.length - pos < HEADER) return { ok: false, why: `cpio archive cut off at byte ${pos} (no room for an entry header)` };
    if (!isCpioMagic(b, pos)) return { ok: false, why: `no cpio header at byte ${pos}` };
    const field = (i: number) => {
      const s = b.toString('latin1', pos + 6 + i * 8, pos + 14 + i * 8);
      return /^[0-9a-fA-F]{8}$/.test(s) ? parseInt(s, 16) : NaN;
    };
    const fileSize = field(6);
    const nameSize = field(11);
    if (!Number.isFinite(fileSize) || !Number.isFinite(nameSize) || nameSize < 1) return { ok: false, why: `bad cpio header at byte ${pos}` };
    const nameStart = pos + HEADER;
    const dataStart = pos + align4(HEADER + nameSize);
    const next = dataStart + align4(fileSize);
    if (nameStart + nameSize > b.length) return { ok: false, why: `cpio archive cut off in an entry name at byte ${pos}` };
    const name = b.toString('latin1', nameStart, nameStart + nameSize - 1);
    if (name === 'TRAILER!!!') return { ok: true, archive: { end: Math.min(next, b.length), names } };
    if (dataStart + fileSize > b.length) return { ok: false, why: `cpio archive cut off inside "${name}" (${fileSize} bytes announced)` };
    names.push(name);
    pos = next;
  }
}

function skipZeros(buf: Uint8Array, at: number): number {
  let p = at;
  while (p < buf.length && buf[p] === 0) p++;
  return p;
}

/** Every cpio archive in an uncompressed stream (NUL padding between them allowed). */
export function parseCpioStream(buf: Uint8Array, at = 0): { ok: true; names: string[] } | { ok: false; why: string } {
  const names: string[] = [];
  let pos = skipZeros(buf, at);
  if (pos >= buf.length) return { ok: false, why: 'no cpio archive in the stream' };
  while (pos < buf.length) {
    const r = parseNewc(buf, pos);
    if (!r.ok) return r;
    names.push(...r.archive.names);
    pos = skipZeros(buf, r.archive.end);
  }
  return { ok: true, names };
}

/** How an initrd is laid out: leading uncompressed archives, then (maybe) one compressed stream. */
export type InitrdLayout =
  | { ok: true; names: string[]; compressed: { compression: Compression; offset: number } | null }
  | { ok: false; why: string };

export function initrdLayout(buf: Uint8Array): InitrdLayout {
  if (buf.length === 0) return { ok: false, why: 'the file is empty' };
  const names: string[] = [];
  let pos = skipZeros(buf, 0);
  while (pos < buf.length) {
    if (isCpioMagic(buf, pos)) {
      const r = parseNewc(buf, pos);
      if (!r.ok) return r;
      names.push(...r.archive.names);
      pos = skipZeros(buf, r.archive.end);
      continue;
    }
    const compression = detectCompression(buf, pos);
    if (!compression) return { ok: false, why: `neither a cpio archive nor a known compression at byte ${pos}` };
    return { ok: true, names, compressed: { compression, offset: pos } };
  }
  if (names.length === 0) return { ok: false, why: 'only zero bytes' };
  return { ok: true, names, compressed: null };
}

/** Whether the entry names include the initramfs' /init (what the kernel runs). */
export function hasInit(names: readonly string[]): boolean {
  return names.some((n) => n === 'init' || n === './init');
}
