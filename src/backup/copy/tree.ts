/**
 * Capturing files, symlinks and whole directory trees into a space, and putting them back
 * exactly (content, mode, owner, mtime, xattrs). A restored tree is made identical to the
 * recorded one: what was added since is removed (a revert of /boot/grub needs that).
 */
import { lstat, readlink, mkdir, rm, utimes } from 'node:fs/promises';
import { type Dirent, chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, utimesSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { commitStaged, fsyncDir } from '../../core/atomic-write.js';
import { getXattrs, getXattrsTree, setXattrsMany, type Xattrs } from '../../core/xattr.js';
import type { Runner } from '../../core/runner.js';
import type { ManifestObject } from '../spaces/types.js';
import type { BlobStore, PutFileResult } from '../objects/blobs.js';
import { hashFile } from '../objects/hash-file.js';
import { unlinkQuietly } from '../objects/chunk-io.js';
import { breathe } from '../../core/slices.js';
import { shareWork } from './share-work.js';
import { EarlySync } from '../objects/early-sync.js';
import { stageFile, placeSymlinkSync } from './tree-entry.js';
import { copyTasks, endCopyBatch, type CopyContext, type RestoreItem } from './copy-tasks.js';
import type { SessionLog } from '../../core/log.js';

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
  /** Directories and symlinks; a file's metadata comes from the open file when it is read. */
  meta?: { mode: number; uid: number; gid: number; mtimeMs: number };
}

function kindOf(st: Stats | Dirent): Walked['kind'] {
  return st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o';
}

const NO_XATTRS: Xattrs = Object.freeze({}) as Xattrs;

/**
 * Every path below dir, parents before children, names sorted (stable manifests). Synchronous
 * calls in slices (see core/slices.ts); the directory's entry types spare a stat per file.
 */
async function walk(dir: string): Promise<Walked[]> {
  const out: Walked[] = [];
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const host = rel ? join(dir, rel) : dir;
    const dirents = readdirSync(host, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirs: string[] = [];
    for (const d of dirents) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      let kind = kindOf(d);
      let meta: Walked['meta'];
      if (kind !== 'f') {
        // Directories and symlinks need their metadata; an unknown type (no d_type) its stat.
        const st = lstatSync(join(host, d.name));
        kind = kindOf(st);
        meta = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
      }
      out.push({ rel: r, kind, meta });
      if (kind === 'd') dirs.push(r);
      await breathe();
    }
    // Depth-first, but every directory is listed before anything inside it.
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(dirs[i]!);
  }
  return out;
}

/** Fills a file entry from what putFile stored; a packed file's pack gets its index in `packs`. */
function setFileEntry(e: ManifestObject, r: PutFileResult, packs: Map<string, number>): void {
  e.sha256 = r.sha256;
  e.size = r.size;
  e.mode = r.mode;
  e.uid = r.uid;
  e.gid = r.gid;
  e.mtime = new Date(r.mtimeMs).toISOString();
  if (r.pack !== undefined) {
    let index = packs.get(r.pack);
    if (index === undefined) packs.set(r.pack, (index = packs.size));
    e.pack = index;
    e.packOffset = r.offset!;
  }
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
    const { sha256, size } = await blobs.putFile(hostPath);
    obj.sha256 = sha256;
    obj.size = size;
    obj.xattrs = await getXattrs(runner, hostPath);
    return obj;
  }
  if (!st.isDirectory()) throw new UnsupportedFileError(`${origin} is neither a file, a directory nor a symlink`);
  obj.type = 'directory';
  // getfattr walks the tree in its own process while this one copies (two cores, not one).
  const xattrsLater = getXattrsTree(runner, hostPath);
  xattrsLater.catch(() => undefined); // awaited below; not unhandled if the walk fails first
  // The walk's own records are dropped as soon as they are turned into entries (20,000 of each
  // at once made the peak of a big backup).
  const entries: ManifestObject[] = (await walk(hostPath)).map((w) => {
    if (w.kind === 'o') throw new UnsupportedFileError(`${origin}/${w.rel} is a device, FIFO or socket: firstaid does not back those up`);
    return {
      name: w.rel,
      type: w.kind === 'd' ? 'directory' : w.kind === 'l' ? 'symlink' : 'file',
      origin: null,
      size: 0,
      sha256: null,
      mode: w.meta?.mode ?? null,
      uid: w.meta?.uid ?? null,
      gid: w.meta?.gid ?? null,
      mtime: w.meta ? new Date(w.meta.mtimeMs).toISOString() : null,
      symlinkTarget: null,
      xattrs: NO_XATTRS,
      range: null,
    };
  });
  // Files on this thread and a helper (a big tree); 1 MB and more stream beside the loop.
  // The objects are synced once, by the commit's flush().
  const files: number[] = [];
  entries.forEach((e, i) => {
    if (e.type === 'file') files.push(i);
    else if (e.type === 'symlink') e.symlinkTarget = readlinkSync(join(hostPath, e.name));
  });
  const ctx: CopyContext = { spaceDir: blobs.spaceDir, root: hostPath, deferred: blobs.deferSync() };
  const packs = new Map<string, number>();
  const stats = { helperItems: 0 };
  await shareWork('put', ctx, files.map((i) => entries[i]!.name), (rel) => copyTasks.put(blobs, ctx, rel), {
    note: (m) => runner.log.message('warn', m),
    stats,
    // Each result goes into its entry as it comes (kept all at once, they weighed 5-11 MB).
    onResult: (k, r) => {
      const put = r as PutFileResult;
      setFileEntry(entries[files[k]!]!, put, packs);
      blobs.wrote(put.size);
    },
    keep: false,
    endBatch: (ok) => endCopyBatch.put(blobs, ok),
  });
  // Which thread did the work shows in the log (the single executable's helper is embedded).
  runner.log.message('debug', `${origin}: ${files.length} files, ${stats.helperItems} of them on the helper thread`);
  if (packs.size > 0) obj.packs = [...packs.keys()];
  const xattrs = await xattrsLater;
  obj.xattrs = xattrs.get(hostPath) ?? {};
  for (const e of entries) e.xattrs = xattrs.get(join(hostPath, e.name)) ?? NO_XATTRS;
  obj.entries = entries;
  return obj;
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes one file object at hostPath atomically and durably (xattrs set separately). */
async function placeFile(blobs: BlobStore, o: ManifestObject, hostPath: string): Promise<void> {
  const tmp = stageFile(blobs, o, hostPath);
  try {
    const old = await lstatOrNull(hostPath);
    if (old?.isDirectory()) await rm(hostPath, { recursive: true, force: true });
  } catch (e) {
    unlinkQuietly(tmp);
    throw e;
  }
  await commitStaged(tmp, hostPath, 'now');
}

