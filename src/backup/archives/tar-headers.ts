/**
 * The members of an uncompressed tar stream, read from its headers as the archive is written
 * (the same bytes the sha256 is taken of), so GNU tar need not format a -vv listing beside it.
 * Only headers are looked at: file data is skipped by arithmetic. Pure: bytes in, members out.
 * Knows ustar/pax (GNU tar's posix format: 'x' records for long names, sizes and sparse files),
 * GNU long names ('L', 'K'), dumpdirs ('D') of incremental levels.
 */
import type { ArchiveMember } from './types.js';

const BLOCK = 512;
const KIND: Record<string, string> = { '0': '-', '\0': '-', '7': '-', '1': 'h', '2': 'l', '3': 'c', '4': 'b', '5': 'd', '6': 'p', D: 'd' };

export interface TarHeaderParser {
  push(b: Buffer): void;
  /** True once the end-of-archive blocks were seen. */
  readonly ended: boolean;
}

function field(h: Buffer, start: number, len: number): string {
  const end = h.indexOf(0, start);
  return h.toString('utf8', start, end >= 0 && end < start + len ? end : start + len);
}

/** An octal number field, or GNU's base-256 form (first byte's high bit set). */
function number(h: Buffer, start: number, len: number): number {
  if (h[start]! & 0x80) {
    let v = h[start]! & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = field(h, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** pax records: "LEN key=value\n" ... (LEN counts the whole record). */
export function parsePaxRecords(b: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < b.length) {
    const sp = b.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(b.toString('latin1', i, sp), 10);
    if (!(len > 0) || i + len > b.length) break;
    const rec = b.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

function normal(path: string): string {
  return path.replace(/\/+$/, '').replace(/^\.\//, '') || '.';
}

export function tarHeaderParser(onMember: (m: ArchiveMember) => void): TarHeaderParser {
  const header = Buffer.alloc(BLOCK);
  let have = 0; // bytes of `header` filled
  let skip = 0; // data bytes (with padding) still to pass over
  let meta: { type: string; size: number; chunks: Buffer[]; got: number } | null = null;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let zeros = 0;
  let ended = false;

  const onHeader = (h: Buffer): void => {
    if (h.every((x) => x === 0)) {
      if (++zeros === 2) ended = true;
      return;
    }
    zeros = 0;
    const type = String.fromCharCode(h[156]!);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const size = number(h, 124, 12);
      meta = { type, size, chunks: [], got: 0 };
      skip = Math.ceil(size / BLOCK) * BLOCK;
      return;
    }
    const size = pax.has('size') ? Number(pax.get('size')) : number(h, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const prefix = ustar ? field(h, 345, 155) : '';
    const name = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? (prefix ? prefix + '/' : '') + field(h, 0, 100);
    const kind = KIND[type];
    if (kind !== undefined) {
      const real = pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size');
      onMember({ path: normal(name), kind, size: kind === '-' ? (real !== undefined ? Number(real) : size) : 0 });
    }
    pax = new Map();
    longName = undefined;
    skip = padded;
  };

  /** A pax or long-name entry read whole: its records apply to the next member. */
  const finishMeta = (): void => {
    if (skip > 0 || !meta) return;
    const m = meta;
    meta = null;
    const body = Buffer.concat(m.chunks).subarray(0, m.size);
    if (m.type === 'x') for (const [k, v] of parsePaxRecords(body)) pax.set(k, v);
    else if (m.type === 'L') longName = field(body, 0, body.length);
    // 'g' (global) and 'K' (long link target) change no member's path, kind or size.
  };

  return {
    get ended() { return ended; },
    push(b: Buffer) {
      let i = 0;
      while (i < b.length && !ended) {
        if (skip > 0) {
          const n = Math.min(skip, b.length - i);
          if (meta) {
            const want = meta.size - meta.got;
            if (want > 0) {
              const take = Math.min(want, n);
              meta.chunks.push(Buffer.from(b.subarray(i, i + take)));
              meta.got += take;
            }
          }
          skip -= n;
          i += n;
          finishMeta();
          continue;
        }
        const n = Math.min(BLOCK - have, b.length - i);
        b.copy(header, have, i, i + n);
        have += n;
        i += n;
        if (have === BLOCK) {
          have = 0;
          onHeader(header);
          finishMeta(); // one with no records
        }
      }
    },
  };
}
