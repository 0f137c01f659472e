/**
 * The internal provider's tar writer: node-tar's Header and Pax encode each entry, the bytes go
 * through two reused 1 MiB buffers (file data is read straight into them), so memory stays
 * flat however many files there are. node-tar's own Pack allocates a fresh buffer for every
 * read and every header; on a /home of 20,000 files that was 190 MB of dead buffers at the
 * peak and 10 s (one file at a time through its stream machinery).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createWriteStream, type Stats } from 'node:fs';
import { constants as zconst, createGzip, type Gzip } from 'node:zlib';
import { Header, Pax } from 'tar';

const SIZE = 1 << 20;
const BLOCK = 512;
const OUT_SIZE = 256 * 1024;

/** Where full buffers go; resolves when the buffer may be reused. */
type Out = { write(b: Buffer): Promise<void>; end(): Promise<void> };

async function plainOut(file: string): Promise<Out> {
  const fh: FileHandle = await open(file, 'w', 0o644);
  return {
    async write(b) {
      for (let o = 0; o < b.length;) o += (await fh.write(b, o, b.length - o)).bytesWritten;
    },
    async end() { await fh.close(); },
  };
}

/** The parts of Node's zlib object that compress into a buffer of ours (Node 20's own processChunkSync uses them). */
interface ZlibHandle {
  _handle?: { writeSync?: (flush: number, inp: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number) => void };
  _writeState?: Uint32Array;
}

/**
 * gzip into one reused output buffer. Node's zlib streams hand out every compressed chunk in a
 * fresh buffer, and V8 frees dead ones only after ~64 MB of them: the internal tar.gz peaked at
 * 128-133 MB against 96 MB for plain tar (measured). This drives the stream's own handle the way
 * Node's processChunkSync does; when a Node lacks those internals, the stream itself is used.
 */
async function gzipOut(file: string, level: number | undefined): Promise<Out> {
  const gz = createGzip(level !== undefined ? { level } : {});
  const z = gz as unknown as ZlibHandle;
  const writeSync = z._handle?.writeSync?.bind(z._handle);
  const state = z._writeState;
  if (!writeSync || !(state instanceof Uint32Array) || state.length < 2) {
    gz.close();
    return gzipStreamOut(file, level);
  }
  // zlib reports a failure as the stream's 'error' during writeSync (as for Node's own sync calls).
  let failed: Error | undefined;
  gz.on('error', (e) => { failed ??= e; });
  const fh = await open(file, 'w', 0o644);
  const out = Buffer.allocUnsafe(OUT_SIZE);
  const deflate = async (b: Buffer, flush: number) => {
    let inOff = 0;
    let inLen = b.length;
    for (;;) {
      writeSync(flush, b, inOff, inLen, out, 0, OUT_SIZE);
      if (failed) throw failed;
      const [availOut, availIn] = [state[0]!, state[1]!];
      const have = OUT_SIZE - availOut;
      for (let o = 0; o < have;) o += (await fh.write(out, o, have - o)).bytesWritten;
      inOff += inLen - availIn;
      inLen = availIn;
      // Room left in the output: zlib has taken all the input (and, for Z_FINISH, ended the stream).
      if (availOut !== 0) return;
    }
  };
  // Once closed, the handle must never be written again: Node asserts and the process aborts
  // (measured). abort() after a failed end() calls end() a second time.
  let closed = false;
  return {
    write: (b) => (closed ? Promise.reject(new Error('the gzip output is closed')) : deflate(b, zconst.Z_NO_FLUSH)),
    async end() {
      if (closed) return;
      try {
        await deflate(Buffer.alloc(0), zconst.Z_FINISH);
      } finally {
        closed = true;
        gz.close();
        await fh.close();
      }
    },
  };
}

function gzipStreamOut(file: string, level: number | undefined): Out {
  const gz: Gzip = createGzip({ ...(level !== undefined ? { level } : {}), chunkSize: 256 * 1024 });
  const ws = createWriteStream(file, { mode: 0o644 });
  let failed: Error | undefined;
  const closed = new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => { failed ??= e; reject(e); };
    gz.on('error', fail);
    ws.on('error', fail);
    ws.on('close', () => (failed ? reject(failed) : resolve()));
  });
  closed.catch(() => undefined);
  gz.pipe(ws);
  return {
    // zlib calls back once it has consumed the chunk: then the buffer is ours again.
    write: (b) => new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      gz.write(b, (e) => (e ? reject(e) : resolve()));
    }),
    async end() {
      gz.end();
      await closed;
    },
  };
}

