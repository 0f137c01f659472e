/**
 * The one free-space rule: the room ordinary users have (bavail). firstaid runs as root and
 * could eat into the root reserve, but a system that must boot again needs that reserve for its
 * own logs and journal, and ext4 keeps part of it from root anyway; so a fix counts only bavail.
 */
import { statfs } from 'node:fs/promises';
import type { StatsFs } from 'node:fs';

/** Bytes a fix may use on the filesystem these statfs numbers describe (pure). */
export function usableBytes(st: Pick<StatsFs, 'bavail' | 'bsize'>): number {
  return Math.max(0, Number(st.bavail)) * Number(st.bsize);
}

/** Bytes a fix may use on the filesystem holding `path` (which must exist). */
export async function freeBytes(path: string): Promise<number> {
  return usableBytes(await statfs(path));
}
