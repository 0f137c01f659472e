/**
 * Packs: a tree's small files stored end to end in one object file per batch, instead of one
 * object file each. On ext4 an object file costs an inode, a temp name and a rename: 20,000 of
 * them took longer than `cp -a` took for the whole tree, and a pack of 64 costs one of each.
 * A pack is an ordinary object (named by the sha256 of its whole content, written temp +
 * rename, synced with the rest); a packed entry keeps its own sha256 and size and records
 * where its bytes are (ManifestObject.pack, packOffset).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { CHUNK, readBuffer, unlinkQuietly, writeAll } from './chunk-io.js';

/** Files up to this size are packed; bigger ones keep an object file of their own. */
export const PACK_FILE_MAX = 64 << 10;
/** A pack's write buffer (one per BlobStore): room for two of the biggest packed files. */
export const PACK_BUFFER = 2 * PACK_FILE_MAX;

/** Where a packed file's bytes are; `pack` is filled in when its pack is placed. */
export interface PackSlot {
  pack: string;
  offset: number;
}

/**
 * The pack being filled: the files' bytes gathered in one reused buffer (no allocation per
 * file: 20,000 small copies waited for the collector and cost 15 MB of peak RSS), written to
 * its temp file whenever the buffer is full and at the end, hashed as it is written.
 */
export class PackWriter {
  private used = 0;
  private size = 0;
  private fd: number | undefined;
  private readonly hash: Hash = createHash('sha256');
  /** The slots handed out, to be told the pack's name. */
  readonly slots: PackSlot[] = [];

  constructor(
    /** The temp file the pack is written to (created on the first write, `wx`). */
    readonly tmpPath: string,
    private readonly buf: Buffer,
  ) {}

  /** Appends a file's bytes; `slot` is told where now, and the pack's name at the end. */
  add(data: Uint8Array, slot: PackSlot): void {
    if (this.used + data.length > this.buf.length) this.spill();
    if (data.length > this.buf.length) this.write(data);
    else {
      this.buf.set(data, this.used);
      this.used += data.length;
    }
    slot.offset = this.size;
    this.size += data.length;
    this.slots.push(slot);
  }

  get empty(): boolean {
    return this.slots.length === 0;
  }

  private write(data: Uint8Array): void {
    this.fd ??= openSync(this.tmpPath, 'wx', 0o600);
    this.hash.update(data);
    writeAll(this.fd, data);
  }

  private spill(): void {
    if (this.used > 0) this.write(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Writes what is left and closes the temp file (fsync: the caller's); returns the pack's sha256. */
  finish(fsync: (fd: number) => void): string {
    this.spill();
    // A pack of empty files only has had nothing to write yet: it is an empty object.
    const fd = (this.fd ??= openSync(this.tmpPath, 'wx', 0o600));
    this.fd = undefined;
    try {
      fsync(fd);
    } finally {
      closeSync(fd);
    }
    return this.hash.digest('hex');
  }

  /** Closes and removes the temp file, if there is one. */
  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    unlinkQuietly(this.tmpPath);
  }
}

/** Reads slices of packs, keeping the last pack open (a tree's entries come pack by pack). */
export class PackReader {
  private open: { path: string; fd: number } | undefined;

  constructor(private readonly pathOf: (sha: string) => string) {}

  private fdOf(pack: string): number {
    const path = this.pathOf(pack);
    if (this.open?.path === path) return this.open.fd;
    this.close();
    // Never through a symlink: a pack swapped for one is refused here as well as by verify.
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    this.open = { path, fd };
    return fd;
  }

  /**
   * The `size` bytes at `offset` of a pack; fewer only if the pack ends first (verify catches
   * that). In the thread's shared read buffer: valid only until the caller next yields (a new
   * buffer per file, 20,000 in a restore, waited for the collector and raised the peak RSS).
   */
  read(pack: string, offset: number, size: number): Buffer {
    const fd = this.fdOf(pack);
    const buf = size <= CHUNK ? readBuffer().subarray(0, size) : Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  }

  close(): void {
    if (this.open) closeSync(this.open.fd);
    this.open = undefined;
  }
}
