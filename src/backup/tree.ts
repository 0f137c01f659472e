/**
 * Capturing files, symlinks and whole directory trees into a space, and putting them back
 * exactly (content, mode, owner, mtime, xattrs). A restored tree is made identical to the
 * recorded one: what was added since is removed (a revert of /boot/grub needs that).
 */
import { lstat, readdir, readlink, mkdir, rm, chown, chmod, utimes, lutimes, lchown, rename, symlink, open, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import { fsyncDir } from '../core/atomic-write.js';
import { getXattrs, getXattrsTree, setXattrsMany, type Xattrs } from '../core/xattr.js';
import type { Runner } from '../core/runner.js';
import type { ManifestObject } from './types.js';
import type { BlobStore } from './blobs.js';
import { hashFile } from './blobs.js';
import { mapLimit } from './pool.js';

/** Parallel file copies/fsyncs: enough to hide fsync latency, little enough to bound memory. */
export const IO_CONCURRENCY = 12;

function meta(st: Stats): Pick<ManifestObject, 'mode' | 'uid' | 'gid' | 'mtime'> {
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime.toISOString() };
}

function baseObject(name: string, origin: string | null): ManifestObject {
  return { name, type: 'file', origin, size: 0, sha256: null, mode: null, uid: null, gid: null, mtime: null, symlinkTarget: null, xattrs: {}, range: null };
}

export class UnsupportedFileError extends Error {}

/** What a walk keeps of each path (not the whole Stats: 20,000 of those weigh tens of MB). */
interface Walked {
  rel: string;
  kind: 'd' | 'f' | 'l' | 'o';
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

function kindOf(st: Stats): Walked['kind'] {
  return st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o';
}

const NO_XATTRS: Xattrs = Object.freeze({}) as Xattrs;

/** Every path below dir, parents before children, names sorted (stable manifests). */
async function walk(dir: string): Promise<Walked[]> {
  const out: Walked[] = [];
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const host = rel ? join(dir, rel) : dir;
    const names = (await readdir(host)).sort();
    const dirs: string[] = [];
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const st = await lstat(join(host, n));
      const kind = kindOf(st);
      out.push({ rel: r, kind, size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs });
      if (kind === 'd') dirs.push(r);
    }
    // Depth-first, but every directory is listed before anything inside it.
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(dirs[i]!);
  }
  return out;
}

/** Captures hostPath (file, symlink or directory tree) into blobs; returns its manifest object. */
export async function capture(blobs: BlobStore, runner: Runner, hostPath: string, name: string, origin: string): Promise<ManifestObject> {
  const st = await lstat(hostPath);
  const obj = { ...baseObject(name, origin), ...meta(st) };
  if (st.isSymbolicLink()) {
    obj.type = 'symlink';
    obj.symlinkTarget = await readlink(hostPath);
    obj.xattrs = await getXattrs(runner, hostPath);
    return obj;
  }
  if (st.isFile()) {
    const { sha256, size } = await blobs.putFile(hostPath, st.size);
    obj.sha256 = sha256;
    obj.size = size;
    obj.xattrs = await getXattrs(runner, hostPath);
    return obj;
  }
  if (!st.isDirectory()) throw new UnsupportedFileError(`${origin} is neither a file, a directory nor a symlink`);
  obj.type = 'directory';
  const walked = await walk(hostPath);
  const xattrs = await getXattrsTree(runner, hostPath);
  obj.xattrs = xattrs.get(hostPath) ?? {};
  const entries: ManifestObject[] = walked.map((w) => {
    if (w.kind === 'o') throw new UnsupportedFileError(`${origin}/${w.rel} is a device, FIFO or socket: firstaid does not back those up`);
    return {
      name: w.rel,
      type: w.kind === 'd' ? 'directory' : w.kind === 'l' ? 'symlink' : 'file',
      origin: null,
      size: 0,
      sha256: null,
      mode: w.mode,
      uid: w.uid,
      gid: w.gid,
      mtime: new Date(w.mtimeMs).toISOString(),
      symlinkTarget: null,
      xattrs: xattrs.get(join(hostPath, w.rel)) ?? NO_XATTRS,
      range: null,
    };
  });
  await mapLimit(walked, IO_CONCURRENCY, async (w, i) => {
    const e = entries[i]!;
    if (e.type === 'file') {
      const r = await blobs.putFile(join(hostPath, w.rel), w.size, false);
      e.sha256 = r.sha256;
      e.size = r.size;
    } else if (e.type === 'symlink') {
      e.symlinkTarget = await readlink(join(hostPath, w.rel));
    }
  });
  obj.entries = entries;
  return obj;
}

