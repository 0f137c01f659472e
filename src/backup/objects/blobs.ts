/**
 * Content-addressed object files of a space: objects/<first 2 hex>/<sha256>. The stored name
 * comes from the hash, never from a manifest name, so a tampered manifest cannot point a
 * restore outside the space. Each object: temp file, fsync, rename; a tree's objects skip
 * their own fsync and flush() syncs the filesystem once (syncfs) before the manifest that
 * refers to them is written; otherwise flush() fsyncs the directories. A tree's small files
 * go into packs (packs.ts), a pack per batch, each pack an object like any other.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, closeSync, copyFileSync, fsyncSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { open, readFile, unlink, copyFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { commitStagedSync, fsyncDir } from '../../core/atomic-write.js';
import { isSha256 } from '../spaces/ids.js';
import { CHUNK, blockingIo, giveChunk, openRegular, poolIo, readBuffer, readFull, takeChunk, unlinkQuietly, writeAll } from './chunk-io.js';
import { hashFile } from './hash-file.js';
import { EarlySync } from './early-sync.js';
import { PACK_BUFFER, PACK_FILE_MAX, PackReader, PackWriter, type PackSlot } from './packs.js';

/** What putFile stored, and the file's metadata as read from the open file. */
export interface PutFileResult {
  sha256: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  /**
   * Set when the file went into a pack (a tree's small file): the pack's sha256 ('' until
   * its batch ends) and where in it the file's bytes are. The result is its own PackSlot (an
   * object less per file: 20,000 of them showed in the peak RSS).
   */
  pack?: string;
  offset?: number;
}

export class BlobStore {
  readonly objectsDir: string;
  private readonly tmpDir: string;
  private readonly dirty = new Set<string>();
  private prepared = false;
  /** Objects were written without their own fsync: flush() must syncfs the store's filesystem. */
  private deferred = false;

  /**
   * @param syncfs flushes the whole filesystem holding a directory (syncfs(2), `sync -f`). Used
   *   for many small objects at once: one syncfs instead of thousands of fsyncs, with the same
   *   guarantee before the manifest (the commit point) is written.
   */
  constructor(
    readonly spaceDir: string,
    private readonly syncfs?: (dir: string) => Promise<void>,
    /** For a thread with nothing else to do (the helper): big files without the thread pool. */
    private readonly blocking = false,
  ) {
    this.objectsDir = join(spaceDir, 'objects');
    this.tmpDir = join(this.objectsDir, 'tmp');
  }

  private prepare(): void {
    if (this.prepared) return;
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    this.prepared = true;
  }

  pathOf(sha: string): string {
    if (!isSha256(sha)) throw new Error(`bad object hash ${JSON.stringify(sha)}`);
    return join(this.objectsDir, sha.slice(0, 2), sha);
  }

  /** Temp names: unique per instance (random prefix) and per object (counter). */
  private readonly tmpPrefix = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  private tmpCount = 0;

  private tmpName(dir = this.tmpDir): string {
    // Concatenated, not join()ed: dir is already normal, and this runs once per object.
    return `${dir}/.${this.tmpPrefix}-${++this.tmpCount}.tmp`;
  }


  /** Subdirectories known to exist, and the object files this instance placed (a tree repeats files). */
  private readonly subdirs = new Set<string>();
  private readonly placed = new Set<string>();
  /** The pack being filled (a batch of a tree's small files), and the reader of placed packs. */
  private pack: PackWriter | undefined;
  private packDurable = false;
  private packBuf: Buffer | undefined;
  private readonly packs = new PackReader((sha) => this.pathOf(sha));

  /** The directory of an object (objects/<first 2 hex>/), made on first use. */
  private subdirOf(sha: string): string {
    const sub = `${this.objectsDir}/${sha.slice(0, 2)}`;
    if (!this.subdirs.has(sub)) {
      mkdirSync(sub, { recursive: true, mode: 0o700 });
      this.subdirs.add(sub);
    }
    return sub;
  }

  /**
   * Moves a written temp file into place under its hash. An object already there has the same
   * content by construction, so renaming over it is harmless (no exists check per file).
   */
  private placeSync(tmp: string, sha: string): void {
    const sub = this.subdirOf(sha);
    // Deferred: an object's content was fsynced when it was written durably, and its directory
    // is synced with the others before the manifest names it (flush).
    commitStagedSync(tmp, `${sub}/${sha}`, 'deferred');
    this.dirty.add(sub);
    this.placed.add(sha);
  }

  async putBuffer(data: Uint8Array, durable = true): Promise<{ sha256: string; size: number }> {
    this.prepare();
    return { sha256: this.putWholeSync(data, durable), size: data.length };
  }

