/**
 * The helper thread big trees copy on (share-work.ts): started on first use, kept for the next
 * tree (a backup is followed by its verify, a revert by its restore), ended after a few idle
 * seconds. Started once, not per tree: each start costs ~30 ms and ~10 MB that the allocator
 * does not give back at once. Between leases it does not keep the process alive (unref).
 */
import { Worker } from 'node:worker_threads';
import { keepHeapBounds } from '../../core/memory.js';

const IDLE_MS = 5000;

interface Holder {
  worker: Worker;
  busy: boolean;
  /** Why it ended, once it has (its 'error' event comes before 'exit'). */
  lastError?: string;
  idle?: NodeJS.Timeout;
}

const holders = new Map<string, Holder>();

/**
 * Where the helper's code is: a module file, or (in the single executable, which has no files
 * beside it) the script itself, embedded as a SEA asset; `key` names it among the holders.
 */
export type HelperEntry = URL | { source: string; key: string };

export interface HelperLease {
  worker: Worker;
  /** Why the thread ended, if it did during the lease. */
  lastError(): string | undefined;
  release(): void;
}

/** The helper thread for `entry`, for one caller at a time; undefined while another has it. */
export function leaseHelper(entry: HelperEntry): HelperLease | undefined {
  const key = entry instanceof URL ? entry.href : entry.key;
  let h = holders.get(key);
  if (h?.busy) return undefined;
  if (!h) {
    const worker = new Worker(entry instanceof URL ? entry : entry.source, {
      eval: !(entry instanceof URL),
      // Its heap holds a few batches at a time; a runaway would end it, not the machine.
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 1 },
      stdout: false,
      stderr: false,
    });
    const holder: Holder = { worker, busy: false };
    worker.once('online', keepHeapBounds);
    worker.on('error', (e) => void (holder.lastError ??= e.message));
    worker.once('exit', () => {
      if (holders.get(key) === holder) holders.delete(key);
    });
    holders.set(key, holder);
    h = holder;
  }
  const held = h;
  held.busy = true;
  clearTimeout(held.idle);
  held.worker.ref(); // its replies are awaited: they must keep the process alive

  return {
    worker: held.worker,
    lastError: () => held.lastError,
    release: () => {
      held.busy = false;
      held.worker.unref();
      held.idle = setTimeout(() => void held.worker.terminate(), IDLE_MS);
      held.idle.unref();
    },
  };
}
