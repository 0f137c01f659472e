/**
 * The one free-space rule. firstaid runs as root, so the root-reserved blocks count (bfree, not
 * bavail); ext4's own reserve (blocks/50, at most 4096 clusters, kept for metadata) is usable by
 * no one but is included in bfree, so it is taken off.
 */
import { statfs } from 'node:fs/promises';
import type { StatsFs } from 'node:fs';

const EXT4_MAGIC = 0xef53;

/** Bytes root can still write on the filesystem these statfs numbers describe (pure). */
export function usableBytes(st: Pick<StatsFs, 'type' | 'blocks' | 'bfree' | 'bsize'>): number {
  const ext4Reserve = Number(st.type) === EXT4_MAGIC ? Math.min(Math.floor(Number(st.blocks) / 50), 4096) : 0;
  return Math.max(0, Number(st.bfree) - ext4Reserve) * Number(st.bsize);
}

/** Bytes root can still write on the filesystem holding `path` (which must exist). */
export async function freeBytes(path: string): Promise<number> {
  return usableBytes(await statfs(path));
}