export interface TarEntry {
  /** Name in the archive ('./a/b', './' for the root); a directory's gets a trailing '/'. */
  name: string;
  st: Stats;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  linkpath?: string;
}

export class TarWriter {
  private buf = Buffer.allocUnsafe(SIZE);
  private spare = Buffer.allocUnsafe(SIZE);
  private readonly block = Buffer.alloc(BLOCK);
  private len = 0;
  private pending: Promise<void> = Promise.resolve();

  private constructor(private readonly out: Out) {}

  static async create(file: string, gzip: { level?: number } | null): Promise<TarWriter> {
    return new TarWriter(gzip ? await gzipOut(file, gzip.level) : await plainOut(file));
  }

  /** Hands the full part of the buffer to the output and goes on in the other one. */
  private async flush(): Promise<void> {
    if (this.len === 0) return;
    const full = this.buf.subarray(0, this.len);
    await this.pending;
    this.pending = this.out.write(full);
    [this.buf, this.spare] = [this.spare, this.buf];
    this.len = 0;
  }

  private async put(b: Buffer): Promise<void> {
    for (let o = 0; o < b.length;) {
      if (this.len === SIZE) await this.flush();
      const n = b.copy(this.buf, this.len, o);
      this.len += n;
      o += n;
    }
  }

  private async zeros(n: number): Promise<void> {
    while (n > 0) {
      if (this.len === SIZE) await this.flush();
      const k = Math.min(n, SIZE - this.len);
      this.buf.fill(0, this.len, this.len + k);
      this.len += k;
      n -= k;
    }
  }

  /** The header (with a pax header first when a field does not fit ustar). */
  async header(e: TarEntry, size: number): Promise<void> {
    const st = e.st;
    const data = {
      path: e.name, ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
      mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size, mtime: st.mtime, type: e.type, uname: '',
      atime: st.atime, ctime: st.ctime,
    };
    const h = new Header(data);
    // Encoded into one zeroed scratch block (encode() alone allocates 512 bytes an entry).
    this.block.fill(0);
    if (h.encode(this.block, 0)) {
      await this.put(new Pax({
        atime: st.atime, ctime: st.ctime, gid: st.gid, mtime: st.mtime, path: e.name,
        ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}), size, uid: st.uid, uname: '',
        dev: st.dev, ino: st.ino, nlink: st.nlink,
      }).encode());
    }
    await this.put(this.block);
  }

  /**
   * A regular file: its header, then `size` bytes read into the buffer, zeros if it shrank.
   * Returns how many bytes were missing (0: read in full).
   */
  async file(e: TarEntry, fh: FileHandle): Promise<number> {
    const size = e.st.size;
    await this.header(e, size);
    let pos = 0;
    while (pos < size) {
      if (this.len === SIZE) await this.flush();
      const want = Math.min(size - pos, SIZE - this.len);
      const { bytesRead } = await fh.read(this.buf, this.len, want, pos);
      if (bytesRead === 0) break;
      this.len += bytesRead;
      pos += bytesRead;
    }
    await this.zeros(size - pos + ((BLOCK - (size % BLOCK)) % BLOCK));
    return size - pos;
  }

  /** A regular file already read whole (`data`: what was read, up to its size). */
  async fileData(e: TarEntry, data: Buffer): Promise<number> {
    const size = e.st.size;
    await this.header(e, size);
    await this.put(data.subarray(0, Math.min(size, data.length)));
    const missing = Math.max(0, size - data.length);
    await this.zeros(missing + ((BLOCK - (size % BLOCK)) % BLOCK));
    return missing;
  }

  /** The two end blocks, then everything out and closed. */
  async end(): Promise<void> {
    await this.zeros(2 * BLOCK);
    await this.flush();
    await this.pending;
    await this.out.end();
  }

  /** After a failure: waits for the write in flight, closes the output (the caller removes it). */
  async abort(): Promise<void> {
    await this.pending.catch(() => undefined);
    await this.out.end().catch(() => undefined);
  }
}