function tmpBeside(hostPath: string): string {
  return join(dirname(hostPath), `.${basename(hostPath)}.firstaid-${randomBytes(4).toString('hex')}.tmp`);
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes one file object at hostPath atomically, with its metadata (xattrs set separately). */
/** A file where nothing is (inside a tree being restored): written in place, no temp and rename. */
async function createFile(blobs: BlobStore, o: ManifestObject, hostPath: string): Promise<void> {
  await blobs.copyTo(o.sha256!, hostPath);
  if (o.uid !== null && o.gid !== null) await chown(hostPath, o.uid, o.gid);
  if (o.mode !== null) await chmod(hostPath, o.mode);
  if (o.mtime) await utimes(hostPath, new Date(o.mtime), new Date(o.mtime));
}

async function placeFile(blobs: BlobStore, o: ManifestObject, hostPath: string, durable = true): Promise<void> {
  const tmp = tmpBeside(hostPath);
  await blobs.copyTo(o.sha256!, tmp);
  try {
    if (durable) {
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    if (o.uid !== null && o.gid !== null) await chown(tmp, o.uid, o.gid);
    if (o.mode !== null) await chmod(tmp, o.mode); // after chown: chown clears setuid bits
    if (o.mtime) await utimes(tmp, new Date(o.mtime), new Date(o.mtime));
    const old = await lstatOrNull(hostPath);
    if (old?.isDirectory()) await rm(hostPath, { recursive: true, force: true });
    await rename(tmp, hostPath);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function placeSymlink(o: ManifestObject, hostPath: string): Promise<void> {
  const tmp = tmpBeside(hostPath);
  await symlink(o.symlinkTarget!, tmp);
  try {
    if (o.uid !== null && o.gid !== null) await lchown(tmp, o.uid, o.gid);
    const old = await lstatOrNull(hostPath);
    if (old?.isDirectory()) await rm(hostPath, { recursive: true, force: true });
    await rename(tmp, hostPath);
    if (o.mtime) await lutimes(hostPath, new Date(o.mtime), new Date(o.mtime));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function setDirMeta(o: ManifestObject, hostPath: string): Promise<void> {
  if (o.uid !== null && o.gid !== null) await chown(hostPath, o.uid, o.gid);
  if (o.mode !== null) await chmod(hostPath, o.mode);
}

/**
 * Puts a captured object back at hostPath (its parent must exist, inside the target).
 * The blobs it uses must have been verified by the caller.
 */
export async function restoreObject(
  blobs: BlobStore,
  runner: Runner,
  o: ManifestObject,
  hostPath: string,
  syncfs: (dir: string) => Promise<void>,
): Promise<void> {
  const xattrs = new Map<string, Xattrs>();
  if (o.type === 'file') {
    await placeFile(blobs, o, hostPath);
  } else if (o.type === 'symlink') {
    await placeSymlink(o, hostPath);
  } else if (o.type === 'directory') {
    await restoreTree(blobs, o, hostPath, xattrs);
    // The tree's files were not fsynced one by one: one syncfs of the target's filesystem.
    await syncfs(hostPath);
  } else {
    throw new Error(`object "${o.name}" is a ${o.type}, not a path`);
  }
  if (Object.keys(o.xattrs).length > 0) xattrs.set(hostPath, o.xattrs);
  await setXattrsMany(runner, xattrs);
  if (o.type === 'directory' && o.mtime) await utimes(hostPath, new Date(o.mtime), new Date(o.mtime));
  await fsyncDir(dirname(hostPath));
}

async function restoreTree(blobs: BlobStore, o: ManifestObject, root: string, xattrs: Map<string, Xattrs>): Promise<void> {
  const entries = o.entries ?? [];
  const want = new Map(entries.map((e) => [e.name, e]));
  const st = await lstatOrNull(root);
  if (st && !st.isDirectory()) await rm(root, { force: true });
  if (!st || !st.isDirectory()) await mkdir(root, { mode: 0o700 });
  // Remove what was not there (or is of another type) before writing anything.
  const present = new Set<string>();
  if (st?.isDirectory()) {
    for (const w of await walk(root)) {
      const e = want.get(w.rel);
      const same = e && ((e.type === 'directory' && w.kind === 'd') || (e.type === 'file' && w.kind === 'f') || (e.type === 'symlink' && w.kind === 'l'));
      const host = join(root, w.rel);
      if (same) present.add(w.rel);
      else if (await lstatOrNull(host)) await rm(host, { recursive: true, force: true });
    }
  }
  const dirs = entries.filter((e) => e.type === 'directory');
  for (const d of dirs) {
    if (!present.has(d.name)) await mkdir(join(root, d.name), { mode: 0o700 });
  }
  await mapLimit(
    entries.filter((e) => e.type !== 'directory'),
    IO_CONCURRENCY,
    async (e) => {
      const p = join(root, e.name);
      if (e.type === 'file' && !present.has(e.name)) await createFile(blobs, e, p);
      else if (e.type === 'file') await placeFile(blobs, e, p, false);
      else await placeSymlink(e, p);
    },
  );
  for (const e of entries) if (Object.keys(e.xattrs).length > 0) xattrs.set(join(root, e.name), e.xattrs);
  // Directories last, deepest first: writing inside a directory changes its mtime.
  await setDirMeta(o, root);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const d = dirs[i]!;
    await setDirMeta(d, join(root, d.name));
  }
  // mtimes after xattrs would be ideal; setfattr does not change mtime, so set them now.
  for (let i = dirs.length - 1; i >= 0; i--) {
    const d = dirs[i]!;
    if (d.mtime) await utimes(join(root, d.name), new Date(d.mtime), new Date(d.mtime));
  }
}

/** A hash of what is at hostPath now (content, type, link targets), or "absent". */
export async function stateHash(hostPath: string): Promise<string> {
  const st = await lstatOrNull(hostPath);
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return `symlink:${await readlink(hostPath)}`;
  if (st.isFile()) return `file:${await hashFile(hostPath)}`;
  if (!st.isDirectory()) return 'other';
  const h = createHash('sha256');
  for (const w of await walk(hostPath)) {
    const host = join(hostPath, w.rel);
    let what = 'other';
    if (w.kind === 'd') what = 'd';
    else if (w.kind === 'l') what = `l:${await readlink(host)}`;
    else if (w.kind === 'f') what = `f:${await hashFile(host)}`;
    h.update(`${w.rel}\0${what}\n`);
  }
  return `directory:${h.digest('hex')}`;
}
