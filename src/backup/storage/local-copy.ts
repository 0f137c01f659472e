/**
 * Copying one local file to a temporary name beside its final one: O_EXCL, streamed with a
 * running sha256, fsync, rename, directory fsync; the temporary removed on any failure. Shared
 * by the file backend (put and get) and by the remote backends' get.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, unlink, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { commitStaged } from '../../core/atomic-write.js';
import { hashFile } from '../objects/hash-file.js';
import { StorageError, fromErrno } from './errors.js';
import { tempNameFor } from './names.js';
import type { StorageProgress } from './types.js';

export interface CopyResult { size: number; sha256: string }

/** Copies src to dest through `dest.firstaid-tmp-*`; returns the size and sha256 of what was read. */
export interface CopyOptions {
  onProgress?: (p: StorageProgress) => void;
  signal?: AbortSignal;
  mode?: number;
  what: string;
  /** The sha256 the source must have (the caller's manifest); checked before the rename. */
  expectSha256?: string;
  /** Re-read the temporary and compare size and sha256 before the rename. */
  reread?: boolean;
  /** The size the source must have had (it must not change while read). */
  expectSize?: number;
}

/**
 * Copies src to dest through `dest.firstaid-tmp-*`; returns the size and sha256 of what was
 * read. Every check runs on the temporary, so nothing unchecked is ever under the final name.
 */
export async function copyFileAtomic(src: string, dest: string, opts: CopyOptions): Promise<CopyResult> {
  let total: number;
  try {
    const st = await stat(src);
    if (!st.isFile()) throw new StorageError('other', `${src} is not a regular file.`, 'Give a file, not a directory or device.');
    total = st.size;
  } catch (err) {
    throw fromErrno(err, `reading ${src}`);
  }
  const tmp = join(dirname(dest), tempNameFor(basename(dest)));
  let fh;
  try {
    fh = await open(tmp, 'wx', opts.mode ?? 0o600);
  } catch (err) {
    throw fromErrno(err, `creating ${tmp}`);
  }
  const hash = createHash('sha256');
  let size = 0;
  let sha256 = '';
  try {
    for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20, signal: opts.signal })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      size += buf.length;
      opts.onProgress?.({ bytesDone: size, bytesTotal: total });
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    sha256 = hash.digest('hex');
    if (opts.expectSha256 && opts.expectSha256 !== sha256) {
      throw new StorageError('corrupt', `${src} is not the file that was hashed (its sha256 differs): it changed, nothing was kept.`);
    }
    if (opts.expectSize !== undefined && opts.expectSize !== size) {
      throw new StorageError('corrupt', `${src} changed while it was read (${size} bytes, ${opts.expectSize} expected); nothing was kept.`);
    }
    if (opts.reread) await checkLocal(tmp, { size, sha256 }, `checking the copy of ${src}`);
    await commitStaged(tmp, dest, 'now', { fileSynced: true });
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw fromErrno(err, opts.what);
  }
  return { size, sha256 };
}

/** Size and sha256 of a local file, checked against what was expected; a mismatch is 'corrupt'. */
export async function checkLocal(path: string, expect: { size?: number; sha256?: string }, what: string): Promise<void> {
  const st = await stat(path).catch((err: unknown) => { throw fromErrno(err, what); });
  if (expect.size !== undefined && st.size !== expect.size) {
    throw new StorageError('corrupt', `${what}: ${st.size} bytes arrived, ${expect.size} were sent.`);
  }
  if (expect.sha256 !== undefined) {
    const got = await hashFile(path);
    if (got !== expect.sha256) throw new StorageError('corrupt', `${what}: sha256 ${got.slice(0, 16)}... differs from ${expect.sha256.slice(0, 16)}...`);
  }
}

/** Moves a finished temporary into place, durably (core's one atomic commit); on a failed check the caller removes it instead. */
export async function placeFile(tmp: string, dest: string): Promise<void> {
  await commitStaged(tmp, dest, 'now');
}
