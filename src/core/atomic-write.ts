/**
 * The one way to write a file atomically: temp file in the same directory, fsync, metadata,
 * rename over the target, fsync the directory. A crash leaves the old file or the new one,
 * never half of either. Mode, owner and xattrs of the file being replaced are kept unless
 * the caller gives others.
 */
import { open, rename, unlink, lstat, chown, chmod, utimes } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Runner } from './runner.js';
import { getXattrs, setXattrs, type Xattrs } from './xattr.js';

export interface AtomicWriteOptions {
  /** Permission bits; default: the replaced file's, else 0644. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Set these xattrs on the new file; default: copy the replaced file's (needs runner). */
  xattrs?: Xattrs;
  /** Set the file's mtime (e.g. when restoring a backup). */
  mtime?: Date;
  /** Needed to read and set xattrs (getfattr/setfattr). Without it xattrs are not touched. */
  runner?: Runner;
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.firstaid-${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes data (or streams it from `source`) to hostPath atomically. */
export async function writeFileAtomic(
  hostPath: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  let old: Awaited<ReturnType<typeof lstat>> | undefined;
  try {
    old = await lstat(hostPath);
    if (!old.isFile()) old = undefined;
  } catch {
    old = undefined;
  }
  const oldXattrs = opts.xattrs ?? (old && opts.runner ? await getXattrs(opts.runner, hostPath) : undefined);
  const tmp = tempNameFor(hostPath);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await fh.writeFile(data);
    } else {
      for await (const chunk of data) await fh.write(chunk);
    }
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    const uid = opts.uid ?? old?.uid;
    const gid = opts.gid ?? old?.gid;
    if (uid !== undefined && gid !== undefined) await chown(tmp, uid, gid);
    // chmod after chown: chown clears setuid/setgid bits.
    await chmod(tmp, opts.mode ?? (old ? old.mode & 0o7777 : 0o644));
    if (oldXattrs && Object.keys(oldXattrs).length > 0 && opts.runner) await setXattrs(opts.runner, tmp, oldXattrs);
    if (opts.mtime) await utimes(tmp, opts.mtime, opts.mtime);
    await rename(tmp, hostPath);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(hostPath));
}
