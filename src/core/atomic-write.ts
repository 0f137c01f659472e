/**
 * The one way to put a file in place atomically: stage it under a temp name in the same
 * directory (tempNameFor), then commit it (commitStaged/commitStagedSync): fsync, rename over
 * the final name, fsync the directory; or, for trees of thousands of files, rename only and
 * leave durability to one syncfs of the whole filesystem afterwards ('deferred'). A crash
 * leaves the old file or the new one, never half of either, and never a partial file under the
 * final name. writeFileAtomic is the whole sequence for one file, keeping the mode, owner and
 * xattrs of the file it replaces unless the caller gives others.
 */
import { fsyncSync, openSync, closeSync, renameSync, unlinkSync, constants } from 'node:fs';
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

/**
 * now: the staged file and, after the rename, its directory are fsynced before this returns.
 * deferred: rename only; the caller makes the filesystem durable later (one syncfs).
 */
export type Durability = 'now' | 'deferred';

function fsyncPathSync(path: string, flags: number): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Commits a staged temp file (or symlink) over finalPath; on failure the temp is removed. Synchronous (helper threads). */
export function commitStagedSync(tmp: string, finalPath: string, durability: Durability): void {
  try {
    if (durability === 'now') fsyncPathSync(tmp, constants.O_RDONLY);
    renameSync(tmp, finalPath);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  if (durability === 'now') fsyncPathSync(dirname(finalPath), constants.O_RDONLY | constants.O_DIRECTORY);
}

/** commitStagedSync's promise twin: the same sequence with the thread pool doing the I/O. */
export async function commitStaged(tmp: string, finalPath: string, durability: Durability, o: { fileSynced?: boolean } = {}): Promise<void> {
  try {
    if (durability === 'now' && !o.fileSynced) {
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, finalPath);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (durability === 'now') await fsyncDir(dirname(finalPath));
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
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await commitStaged(tmp, hostPath, 'now', { fileSynced: true });
}
