/**
 * The file I/O under a space's objects: opening a file to read (never through a symlink),
 * full reads and writes, and a big object's chunk I/O through the thread pool or not.
 */
import { constants, type Stats, closeSync, fstatSync, fsync, fsyncSync, openSync, read, readSync, unlinkSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';

export const CHUNK = 1 << 20;

/** One read buffer for the sliced copies: each chunk is consumed before the next breathe(). */
let shared: Buffer | undefined;
export function readBuffer(): Buffer {
  return (shared ??= Buffer.allocUnsafe(CHUNK));
}

/**
 * 1 MB buffers for streams that run side by side (big files, ranges), given back and reused,
 * never freed. Each freed 1 MB block raised glibc's mmap threshold, after which such blocks
 * came from its arenas and stayed in the RSS (bench: 121 MB peak over three backups and
 * restores, 117-118 MB with these kept; 99 MB with the threshold pinned by
 * MALLOC_MMAP_THRESHOLD_, which a process cannot set for itself).
 */
const spare: Buffer[] = [];
export function takeChunk(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafe(CHUNK);
}
export function giveChunk(buf: Buffer): void {
  if (spare.length < 8) spare.push(buf);
}

/** Opens a file to read; a symlink, FIFO or device swapped in since the walk is refused. */
export function openRegular(hostPath: string): { fd: number; st: Stats } {
  // O_NONBLOCK: a FIFO put in a file's place must not hang the open.
  const fd = openSync(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${hostPath} is not a regular file`);
    return { fd, st };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Reads until buf is full or the file ends: the bytes read. A file that gave exactly the size
 * its fstat said is taken as ended without a read that returns 0 (one system call less per
 * small file; what grows after the fstat is not the file that was recorded).
 */
export function readFull(fd: number, buf: Buffer, size: number): number {
  let got = 0;
  for (;;) {
    const n = readSync(fd, buf, got, buf.length - got, null);
    if (n === 0) return got;
    got += n;
    if (got === buf.length || got === size) return got;
  }
}

export function unlinkQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // never created, or already placed
  }
}

export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

/** How a big object's chunks are read, written and synced: through the thread pool, or not. */
export interface ChunkIo {
  read(fd: number, buf: Buffer): number | Promise<number>;
  write(fd: number, data: Uint8Array): void | Promise<void>;
  sync(fd: number): void | Promise<void>;
}

const fsyncFd = promisify(fsync);
const readFd = promisify(read);
const writeFd = promisify(write);

/** readFull through the thread pool. */
async function readFullAsync(fd: number, buf: Buffer): Promise<number> {
  let got = 0;
  for (;;) {
    const { bytesRead: n } = await readFd(fd, buf, got, buf.length - got, null);
    if (n === 0 || (got += n) === buf.length) return got;
  }
}

async function writeAllAsync(fd: number, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await writeFd(fd, data, done, data.length - done, null)).bytesWritten;
}

export const poolIo: ChunkIo = { read: readFullAsync, write: writeAllAsync, sync: fsyncFd };
export const blockingIo: ChunkIo = { read: (fd, buf) => readFull(fd, buf, -1), write: writeAll, sync: fsyncSync };
