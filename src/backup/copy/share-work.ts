/**
 * A big tree's file work on two cores: this thread and one helper thread (worker_threads),
 * in batches of 64 items. `cp -a` copies on one core; hashing every file on top of the copy
 * needs a second to keep up. The helper loads only the backup code (about 10 MB of memory).
 * If it cannot start or dies, this thread does its batches too: every item may be done twice
 * without harm (objects are content-addressed, restores replace through temp names).
 */
import { availableParallelism } from 'node:os';
import * as sea from 'node:sea';
import { breathe } from '../../core/slices.js';
import { leaseHelper, type HelperEntry } from './helper-thread.js';
import type { CopyContext, CopyItem, CopyResult, CopyTaskKind } from './copy-tasks.js';

/** What crosses to the helper: a batch of items of one kind. */
export interface BatchRequest {
  id: number;
  /** Which call of shareWork: the helper starts afresh for each. */
  run: number;
  kind: CopyTaskKind;
  ctx: CopyContext;
  items: unknown[];
}

/** What comes back: the results of the items done, in order, and the failure that stopped it. */
export interface BatchReply {
  id: number;
  results: unknown[];
  error?: { message: string; code?: string; path?: string; syscall?: string; errno?: number };
}

const BATCH = 64;
let runs = 0;
/** Below this many items a helper's start (about 30 ms, on the other core) is not worth it. */
export const SHARE_MIN_ITEMS = 256;

export interface ShareOptions {
  /** Told once if the helper thread is unavailable (the work goes on here). */
  note?: (message: string) => void;
  /** Filled in for tests and benchmarks: how many items the helper did. */
  stats?: { helperItems: number };
  /**
   * Called with each result (and its item's index) once its batch has ended well, from either
   * thread; a result that comes as a promise, when it settles. Results of a failed batch are not.
   */
  onResult?: (index: number, result: CopyResult<CopyTaskKind>) => void;
  /** False: results are only handed to onResult, not kept and returned (20,000 weighed 5-11 MB). */
  keep?: boolean;
  /** The helper's entry (tests: a broken one). */
  helperUrl?: HelperEntry;
  /**
   * Called on this thread after each batch it ran (the helper does the same on its side),
   * with false when the batch failed; before any result of the batch is used.
   */
  endBatch?: (ok: boolean) => void;
}

/**
 * The helper's entry: embedded in the single executable (scripts/package.mjs), bundled beside
 * the product, or loaded through tsx from the sources.
 */
export function defaultHelperUrl(): HelperEntry {
  if (sea.isSea()) return { source: sea.getAsset('copy-worker.cjs', 'utf8'), key: 'sea:copy-worker.cjs' };
  return import.meta.url.endsWith('.ts') ? new URL('./copy-worker.from-source.mjs', import.meta.url) : new URL('./copy-worker.mjs', import.meta.url);
}

export function revive(e: NonNullable<BatchReply['error']>): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.path !== undefined) err.path = e.path;
  if (e.syscall !== undefined) err.syscall = e.syscall;
  if (e.errno !== undefined) err.errno = e.errno;
  return err;
}

/**
 * Does `kind` for every item, here (through `here`, the owner's own call) and on the helper;
 * the results in item order. The first failure stops the work and is thrown once nothing of
 * it still runs. `here` may return a promise (a big file streaming): two run beside the loop.
 */
export async function shareWork<K extends CopyTaskKind>(
  kind: K,
  ctx: CopyContext,
  items: readonly CopyItem<K>[],
  here: (item: CopyItem<K>) => CopyResult<K> | Promise<CopyResult<K>>,
  opts: ShareOptions = {},
): Promise<CopyResult<K>[]> {
  const keep = opts.keep !== false;
  const results = new Array<CopyResult<K>>(keep ? items.length : 0);
  let next = 0;
  const returned: [number, number][] = [];
  const take = (): [number, number] | undefined => {
    const back = returned.pop();
    if (back) return back;
    if (next >= items.length) return undefined;
    const start = next;
    next = Math.min(items.length, start + BATCH);
    return [start, next];
  };
  const done = (i: number, r: CopyResult<K>): void => {
    if (keep) results[i] = r;
    opts.onResult?.(i, r);
  };
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => void (failure ??= { error });

  // The helper: four batches in flight (about one slice of this thread's work), so it does not
  // wait for this thread's next turn of the event loop to get more.
  const inflight = new Map<number, [number, number]>();
  let wake: (() => void) | undefined;
  let helper: { postMessage(req: BatchRequest): void } | undefined;
  let batchId = 0;
  const run = ++runs;
  const feed = (): void => {
    while (helper && !failure && inflight.size < 4) {
      const b = take();
      if (!b) return;
      const id = ++batchId;
      inflight.set(id, b);
      helper.postMessage({ id, run, kind, ctx, items: items.slice(b[0], b[1]) } satisfies BatchRequest);
    }
  };
  const lease = items.length >= SHARE_MIN_ITEMS && availableParallelism() > 1 ? leaseHelper(opts.helperUrl ?? defaultHelperUrl()) : undefined;
  const onReply = (reply: BatchReply): void => {
    const b = inflight.get(reply.id);
    if (!b) return;
    inflight.delete(reply.id);
    if (opts.stats) opts.stats.helperItems += reply.results.length;
    if (reply.error) fail(revive(reply.error));
    else reply.results.forEach((r, i) => done(b[0] + i, r as CopyResult<K>));
    feed();
    wake?.();
  };
  const onExit = (code: number): void => {
    helper = undefined;
    // Its unfinished batches come back here (done again from their start: harmless).
    returned.push(...inflight.values());
    inflight.clear();
    opts.note?.(`The helper thread for copying stopped (${lease?.lastError() ?? `exit code ${code}`}); going on with one thread.`);
    wake?.();
  };
  if (lease) {
    helper = lease.worker;
    lease.worker.on('message', onReply).once('exit', onExit);
    feed();
  }

  const streaming = new Set<Promise<void>>();
  try {
    for (;;) {
      for (let b = take(); b && !failure; b = take()) {
        const batch: [number, CopyResult<K>][] = [];
        for (let i = b[0]; i < b[1] && !failure; i++) {
          let r: CopyResult<K> | Promise<CopyResult<K>>;
          try {
            r = here(items[i]!);
          } catch (e) {
            fail(e);
            break;
          }
          if (r instanceof Promise) {
            const at = i;
            const job: Promise<void> = r.then((v) => done(at, v), fail);
            streaming.add(job);
            void job.then(() => streaming.delete(job));
            if (streaming.size >= 2) await Promise.race(streaming);
          } else batch.push([i, r]);
          await breathe();
        }
        try {
          opts.endBatch?.(!failure);
        } catch (e) {
          fail(e);
        }
        if (!failure) for (const [i, r] of batch) done(i, r);
        feed();
      }
      await Promise.all(streaming);
      // The helper's last batches (or, if it died, they come back to this loop).
      while (helper && inflight.size > 0) await new Promise<void>((resolve) => (wake = resolve));
      if (failure || (returned.length === 0 && next >= items.length)) break;
    }
  } finally {
    await Promise.all(streaming); // nothing still writes when this returns or throws
    while (helper && inflight.size > 0) await new Promise<void>((resolve) => (wake = resolve));
    lease?.worker.off('message', onReply).off('exit', onExit);
    lease?.release();
  }
  if (failure) throw failure.error;
  return results;
}