/** A symlink object at hostPath (over a file or symlink; a directory there is removed first). */
async function placeSymlink(o: ManifestObject, hostPath: string): Promise<void> {
  const old = await lstatOrNull(hostPath);
  if (old?.isDirectory()) await rm(hostPath, { recursive: true, force: true });
  placeSymlinkSync(o, hostPath);
}

function setDirMeta(o: ManifestObject, hostPath: string): void {
  if (o.uid !== null && o.gid !== null) chownSync(hostPath, o.uid, o.gid);
  if (o.mode !== null) chmodSync(hostPath, o.mode);
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
    // The tree's files are not fsynced one by one: syncfs of the target's filesystem, in the
    // background as they are written and once at the end.
    const early = new EarlySync(() => syncfs(hostPath));
    try {
      await restoreTree(blobs, o, hostPath, xattrs, runner.log, early);
    } finally {
      await early.settle();
    }
    await syncfs(hostPath);
  } else {
    throw new Error(`object "${o.name}" is a ${o.type}, not a path`);
  }
  if (Object.keys(o.xattrs).length > 0) xattrs.set(hostPath, o.xattrs);
  await setXattrsMany(runner, xattrs);
  if (o.type === 'directory' && o.mtime) await utimes(hostPath, new Date(o.mtime), new Date(o.mtime));
  await fsyncDir(dirname(hostPath));
}

async function restoreTree(blobs: BlobStore, o: ManifestObject, root: string, xattrs: Map<string, Xattrs>, log: SessionLog, early: EarlySync): Promise<void> {
  const entries = o.entries ?? [];
  const st = await lstatOrNull(root);
  if (st && !st.isDirectory()) await rm(root, { force: true });
  if (!st || !st.isDirectory()) await mkdir(root, { mode: 0o700 });
  // Remove what was not there (or is of another type) before writing anything.
  const present = new Set<string>();
  if (st?.isDirectory()) {
    // Only when something is there to compare (a map of 20,000 names costs MBs).
    const want = new Map<string, ManifestObject>();
    for (const e of entries) want.set(e.name, e);
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
    if (!present.has(d.name)) mkdirSync(join(root, d.name), { mode: 0o700 });
    await breathe();
  }
  // Files and symlinks, their directories made: on this thread and a helper (a big tree).
  const items: RestoreItem[] = [];
  for (const e of entries) {
    if (e.type === 'directory') continue;
    const item: RestoreItem = { entry: e, present: present.has(e.name) };
    if (e.pack !== undefined) item.pack = o.packs![e.pack]!;
    items.push(item);
  }
  const ctx: CopyContext = { spaceDir: blobs.spaceDir, root, deferred: false };
  await shareWork('restore', ctx, items, (r) => copyTasks.restore(blobs, ctx, r), {
    note: (m) => log.message('warn', m),
    endBatch: (ok) => endCopyBatch.restore(blobs, ok),
    onResult: (i) => early.wrote(items[i]!.entry.size),
    keep: false,
  });
  for (const e of entries) if (Object.keys(e.xattrs).length > 0) xattrs.set(join(root, e.name), e.xattrs);
  // Directories last, deepest first: writing inside a directory changes its mtime.
  // (setfattr does not change mtimes, so the xattrs set after this do not undo it.)
  setDirMeta(o, root);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const d = dirs[i]!;
    const p = join(root, d.name);
    setDirMeta(d, p);
    if (d.mtime) utimesSync(p, new Date(d.mtime), new Date(d.mtime));
    await breathe();
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
