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
    const { create } = await import('tar');
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
      await create({
        file: req.file,
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
      }, paths);
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
