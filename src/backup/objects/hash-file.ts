/**
 * sha256 of what a space stores or restores: a file (never through a symlink) or a range of
 * a file or device, read 1 MB at a time (a 2 GB file is never held whole).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { breathe } from '../../core/slices.js';
import { giveChunk, openRegular, readBuffer, takeChunk } from './chunk-io.js';

/** sha256 of a regular file (never through a symlink), read in slices of 1 MB chunks. */
export async function hashFile(hostPath: string): Promise<string> {
  const hash = createHash('sha256');
  const { fd } = openRegular(hostPath);
  try {
    for (;;) {
      const buf = readBuffer();
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      await breathe();
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** sha256 of `length` bytes at `offset` of a file or device, read in 1 MB chunks. */
export async function hashRange(path: string, offset: number, length: number): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, constants.O_RDONLY);
  const buf = takeChunk();
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - done), offset + done);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      done += bytesRead;
    }
  } finally {
    giveChunk(buf);
    await fh.close();
  }
  return hash.digest('hex');
}
