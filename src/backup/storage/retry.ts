/**
 * The one retry wrapper (restic's backend_retry.go, duplicity's retry decorator without its
 * bugs): exponential backoff with jitter, bounded by attempts and an overall deadline, only
 * for transient errors (never no space, permission, missing file, auth, host key, corrupt),
 * the backend's retryCleanup() between tries (drop a dead connection, remove the try's
 * temporary), never after a cancel. Meta backends sit above it, so retries never nest.
 */
import type { SessionLog } from '../../core/log.js';
import type { Backend, GetOptions, PutOptions } from './types.js';
import { isTransient, StorageError } from './errors.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** First pause (default 1 s), doubled each time up to maxDelayMs (default 30 s), +-25% jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** No new try starts after this long since the first (default 15 minutes). */
  deadlineMs?: number;
  log?: SessionLog;
}

/** Backends may offer this: reset connections and remove what a failed try left. */
export interface RetryCleanup {
  retryCleanup?(): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

export async function retrying<T>(
  what: string,
  op: () => Promise<T>,
  opts: RetryOptions & { cleanup?: () => Promise<void>; signal?: AbortSignal | undefined } = {},
): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const deadline = Date.now() + (opts.deadlineMs ?? 15 * 60_000);
  let delay = opts.initialDelayMs ?? 1000;
  for (let i = 1; ; i++) {
    try {
      return await op();
    } catch (err) {
      if (!isTransient(err) || opts.signal?.aborted) throw err;
      const left = deadline - Date.now();
      if (i >= attempts || left <= 0) {
        const e = err as StorageError;
        throw new StorageError('transient', `${e.message} Gave up after ${i} tries.`, e.hint, { cause: err });
      }
      const pause = Math.min(left, Math.round(delay * (0.75 + Math.random() * 0.5)));
      opts.log?.warn(`storage: ${what} failed (${(err as Error).message}); try ${i + 1} of ${attempts} in ${pause} ms`);
      await opts.cleanup?.().catch(() => undefined);
      await sleep(pause, opts.signal);
      if (opts.signal?.aborted) throw err;
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 30_000);
    }
  }
}

/** The backend with every operation retried as above. */
export function withRetry(inner: Backend & RetryCleanup, opts: RetryOptions = {}): Backend {
  const cleanup = inner.retryCleanup ? () => inner.retryCleanup!() : undefined;
  const r = <T>(what: string, op: () => Promise<T>, signal?: AbortSignal) =>
    retrying(`${what} on ${inner.displayUrl}`, op, { ...opts, ...(cleanup ? { cleanup } : {}), signal });
  const wrapped: Backend = {
    displayUrl: inner.displayUrl,
    put: (localPath: string, name: string, o?: PutOptions) => r(`put ${name}`, () => inner.put(localPath, name, o), o?.signal),
    get: (name: string, localPath: string, o?: GetOptions) => r(`get ${name}`, () => inner.get(name, localPath, o), o?.signal),
    // A listing retried after a partial answer must not repeat names.
    list: () => r('list', async () => [...new Set(await inner.list())]),
    delete: (name: string) => r(`delete ${name}`, () => inner.delete(name)),
    deleteList: (names: string[]) => r('delete', () => inner.deleteList([...names])),
    query: (name: string) => r(`query ${name}`, () => inner.query(name)),
    queryList: (names: string[]) => r('query', () => inner.queryList([...names])),
    close: () => inner.close(),
  };
  if (inner.move) wrapped.move = (localPath: string, name: string) => r(`move ${name}`, () => inner.move!(localPath, name));
  if (inner.freeSpace) wrapped.freeSpace = () => r('free space', () => inner.freeSpace!());
  return wrapped;
}
