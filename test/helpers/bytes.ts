/** Byte-level views of disks and trees, for tests that compare a state byte for byte. */
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync, readdirSync, lstatSync, readlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** `length` bytes of a file or block device at `offset`. */
export function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(length);
    readSync(fd, b, 0, length, offset);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** Every entry below dir with type, mode, owner and content hash: equal listings, equal trees. */
export function treeListing(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, name);
    const st = lstatSync(join(dir, p));
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) out.push(`d ${mode} ${st.uid}:${st.gid} ${p}`, ...treeListing(dir, p));
    else if (st.isSymbolicLink()) out.push(`l ${p} -> ${readlinkSync(join(dir, p))}`);
    else out.push(`f ${mode} ${st.uid}:${st.gid} ${st.size} ${sha256(readFileSync(join(dir, p)))} ${p}`);
  }
  return out;
}
