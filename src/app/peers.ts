/**
 * What both twins share about peers: the pool file's default place, and what is staged for a
 * day and from which peer (every entry of the day's staging dir, with its files and bytes).
 */
import { lstat } from 'node:fs/promises';
import { stagedEntries } from '../backup/discs/layout.js';
import { listTree } from '../backup/peers/listing.js';

export { DEFAULT_POOL_FILE } from '../backup/peers/defaults.js';

export interface StagedItem {
  /** The peer's name (its dir under the day), or a file staged by hand. */
  name: string;
  files: number;
  bytes: number;
}

/** Everything staged for `date` under `<staging>/YYYY/MM/DD/` that the next disc will carry. */
export async function stagedToday(staging: string, date: Date): Promise<StagedItem[]> {
  const out: StagedItem[] = [];
  for (const e of await stagedEntries(staging, date)) {
    const name = e.discPath.split('/').pop() ?? e.discPath;
    const st = await lstat(e.hostPath).catch(() => null);
    if (st?.isFile()) out.push({ name, files: 1, bytes: st.size });
    if (!st?.isDirectory()) continue;
    const t = await listTree(e.hostPath).catch(() => null);
    if (t) out.push({ name, files: t.files.length, bytes: t.files.reduce((n, f) => n + f.size, 0) });
  }
  return out;
}

