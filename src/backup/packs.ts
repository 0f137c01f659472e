/**
 * Packs: a tree's small files stored end to end in one object file per batch, instead of one
 * object file each. On ext4 an object file costs an inode, a temp name and a rename: 20,000 of
 * them took longer than `cp -a` took for the whole tree, and a pack of 64 costs one of each.
 * A pack is an ordinary object (named by the sha256 of its whole content, written temp +
 * rename, synced with the rest); a packed entry keeps its own sha256 and size and records
 * where its bytes are (ManifestObject.pack).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { writeAll } from './chunk-io.js';

/** Files up to this size are packed; bigger ones keep an object file of their own. */
export const PACK_FILE_MAX = 64 << 10;

/** Where a packed file's bytes are; `pack` is filled in when its pack is placed. */
export interface PackSlot {
  pack: string;
  offset: number;
}

/** The pack being filled: copies of the files' bytes, hashed as they come. */
export class PackWriter {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly hash: Hash = createHash('sha256');
  /** The slots handed out, to be told the pack's name; and the files' hashes (for dedup undo). */
  readonly slots: PackSlot[] = [];
  readonly shas: string[] = [];

  add(data: Uint8Array, sha: string): PackSlot {
    const copy = Buffer.from(data); // the caller's buffer is reused for the next file
    this.chunks.push(copy);
    this.hash.update(copy);
    const slot: PackSlot = { pack: '', offset: this.size };
    this.size += copy.length;
    this.slots.push(slot);
    this.shas.push(sha);
    return slot;
  }

  get empty(): boolean {
    return this.slots.length === 0;
  }

  /** Writes the pack's bytes to a new file (`wx`); returns the pack's sha256. */
  writeTo(path: string, fsync: (fd: number) => void): string {
    const fd = openSync(path, 'wx', 0o600);
    try {
      for (const c of this.chunks) writeAll(fd, c);
      fsync(fd);
    } finally {
      closeSync(fd);
    }
    return this.hash.digest('hex');
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

  /** The `size` bytes at `offset` of a pack; fewer only if the pack ends first (verify catches that). */
  read(pack: string, offset: number, size: number): Buffer {
    const fd = this.fdOf(pack);
    const buf = Buffer.allocUnsafe(size);
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
