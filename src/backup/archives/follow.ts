/**
 * Reads a file while another process is still appending to it (tar writing the archive or its
 * index), so hashing and progress run beside tar on the second core instead of after it.
 */
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { EARLY_SYNC_BYTES } from '../objects/early-sync.js';

const CHUNK = 1 << 20;
const IDLE_MS = 25;

export interface FollowOptions {
  /**
   * Make the file durable: a background fdatasync every EARLY_SYNC_BYTES while the writer
   * goes on (the disk writes beside tar instead of after it), and one fsync at the end, which
   * must succeed. tar itself never syncs.
   */
  sync?: boolean;
  /** Also hands each piece read to these (a provider reading the archive's headers). */
  taps?: readonly ((b: Buffer) => void)[];
}

/**
 * Calls onData with each new piece of `path` until `done` has settled and the end is reached.
 * Waits for the file to appear. Returns the number of bytes read.
 */
export async function followFile(path: string, done: Promise<unknown>, onData: (b: Buffer) => void, o: FollowOptions = {}): Promise<number> {
  let finished = false;
  const settled = done.then(() => { finished = true; }, () => { finished = true; });
  const sleep = () => Promise.race([new Promise((r) => setTimeout(r, IDLE_MS)), settled]);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  while (!fh) {
    try {
      fh = await open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || finished) throw e;
      await sleep();
    }
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let unsynced = 0;
  let early: Promise<void> | undefined;
  try {
    for (;;) {
      const wasFinished = finished;
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        onData(buf.subarray(0, bytesRead));
        pos += bytesRead;
        unsynced += bytesRead;
        if (o.sync && !early && unsynced >= EARLY_SYNC_BYTES) {
          unsynced = 0;
          // An early one's failure is not lost: the final fsync runs anyway.
          early = fh.datasync().catch(() => undefined).finally(() => { early = undefined; });
        }
        continue;
      }
      // Only an empty read after the writer ended is the end.
      if (wasFinished) {
        if (o.sync) {
          await early;
          await fh.sync();
        }
        return pos;
      }
      await sleep();
    }
  } finally {
    await early;
    await fh.close();
  }
}

/** sha256 and size of a file being written, computed as it grows (and made durable with `sync`). */
export async function followHash(path: string, done: Promise<unknown>, o: FollowOptions = {}): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  const taps = o.taps ?? [];
  const size = await followFile(path, done, (b) => {
    h.update(b);
    for (const t of taps) t(b);
  }, o);
  return { sha256: h.digest('hex'), size };
}

/** Splits a followed byte stream into lines ending in '\n'; the rest waits for more. */
export function lineSplitter(onLine: (line: string) => void): { push(b: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(b) {
      rest += b.toString('utf8');
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        onLine(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  return followHash(path, Promise.resolve());
}
