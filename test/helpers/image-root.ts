/**
 * Test helper: change files inside a fixture image's root filesystem (mounted through a
 * self-clearing loop device at the partition's offset), then unmount, always.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { readInfo, TESTBED } from './images.js';

export function partitionOffset(img: string, n: number): number {
  const j = JSON.parse(execFileSync('sfdisk', ['-J', img], { encoding: 'utf8' })) as { partitiontable: { partitions: { start: number }[]; sectorsize?: number } };
  const p = j.partitiontable.partitions[n - 1];
  if (!p) throw new Error(`${img} has no partition ${n}`);
  return p.start * (j.partitiontable.sectorsize ?? 512);
}

/** Runs fn with the image's root filesystem mounted (read-write unless readOnly). */
export async function withImageRoot<T>(img: string, fn: (root: string) => T | Promise<T>, o: { readOnly?: boolean } = {}): Promise<T> {
  const info = readInfo(img);
  const dir = mkdtempSync(join(TESTBED, 'mnt-'));
  const off = partitionOffset(img, Number(info.ROOT_PART));
  execFileSync('mount', ['-o', `loop,offset=${off}${o.readOnly ? ',ro,noload' : ''}`, img, dir]);
  try {
    return await fn(dir);
  } finally {
    try {
      execFileSync('umount', [dir]);
    } catch {
      execFileSync('umount', ['-l', dir]);
    }
    rmdirSync(dir);
  }
}