  /**
   * Copies a host file into the space while hashing it, 1 MB at a time (a 2 GB file streams).
   * A file under 1 MB is done synchronously and returned as is (no promise, no await: a tree
   * of 20,000 costs what cp's copy does); a bigger one streams through the thread pool and
   * comes back as a promise. `durable`: fsync the object now; otherwise flush() syncs the
   * whole filesystem once. The metadata is the open file's, read with its content.
   * `packable` (a tree's files): a file up to PACK_FILE_MAX goes into the current pack, which
   * endPack() places.
   */
  putFile(hostPath: string, durable = true, packable = false): PutFileResult | Promise<PutFileResult> {
    this.prepare();
    const { fd, st } = openRegular(hostPath);
    let streaming = false;
    try {
      const buf = readBuffer();
      const first = readFull(fd, buf, st.size);
      const meta = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
      if (packable && first <= PACK_FILE_MAX && first < buf.length) {
        const r: PutFileResult & PackSlot = { sha256: '', size: first, ...meta, pack: '', offset: 0 };
        this.putPacked(buf.subarray(0, first), durable, r);
        return r;
      }
      if (first < buf.length) return { sha256: this.putWholeSync(buf.subarray(0, first), durable), size: first, ...meta };
      streaming = true;
      return this.putStream(fd, buf, durable)
        .then((r) => ({ ...r, ...meta }))
        .finally(() => closeSync(fd));
    } finally {
      if (!streaming) closeSync(fd);
    }
  }

  /**
   * A small file of a tree, into the current pack. Never deduplicated: a pack's files are
   * small, and remembering 20,000 of them cost more memory than repeats save on disk.
   */
  private putPacked(data: Uint8Array, durable: boolean, r: PutFileResult & PackSlot): void {
    r.sha256 = createHash('sha256').update(data).digest('hex');
    this.pack ??= new PackWriter(this.tmpName(), (this.packBuf ??= Buffer.allocUnsafe(PACK_BUFFER)));
    this.packDurable ||= durable || !this.syncfs;
    this.pack.add(data, r);
  }

  /**
   * Places the current pack as an object and tells its slots its name (call at the end of a
   * batch, before its results are used). Nothing to do when no file went into it.
   */
  endPack(): void {
    const pack = this.pack;
    if (!pack || pack.empty) return;
    try {
      const durable = this.packDurable;
      const sha = pack.finish((fd) => (durable ? fsyncSync(fd) : undefined));
      if (!durable) this.deferred = true;
      this.placeSync(pack.tmpPath, sha);
      for (const slot of pack.slots) slot.pack = sha;
      this.pack = undefined;
      this.packDurable = false;
    } catch (e) {
      this.abortPack();
      throw e;
    }
  }

  /** Drops the current pack (its batch failed): its files are not stored. */
  abortPack(): void {
    this.pack?.discard();
    this.pack = undefined;
    this.packDurable = false;
  }

  /** Copies a packed file's bytes to a host path that must not exist. */
  copySliceToSync(pack: string, offset: number, size: number, hostPath: string): void {
    const data = this.packs.read(pack, offset, size);
    if (data.length !== size) throw new Error(`pack ${pack} ends before the ${size} bytes at ${offset}`);
    const fd = openSync(hostPath, 'wx', 0o600);
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
  }

  /** Why a packed file's bytes are not what the manifest says, or null (the pack itself checked before). */
  checkSlice(pack: string, offset: number, size: number, sha: string): string | null {
    let data: Buffer;
    try {
      data = this.packs.read(pack, offset, size);
    } catch (e) {
      return `its pack cannot be read (${(e as Error).message})`;
    }
    if (data.length !== size) return `its pack ends before its ${size} bytes`;
    return createHash('sha256').update(data).digest('hex') === sha ? null : 'content does not match its sha256';
  }

  /** Closes the pack kept open for reading (after a batch of restores or a verify). */
  closePacks(): void {
    this.packs.close();
  }

  /** A small object whose content is in hand: hashed first, so its temp file sits beside its final name. */
  private putWholeSync(data: Uint8Array, durable: boolean): string {
    const sha = createHash('sha256').update(data).digest('hex');
    if (this.placed.has(sha)) return sha;
    const tmp = this.tmpName(this.subdirOf(sha));
    let out: number | undefined = openSync(tmp, 'wx', 0o600);
    try {
      writeAll(out, data);
      // A single small file: a short blocking fsync. A tree's files wait for flush()'s syncfs.
      if (durable || !this.syncfs) fsyncSync(out);
      else this.deferred = true;
      closeSync(out);
      out = undefined;
      this.placeSync(tmp, sha);
    } catch (e) {
      if (out !== undefined) closeSync(out);
      unlinkQuietly(tmp);
      throw e;
    }
    return sha;
  }

