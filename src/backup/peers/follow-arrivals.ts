/**
 * Hashes the files of a copy while they arrive (and starts their writeback), so the local
 * sha256 of a staging overlaps the transfer instead of following it. scp writes one file at a
 * time: a file is taken as complete when a later one has appeared or the copy has ended.
 * What this computes is only ever used to confirm a match with the peer's own sha256 at the
 * same size; anything else is hashed again from the disk after the copy (placeFiles' check).
 */
import { join } from 'node:path';
import { followHash } from '../archives/follow.js';
import { listTree } from './listing.js';

const POLL_MS = 100;
/** Past this many files the polling costs more than it saves: hash after the copy instead. */
const MAX_FILES = 2000;

export interface Arrived { sha256: string; size: number }

export function followArrivals(root: string, copy: Promise<unknown>): Promise<Map<string, Arrived>> {
  const hashed = new Map<string, Arrived>();
  let copyDone = false;
  const settled = copy.then(() => { copyDone = true; }, () => { copyDone = true; });
  const order: string[] = [];
  const seen = new Set<string>();
  const later: Array<() => void> = [];
  let busy: Promise<void> | undefined;
  const discover = (): Promise<void> => (busy ??= (async () => {
    const t = await listTree(root).catch(() => null);
    for (const f of t?.files ?? []) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      order.push(f.path);
      // Every file before this one is complete now.
      for (const wake of later.splice(0)) wake();
    }
  })().finally(() => { busy = undefined; }));
  return (async () => {
    let i = 0;
    while (order.length <= MAX_FILES) {
      if (i >= order.length) {
        const ended = copyDone;
        await discover();
        if (i < order.length) continue;
        if (ended) break;
        await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), settled]);
        continue;
      }
      const path = order[i++]!;
      const done = i < order.length ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => later.push(resolve)), settled]);
      // Polls on while this file is read, so its successor (the end of this one) is seen.
      const poller = setInterval(() => { void discover(); }, POLL_MS);
      try {
        hashed.set(path, await followHash(join(root, path), done, { sync: true }));
      } catch {
        // Gone or unreadable: the check after the copy decides.
      } finally {
        clearInterval(poller);
      }
    }
    return hashed;
  })();
}
