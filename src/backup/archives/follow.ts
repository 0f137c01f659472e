/**
 * Reads a file while another process is still appending to it (tar writing the archive or its
 * index), so hashing and progress run beside tar on the second core instead of after it.
 */
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';

const CHUNK = 1 << 20;
const IDLE_MS = 25;

/**
 * Calls onData with each new piece of `path` until `done` has settled and the end is reached.
 * Waits for the file to appear. Returns the number of bytes read.
 */
export async function followFile(path: string, done: Promise<unknown>, onData: (b: Buffer) => void): Promise<number> {
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
  try {
    for (;;) {
      const wasFinished = finished;
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        onData(buf.subarray(0, bytesRead));
        pos += bytesRead;
        continue;
      }
      // Only an empty read after the writer ended is the end.
      if (wasFinished) return pos;
      await sleep();
    }
  } finally {
    await fh.close();
  }
}

/** sha256 and size of a file being written, computed as it grows. */
export async function followHash(path: string, done: Promise<unknown>): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  const size = await followFile(path, done, (b) => h.update(b));
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