  /**
   * A bigger object: hashed while it is copied, 1 MB at a time, through the thread pool, so
   * its reads and writes run on another core while the caller goes on with small files (on a
   * `blocking` store, directly: the thread pool's round trips left the helper thread idle).
   * `first` is its first chunk (read into the shared buffer: copied before anything yields).
   */
  private async putStream(src: number, first: Buffer, durable: boolean): Promise<{ sha256: string; size: number }> {
    const io = this.blocking ? blockingIo : poolIo;
    const buf = takeChunk();
    first.copy(buf);
    const hash = createHash('sha256');
    const tmp = this.tmpName();
    let out: number | undefined = openSync(tmp, 'wx', 0o600);
    let total = 0;
    try {
      for (let n = buf.length; n > 0; n = await io.read(src, buf)) {
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        await io.write(out, chunk);
        total += n;
      }
      if (durable || !this.syncfs) await io.sync(out);
      else this.deferred = true;
      closeSync(out);
      out = undefined;
      const sha = hash.digest('hex');
      this.placeSync(tmp, sha);
      return { sha256: sha, size: total };
    } catch (e) {
      if (out !== undefined) closeSync(out);
      unlinkQuietly(tmp);
      throw e;
    } finally {
      giveChunk(buf);
    }
  }

  /** Copies `length` bytes from offset of an open file (or device) into a new object. */
  async putFromHandle(src: FileHandle, offset: number, length: number, durable = true): Promise<{ sha256: string; size: number }> {
    this.prepare();
    const tmp = this.tmpName();
    const out = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let total = 0;
    const buf = takeChunk();
    try {
      while (total < length) {
        const want = Math.min(CHUNK, length - total);
        const { bytesRead } = await src.read(buf, 0, want, offset + total);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        await out.write(chunk);
        total += bytesRead;
      }
      if (durable || !this.syncfs) await out.sync();
      else this.deferred = true;
    } catch (e) {
      await out.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    } finally {
      giveChunk(buf);
    }
    await out.close();
    const sha = hash.digest('hex');
    this.placeSync(tmp, sha);
    return { sha256: sha, size: total };
  }

  /**
   * For objects written elsewhere (a helper thread) without their own fsync: true if flush()
   * will sync the filesystem for them; false if each must be fsynced where it is written.
   */
  deferSync(): boolean {
    if (!this.syncfs) return false;
    this.prepare();
    this.deferred = true;
    return true;
  }

  private early: EarlySync | undefined;

  /**
   * Counts the bytes of objects written without fsync (a helper thread's too): a syncfs
   * starts in the background every EARLY_SYNC_BYTES, so the commit's own has little left.
   */
  wrote(bytes: number): void {
    if (!this.deferred) return;
    (this.early ??= new EarlySync(() => this.syncfs!(this.objectsDir))).wrote(bytes);
  }

  /** Makes every placed object durable (directory fsyncs); call before writing the manifest. */
  async flush(): Promise<void> {
    await this.early?.settle();
    if (this.deferred) {
      // syncfs writes every dirty page and inode of the filesystem, directories included.
      await this.syncfs!(this.objectsDir);
      this.deferred = false;
      this.dirty.clear();
      return;
    }
    const dirs = [...this.dirty];
    this.dirty.clear();
    for (const d of dirs) await fsyncDir(d);
    if (dirs.length > 0) await fsyncDir(this.objectsDir);
  }

  /** Why the stored object is not what the manifest says, or null. Never follows a symlink. */
  async check(sha: string, size: number): Promise<string | null> {
    let p: string;
    try {
      p = this.pathOf(sha);
    } catch {
      return 'bad hash in manifest';
    }
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return 'object file is missing';
    }
    if (st.isSymbolicLink()) return 'object file was replaced by a symlink';
    if (!st.isFile()) return 'object file is not a regular file';
    if (st.size !== size) return `object file has ${st.size} bytes, the manifest says ${size}`;
    const got = await hashFile(p);
    if (got !== sha) return 'object content does not match its sha256';
    return null;
  }

  /** Removes an object file (no longer named by the manifest). */
  async remove(sha: string): Promise<void> {
    this.placed.delete(sha);
    this.packs.close();
    await unlink(this.pathOf(sha)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async read(sha: string): Promise<Buffer> {
    return readFile(this.pathOf(sha), { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
  }

  /** Copies an object to a host path (the path must not exist: restore writes temp names). */
  async copyTo(sha: string, hostPath: string): Promise<void> {
    await copyFile(this.pathOf(sha), hostPath, constants.COPYFILE_EXCL);
  }

  /** copyTo, synchronously (the kernel copies: copy_file_range), for the sliced tree restore. */
  copyToSync(sha: string, hostPath: string): void {
    copyFileSync(this.pathOf(sha), hostPath, constants.COPYFILE_EXCL);
  }
}
