/**
 * The internal provider: node-tar, in-process. tar and tar.gz only, no levels, no xattrs, ACLs,
 * SELinux labels or sparse files (a sparse file is stored in full), and FIFOs and device nodes
 * are left out; `features` says so and the service refuses what is missing. Sockets are
 * filtered out before node-tar sees them: a directory holding one makes its create hang.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import type { ArchiveType, ArchiverProvider, CreateRequest, CreateResult, Feature } from './types.js';
import { createWriteStream } from 'node:fs';

const KIND: Record<string, string> = { File: '-', OldFile: '-', ContiguousFile: '-', Directory: 'd', SymbolicLink: 'l', Link: 'h' };

export class InternalProvider implements ArchiverProvider {
  readonly name = 'internal' as const;
  readonly types: readonly ArchiveType[] = ['tar', 'tar.gz'];

  features(type: ArchiveType): ReadonlySet<Feature> {
    return new Set<Feature>(type === 'tar.gz' ? ['hard-links', 'compression-strength'] : ['hard-links']);
  }

  async create(req: CreateRequest): Promise<CreateResult> {
    if (!this.types.includes(req.def.type)) {
      throw new FirstaidError('archive-unsupported', `The internal provider cannot make ${req.def.type} archives.`, 'Use --provider external (GNU tar), or --type tar or tar.gz.');
    }
    if (req.snapshot) throw new FirstaidError('archive-unsupported', 'The internal provider cannot make incremental levels.', 'Use --provider external (GNU tar) for levels.');
    const exclude = (req.def.exclude ?? []).map((p) => p.replace(/^\.?\/+/, '').replace(/\/+$/, ''));
    let changed = false;
    const rel = (p: string) => p.replace(/^\.\//, '');
    const include = req.def.include?.length ? [...req.def.include] : ['.'];
    // Our own walk decides what node-tar sees: given a directory holding a socket, its create
    // never settles, so it is handed only files, directories and symlinks, one by one.
    const paths: string[] = [];
    const visit = async (r: string): Promise<void> => {
      const clean = rel(r) || '.';
      if (exclude.some((e) => clean === e || clean.startsWith(e + '/'))) return;
      let st: Stats;
      try {
        st = await lstat(join(req.def.root, r));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        req.onError({ operation: 'stat', kind: code === 'EACCES' ? 'permission-denied' : 'unknown-os-error', path: clean, message: `${clean}: cannot stat (${code})` });
        return;
      }
      if (st.isSocket()) {
        req.onError({ operation: 'open', kind: 'socket-ignored', path: clean, message: `${clean}: socket ignored` });
        return;
      }
      if (!st.isFile() && !st.isDirectory() && !st.isSymbolicLink()) {
        req.onError({ operation: 'open', kind: 'unknown-type-ignored', path: clean, message: `${clean}: not a file, directory or symlink; ignored (internal provider)` });
        return;
      }
      paths.push(r);
      if (!st.isDirectory()) return;
      let names: string[];
      try {
        names = (await readdir(join(req.def.root, r))).sort();
      } catch (e) {
        req.onError({ operation: 'open', kind: 'permission-denied', path: clean, message: `${clean}: cannot list (${(e as NodeJS.ErrnoException).code})` });
        return;
      }
      // './' first: node-tar reads a name starting with '@' as an archive to append.
      for (const n of names) await visit(r === '.' ? `./${n}` : `${r}/${n}`);
    };
    for (const i of include) {
      const c = i.replace(/^\.?\/+/, '').replace(/\/+$/, '');
      await visit(c === '' || c === '.' ? '.' : `./${c}`);
    }
    try {
      await packPaths(req, paths, {
        cwd: req.def.root,
        portable: false,
        follow: false,
        ...(req.def.type === 'tar.gz' ? { gzip: req.strength === undefined ? true : { level: req.strength } } : {}),
        noDirRecurse: true,
        // 1 MB reads, not node-tar's 16 MB: a chunk in flight is a fresh buffer each time.
        maxReadSize: 1 << 20,
        // One entry at a time: with the default 4 jobs, create never settled on an 8-entry list here.
        jobs: 1,
        onWriteEntry: (e) => {
          const kind = KIND[e.type ?? ''] ?? '?';
          req.onMember({ path: rel(e.path).replace(/\/$/, '') || '.', kind, size: kind === '-' ? (e.stat?.size ?? 0) : 0 });
        },
        onwarn: (code, message, data) => {
          const path = typeof (data as { path?: unknown }).path === 'string' ? rel((data as { path: string }).path) : undefined;
          const kind = /EACCES|EPERM/.test(code + message) ? 'permission-denied' : /changed|size|shrank/i.test(message) ? 'file-changed' : 'unknown-error';
          if (kind === 'file-changed') changed = true;
          req.onError({ operation: kind === 'file-changed' ? 'read' : 'unknown', kind, ...(path ? { path } : {}), message: `${code}: ${message}` });
        },
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOSPC') throw new FirstaidError('no-space', `No space left while writing the archive ${req.file}.`, 'Free space there, or archive to another place.');
      if (e.code === 'ENOENT' || e.code === 'EACCES') {
        throw new FirstaidError('archive-failed', `node-tar could not read ${e.path ?? 'a file'} (${e.code}).`, 'Check the source path, or use --provider external.');
      }
      // A file that grew while read: node-tar fails the entry; the archive is not usable.
      throw new FirstaidError('archive-failed', `node-tar could not make the archive: ${e.message}`, 'Use --provider external (GNU tar), which tolerates files changing while read.');
    }
    if (changed) req.onError({ operation: 'finish', kind: 'some-files-changed', message: 'some files changed while they were read' });
    return { someFilesChanged: changed };
  }
}

/**
 * node-tar's create queues every path at once and keeps a stat of each; here they go in a few
 * at a time, as entries are written, and a stat is dropped once its entry has read it.
 */
async function packPaths(req: CreateRequest, paths: readonly string[], opt: PackOptions): Promise<void> {
  const { Pack } = await import('tar');
  const WINDOW = 16;
  let next = 0;
  let entries = 0;
  const statCache = new OneReadMap<string, Stats>();
  const pack = new Pack({
    ...opt, statCache,
    onWriteEntry: (e) => {
      entries++;
      opt.onWriteEntry?.(e);
      queueMicrotask(feed);
    },
  });
  const out = createWriteStream(req.file, { mode: 0o644, highWaterMark: 1 << 20 });
  const done = new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.on('close', resolve);
    pack.on('error', reject);
  });
  pack.pipe(out);
  function feed(): void {
    while (next < paths.length && next - entries < WINDOW) pack.add(paths[next++]!);
    if (next === paths.length && entries >= 0) {
      next++;
      pack.end();
    }
  }
  feed();
  await done;
}

/** A Map whose entries are forgotten once read: node-tar's stat cache, read once per entry. */
type PackOptions = NonNullable<ConstructorParameters<typeof import('tar').Pack>[0]>;

class OneReadMap<K, V> extends Map<K, V> {
  override get(k: K): V | undefined {
    const v = super.get(k);
    if (v !== undefined) super.delete(k);
    return v;
  }
}
