/**
 * file:// and plain paths (a USB stick's mount point): restic's local backend. put copies to a
 * temporary beside the final name (O_EXCL, fsync), renames, fsyncs the directory, then
 * re-reads the file and compares size and sha256; get is the same in the other direction.
 */
import { mkdir, readdir, rename, stat, unlink, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../../core/atomic-write.js';
import type { Backend, GetOptions, PutOptions } from './types.js';
import type { StorageUrl } from './url.js';
import { StorageError, fromErrno } from './errors.js';
import { checkName, finalNameOfTemp, isTempName } from './names.js';
import { copyFileAtomic } from './local-copy.js';

export class FileBackend implements Backend {
  readonly displayUrl: string;
  constructor(readonly dir: string, display: string) {
    this.displayUrl = display;
  }

  async put(localPath: string, name: string, opts: PutOptions = {}): Promise<void> {
    checkName(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((err: unknown) => { throw fromErrno(err, `creating ${this.dir}`); });
    await this.sweep(name);
    const dest = join(this.dir, name);
    // Checked on the temporary (sha256 as given, then re-read) before the rename.
    await copyFileAtomic(localPath, dest, {
      what: `writing ${dest}`,
      reread: true,
      ...(opts.sha256 ? { expectSha256: opts.sha256 } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async get(name: string, localPath: string, opts: GetOptions = {}): Promise<void> {
    checkName(name);
    const src = join(this.dir, name);
    const st = await stat(src).catch((err: unknown) => { throw fromErrno(err, `reading ${src}`); });
    await copyFileAtomic(src, localPath, {
      what: `writing ${localPath}`,
      expectSize: st.size,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries.filter((e) => e.isFile() && !isTempName(e.name)).map((e) => e.name).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromErrno(err, `listing ${this.dir}`);
    }
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    try {
      await unlink(join(this.dir, name));
      await fsyncDir(this.dir);
    } catch (err) {
      throw fromErrno(err, `deleting ${join(this.dir, name)}`);
    }
  }

  async deleteList(names: string[]): Promise<void> {
    for (const n of names) {
      await this.delete(n).catch((err: unknown) => {
        if (!(err instanceof StorageError && err.kind === 'not-found')) throw err;
      });
    }
  }

  async query(name: string): Promise<number> {
    checkName(name);
    try {
      const st = await stat(join(this.dir, name));
      return st.isFile() ? st.size : -1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1;
      throw fromErrno(err, `reading ${join(this.dir, name)}`);
    }
  }

  async queryList(names: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const n of names) out.set(n, await this.query(n));
    return out;
  }

  /** A rename when the file is on the same filesystem; false otherwise (the caller puts). */
  async move(localPath: string, name: string): Promise<boolean> {
    checkName(name);
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await rename(localPath, join(this.dir, name));
      await fsyncDir(this.dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EXDEV') return false;
      throw fromErrno(err, `moving ${localPath} to ${this.dir}`);
    }
  }

  async freeSpace(): Promise<number | undefined> {
    try {
      const s = await statfs(this.dir);
      return s.bavail * s.bsize;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> { /* nothing held open */ }

  /** Removes what an earlier, interrupted put of this name left behind. */
  private async sweep(name: string): Promise<void> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    for (const e of entries) if (isTempName(e) && finalNameOfTemp(e) === name) await unlink(join(this.dir, e)).catch(() => undefined);
  }
}

export async function openFileBackend(url: StorageUrl): Promise<Backend> {
  if (!url.path || url.path === '/') throw new StorageError('bad-url', `"${url.display}": give a directory, not the root directory.`);
  return new FileBackend(url.path, url.display);
}
