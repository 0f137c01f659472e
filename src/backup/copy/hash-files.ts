/**
 * sha256 of many host files on two cores: this thread and the copy helper thread
 * (helper-thread.ts), the bytes split evenly between them, the biggest files first. One list
 * each, not batches: a disc's few 50 MB files would otherwise all land on one side. If the
 * helper cannot start or dies, this thread hashes its share too.
 */
import { availableParallelism } from 'node:os';
import { hashFile } from '../objects/hash-file.js';
import { leaseHelper } from './helper-thread.js';
import { defaultHelperUrl, revive, type BatchReply, type BatchRequest } from './share-work.js';

/** Below this many bytes the helper's start (about 30 ms) is not worth it. */
export const HASH_HELPER_MIN_BYTES = 32 << 20;

let runs = 0;

export async function hashFiles(files: readonly { path: string; size: number }[], opts: { stats?: { helperFiles: number } } = {}): Promise<string[]> {
  const out = new Array<string>(files.length);
  const total = files.reduce((a, f) => a + f.size, 0);
  const lease = total >= HASH_HELPER_MIN_BYTES && availableParallelism() > 1 ? leaseHelper(defaultHelperUrl()) : undefined;
  const here: number[] = [];
  const there: number[] = [];
  if (!lease) here.push(...files.keys());
  else {
    let a = 0;
    let b = 0;
    for (const i of [...files.keys()].sort((x, y) => files[y]!.size - files[x]!.size)) {
      if (a < b) (here.push(i), (a += files[i]!.size));
      else (there.push(i), (b += files[i]!.size));
    }
  }
  const id = 1;
  let onReply: ((r: BatchReply) => void) | undefined;
  let onExit: (() => void) | undefined;
  const helperDone = new Promise<BatchReply | null>((resolve) => {
    if (!lease || there.length === 0) return resolve(null);
    onReply = (r) => r.id === id && resolve(r);
    onExit = () => resolve(null);
    lease.worker.on('message', onReply).once('exit', onExit);
    // A run number of its own (negative: never one of shareWork's).
    lease.worker.postMessage({ id, run: -++runs, kind: 'hash', ctx: { spaceDir: '', root: '/', deferred: true }, items: there.map((i) => files[i]!.path) } satisfies BatchRequest);
  });
  try {
    for (const i of here) out[i] = await hashFile(files[i]!.path);
    const reply = await helperDone;
    if (reply?.error) throw revive(reply.error);
    if (reply && there.length > 0) {
      if (opts.stats) opts.stats.helperFiles += reply.results.length;
      there.forEach((i, k) => (out[i] = reply.results[k] as string));
    } else for (const i of there) out[i] = await hashFile(files[i]!.path); // the helper died
  } finally {
    // An error here leaves the helper's list running: its reply is waited for before the lease goes back.
    if (lease) {
      await helperDone;
      if (onReply) lease.worker.off('message', onReply);
      if (onExit) lease.worker.off('exit', onExit);
      lease.release();
    }
  }
  return out;
}
