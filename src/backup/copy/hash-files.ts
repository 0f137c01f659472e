/**
 * sha256 of many host files on two cores. Big files go to two `openssl dgst` processes when
 * the system has it: its SHA extensions hash about 3x faster than Node 20's bundled OpenSSL
 * (measured: 150 MB in 0.11 s of CPU against 0.32 s; the peers' listing does the same). The
 * rest, or everything without openssl, on this thread and the copy helper thread
 * (helper-thread.ts), the bytes split evenly, the biggest files first: one list each, not
 * batches (a disc's few 50 MB files would otherwise all land on one side). If a helper cannot
 * start, dies or fails, this thread hashes its share (and reports a file it cannot read).
 */
import { availableParallelism } from 'node:os';
import type { Runner } from '../../core/runner.js';
import { hashFile } from '../objects/hash-file.js';
import { leaseHelper } from './helper-thread.js';
import { defaultHelperUrl, revive, type BatchReply, type BatchRequest } from './share-work.js';

/** Below this many bytes the helper's start (about 30 ms) is not worth it. */
export const HASH_HELPER_MIN_BYTES = 32 << 20;

let runs = 0;

/** Files from this size on go to openssl (a process per file costs a few ms). */
export const OPENSSL_MIN_BYTES = 4 << 20;

// One file per openssl run, read through stdin (no file name in its output to parse).
const OPENSSL_LOOP = 'for f; do h=$(openssl dgst -sha256 -r < "$f") || exit 5; printf "%.64s\\n" "$h"; done';

/** The sha256s of the files through openssl, in order; null when it is missing or failed. */
async function viaOpenssl(runner: Runner, paths: string[]): Promise<string[] | null> {
  const all: string[] = [];
  for (let at = 0; at < paths.length; at += 500) {
    const part = paths.slice(at, at + 500); // far below the argument list's limit
    const r = await runner.run('sh', ['-c', OPENSSL_LOOP, 'firstaid-sha256', ...part], { readOnly: true, allowFailure: true }).catch(() => null);
    const shas = r?.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
    if (shas.length !== part.length || !shas.every((h) => /^[0-9a-f]{64}$/.test(h))) return null;
    all.push(...shas);
  }
  return all;
}

export interface HashOptions {
  /** Runs openssl for the big files (without it: Node's hashing only). */
  runner?: Runner;
  stats?: { helperFiles: number; opensslFiles?: number };
}

export async function hashFiles(files: readonly { path: string; size: number }[], opts: HashOptions = {}): Promise<string[]> {
  const out = new Array<string>(files.length);
  const big = opts.runner ? [...files.keys()].filter((i) => files[i]!.size >= OPENSSL_MIN_BYTES).sort((x, y) => files[y]!.size - files[x]!.size) : [];
  if (big.length > 0) {
    const groups: number[][] = [[], []];
    const load = [0, 0];
    for (const i of big) {
      const g = load[0]! <= load[1]! ? 0 : 1;
      groups[g]!.push(i);
      load[g]! += files[i]!.size;
    }
    const inBig = new Set(big);
    const rest = [...files.keys()].filter((i) => !inBig.has(i));
    const [a, b, r] = await Promise.all([
      ...groups.map((g) => (g.length ? viaOpenssl(opts.runner!, g.map((i) => files[i]!.path)) : Promise.resolve([]))),
      hashFiles(rest.map((i) => files[i]!), { stats: opts.stats }),
    ]) as [string[] | null, string[] | null, string[]];
    rest.forEach((i, k) => (out[i] = r[k]!));
    const failed: number[] = [];
    for (const [g, shas] of [[groups[0]!, a], [groups[1]!, b]] as const) {
      if (shas) g.forEach((i, k) => (out[i] = shas[k]!));
      else failed.push(...g);
    }
    if (opts.stats) opts.stats.opensslFiles = (opts.stats.opensslFiles ?? 0) + big.length - failed.length;
    // openssl missing or a file it could not read: hashed here (the error, if any, with its path).
    const again = await hashFiles(failed.map((i) => files[i]!), { stats: opts.stats });
    failed.forEach((i, k) => (out[i] = again[k]!));
    return out;
  }
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
