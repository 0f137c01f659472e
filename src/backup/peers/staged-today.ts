/**
 * What is staged for a day and from which peer: the peer dirs under `<staging>/YYYY/MM/DD/`,
 * with their file counts and bytes (for `peers list` and the Discs screens).
 */
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { peerDayDir, dayDir } from '../discs/staging-tree.js';
import { listTree } from './listing.js';

export interface StagedPeer {
  name: string;
  dir: string;
  files: number;
  bytes: number;
}

/** The day's staged peers among `names` (the pool's), in the pool's order; absent ones left out. */
export async function stagedOn(stagingDir: string, date: Date, names: readonly string[]): Promise<StagedPeer[]> {
  const present = new Set(await readdir(dayDir(stagingDir, date)).catch(() => [] as string[]));
  const out: StagedPeer[] = [];
  for (const name of names) {
    if (!present.has(name)) continue;
    const dir = peerDayDir(stagingDir, date, name);
    if (!(await lstat(dir)).isDirectory()) continue;
    const t = await listTree(dir);
    out.push({ name, dir, files: t.files.length, bytes: t.files.reduce((n, f) => n + f.size, 0) });
  }
  return out;
}
