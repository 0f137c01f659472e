/**
 * The internal provider: in-process, no GNU tar (node-tar's header encoding, our own walk and
 * writer: tar-writer.ts). tar and tar.gz only, no levels, no xattrs, ACLs, SELinux labels or
 * sparse files (a sparse file is stored in full), and FIFOs, device nodes and sockets are left
 * out with an event; `features` says so and the service refuses what is missing.
 */
import type { Stats } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import type { ArchiveType, ArchiverProvider, CreateRequest, CreateResult, Feature } from './types.js';
import { TarWriter, type TarEntry } from './tar-writer.js';

const BATCH = 32;
/** Files up to this size are read ahead, into one of a few reused buffers. */
const SLOT = 64 * 1024;

class SlotPool {
  private free: Buffer[] = [];
  private made = 0;
  take(): Buffer | undefined {
    const b = this.free.pop();
    if (b) return b;
    if (this.made >= 2 * BATCH) return undefined;
    this.made++;
    return Buffer.allocUnsafe(SLOT + 1);
  }
  give(b: Buffer): void { this.free.push(b); }
}

/** A small file read ahead: its bytes (a view of the slot), or the error opening it. */
type Prefetched = { slot?: Buffer; data?: Buffer; changed?: boolean } | Error;

async function prefetch(path: string, st: Stats, slots: SlotPool): Promise<Prefetched> {
  const slot = slots.take();
  if (!slot) return {};
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    slots.give(slot);
    return e as Error;
  }
  try {
    // One byte more than its size: a file that grew is seen.
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(slot, n, slot.length - n, n);
      if (bytesRead === 0 || n + bytesRead >= slot.length) { n += bytesRead; break; }
      n += bytesRead;
    }
    const after = await fh.stat();
    return { slot, data: slot.subarray(0, Math.min(n, st.size)), changed: n > st.size || after.size !== st.size || after.mtimeMs !== st.mtimeMs };
  } catch (e) {
    return { slot };
  } finally {
    await fh.close();
  }
}

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
    const include = req.def.include?.length ? [...req.def.include] : ['.'];
    const w = await TarWriter.create(req.file, req.def.type === 'tar.gz' ? (req.strength === undefined ? {} : { level: req.strength }) : null);
    // dev:ino of files with more than one link -> the name they were first stored under.
    const links = new Map<string, string>();
    let changed = false;
    const changedWhileRead = (clean: string, why: string) => {
      changed = true;
      req.onError({ operation: 'read', kind: 'file-changed', path: clean, message: `${clean}: ${why}` });
    };

    const slots = new SlotPool();
    const excluded = (clean: string) => exclude.some((e) => clean === e || clean.startsWith(e + '/'));
    const cleanOf = (r: string) => (r === '.' ? '.' : r.slice(2));
    const visit = async (r: string, known?: Stats | Error, pre?: Prefetched): Promise<void> => {
      const clean = cleanOf(r);
      if (excluded(clean)) return;
      const abs = join(req.def.root, r);
      const st = known ?? await lstat(abs).catch((e: Error) => e);
      if (st instanceof Error) {
        const code = (st as NodeJS.ErrnoException).code;
        req.onError({ operation: 'stat', kind: code === 'EACCES' ? 'permission-denied' : 'unknown-os-error', path: clean, message: `${clean}: cannot stat (${code})` });
        return;
      }
      const name = r === '.' ? './' : r;
      if (st.isSocket()) {
        req.onError({ operation: 'open', kind: 'socket-ignored', path: clean, message: `${clean}: socket ignored` });
      } else if (st.isDirectory()) {
        let names: string[];
        try {
          names = (await readdir(abs)).sort();
        } catch (e) {
          req.onError({ operation: 'open', kind: 'permission-denied', path: clean, message: `${clean}: cannot list (${(e as NodeJS.ErrnoException).code})` });
          return;
        }
        await w.header({ name: name + (name.endsWith('/') ? '' : '/'), st, type: 'Directory' }, 0);
        req.onMember({ path: clean, kind: 'd', size: 0 });
        // A batch of children at a time: their stats, and the small files' bytes, are fetched
        // side by side (one at a time, the round trips to the thread pool were most of the time).
        for (let i = 0; i < names.length; i += BATCH) {
          const kids = names.slice(i, i + BATCH).map((n) => (r === '.' ? `./${n}` : `${r}/${n}`)).filter((k) => !excluded(cleanOf(k)));
          const stats = await Promise.all(kids.map((k) => lstat(join(req.def.root, k)).catch((e: Error) => e)));
          const pres = await Promise.all(kids.map((k, j) => {
            const s2 = stats[j]!;
            if (s2 instanceof Error || !s2.isFile() || s2.size > SLOT || (s2.nlink > 1 && links.has(`${s2.dev}:${s2.ino}`))) return undefined;
            return prefetch(join(req.def.root, k), s2, slots);
          }));
          for (let j = 0; j < kids.length; j++) {
            try {
              await visit(kids[j]!, stats[j]!, pres[j]);
            } finally {
              const p = pres[j];
              if (p && !(p instanceof Error) && p.slot) slots.give(p.slot);
            }
          }
        }
      } else if (st.isSymbolicLink()) {
        await w.header({ name, st, type: 'SymbolicLink', linkpath: await readlink(abs) }, 0);
        req.onMember({ path: clean, kind: 'l', size: 0 });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? links.get(key) : undefined;
        if (first !== undefined) {
          await w.header({ name, st, type: 'Link', linkpath: first }, 0);
          req.onMember({ path: clean, kind: 'h', size: 0 });
          return;
        }
        const entry: TarEntry = { name, st, type: 'File' };
        let missing: number;
        let moved = false; // size or mtime changed while it was read
        if (pre && !(pre instanceof Error) && pre.data) {
          missing = await w.fileData(entry, pre.data);
          moved = pre.changed === true;
        } else {
          let fh: FileHandle;
          try {
            if (pre instanceof Error) throw pre;
            fh = await open(abs, 'r');
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new FirstaidError('archive-failed', `Could not read ${clean} (${code}): the archive was not made.`, 'Check the permissions there, or use --provider external (GNU tar).');
          }
          try {
            missing = await w.file(entry, fh);
            const after = await fh.stat();
            moved = after.size !== st.size || after.mtimeMs !== st.mtimeMs;
          } finally {
            await fh.close();
          }
        }
        if (missing > 0) changedWhileRead(clean, `file shrank by ${missing} bytes while read; padded with zeros`);
        else if (moved) changedWhileRead(clean, 'file changed as we read it');
        if (st.nlink > 1) links.set(key, name);
        req.onMember({ path: clean, kind: '-', size: st.size });
      } else {
        req.onError({ operation: 'open', kind: 'unknown-type-ignored', path: clean, message: `${clean}: not a file, directory or symlink; ignored (internal provider)` });
      }
    };

    try {
      for (const i of include) {
        const c = i.replace(/^\.?\/+/, '').replace(/\/+$/, '');
        await visit(c === '' || c === '.' ? '.' : `./${c}`);
      }
      await w.end();
    } catch (err) {
      await w.abort();
      if (err instanceof FirstaidError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOSPC') throw new FirstaidError('no-space', `No space left while writing the archive ${req.file}.`, 'Free space there, or archive to another place.');
      throw new FirstaidError('archive-failed', `The internal provider could not make the archive: ${e.message}`, 'Use --provider external (GNU tar).');
    }
    if (changed) req.onError({ operation: 'finish', kind: 'some-files-changed', message: 'some files changed while they were read' });
    return { someFilesChanged: changed };
  }
}
