/**
 * The backup store: `<store>/<pluginId>/<UTC timestamp>-<short id>/`, mode 0700, on the
 * target's own disk by default so a backup survives the reboot a repair needs. Never falls
 * back to the live system's RAM: a read-only or full store is an error asking for another.
 */
import { boundHeapGrowth } from '../../core/memory.js';
import { mkdir, chmod, readdir, rename, rm, access, stat, lstat, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FirstaidError } from '../../core/errors.js';
import { fsyncDir } from '../../core/atomic-write.js';
import { freeBytes } from '../../core/free-space.js';
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import type { TargetRoot } from '../../core/target-root.js';
import type { BackupOptions, BackupSpace, BackupStore, CloseOptions, SpaceSummary } from './types.js';
import { isPluginId, newSpaceId, parseSpaceId } from './ids.js';
import { MANIFEST_VERSION, ManifestError, manifestTotals, readManifest, writeManifest, type Manifest } from './manifest.js';
import { LOCK_DIR, StoreLock } from './lock.js';
import { SerialQueue } from './pool.js';
import { Space, type SpaceHost } from './space.js';

export const DEFAULT_STORE_PATH = '/var/lib/firstaid/backups';

/** One queue per store directory in this process: concurrent calls are serialized. */
const queues = new Map<string, SerialQueue>();

export async function defaultStoreDir(target: TargetRoot): Promise<string> {
  return target.resolve(DEFAULT_STORE_PATH);
}

function askForStore(message: string): FirstaidError {
  return new FirstaidError('store-unusable', message, 'Choose another place for the backups with --backup-store DIR (a writable disk, not the live system\'s RAM).');
}

async function nearestExisting(dir: string): Promise<string> {
  let d = dir;
  for (;;) {
    try {
      await stat(d);
      return d;
    } catch {
      const up = dirname(d);
      if (up === d) return d;
      d = up;
    }
  }
}

export async function checkStoreUsable(dir: string, needBytes: number): Promise<void> {
  const base = await nearestExisting(dir);
  try {
    await access(base, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') throw askForStore(`The backup store ${dir} is on a read-only filesystem.`);
    throw askForStore(`The backup store ${dir} cannot be written (${code ?? 'error'}).`);
  }
  const free = await freeBytes(base);
  if (free < needBytes) {
    throw askForStore(`The backup store ${dir} has ${free} bytes free; the backup needs ${needBytes}.`);
  }
}

/** Stands in for the lock of a read-only store: every commit point refuses. */
function readOnlyLock(dir: string): StoreLock {
  const lock = new StoreLock(dir);
  lock.assertOwned = async () => {
    throw new FirstaidError('store-read-only', `The backup store ${dir} was opened read-only; nothing can be written to it.`, 'Make the target writable (a fix or delete does that), or use --backup-store DIR.');
  };
  return lock;
}

class Store implements BackupStore {
  private readonly queue: SerialQueue;
  private readonly lock: StoreLock;
  private readonly open = new Map<string, Space>();
  /** Whether spaces opened by id are persistent: closeBackup need not read a manifest of MBs again. */
  private readonly persistence = new Map<string, boolean>();
  private readonly host: SpaceHost;

  constructor(
    readonly dir: string,
    private readonly runner: Runner,
    private readonly log: SessionLog,
    /** Opened for reading only (listing, verify on a read-only mount): no lock file, no writes. */
    readonly readOnly = false,
  ) {
    let q = queues.get(dir);
    if (!q) queues.set(dir, (q = new SerialQueue()));
    this.queue = q;
    this.lock = new StoreLock(dir);
    this.host = {
      runner,
      log,
      readOnly,
      exclusive: (fn) => this.exclusive(fn),
      removeSpaceDir: (id) => this.deleteSpace(id),
    };
  }

  exclusive<T>(fn: (lock: StoreLock) => Promise<T>): Promise<T> {
    if (this.readOnly) return this.queue.run(() => fn(readOnlyLock(this.dir)));
    return this.queue.run(async () => {
      await this.lock.acquire();
      try {
        return await fn(this.lock);
      } finally {
        await this.lock.releaseLock();
      }
    });
  }

  private spaceDir(id: string): string {
    const p = parseSpaceId(id);
    if (!p) throw new FirstaidError('bad-backup-id', `"${id}" is not a backup id.`, 'Give an id like grub/20261122T205400Z-ab12cd (firstaid backups list).', 2);
    return join(this.dir, p.pluginId, `${p.stamp}-${p.shortId}`);
  }

  async getBackup(pluginId: string, target: TargetRoot, opts: BackupOptions): Promise<BackupSpace> {
    if (this.readOnly) await readOnlyLock(this.dir).assertOwned();
    if (!isPluginId(pluginId)) throw new FirstaidError('bad-plugin-id', `"${pluginId}" cannot name a backup.`, 'Plugin ids are letters, digits, ".", "_" and "-".', 2);
    return this.exclusive(async (lock) => {
      for (;;) {
        const id = newSpaceId(pluginId);
        const dir = this.spaceDir(id);
        await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
        try {
          await mkdir(dir, { mode: 0o700 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw e;
        }
        const m: Manifest = {
          version: MANIFEST_VERSION,
          id,
          pluginId,
          created: new Date().toISOString(),
          description: opts.description ?? '',
          persistent: opts.persistent,
          state: 'in-progress',
          committedAt: null,
          verified: null,
          fix: null,
          reverted: null,
          objects: [],
        };
        await lock.assertOwned();
        await writeManifest(dir, m);
        await fsyncDir(dirname(dir));
        const space = new Space(id, dir, target, this.host, m);
        this.open.set(id, space);
        this.log.info(`backup space ${id} created in ${dir}${opts.persistent ? '' : ' (non-persistent)'}`);
        return space;
      }
    });
  }

  async openSpace(id: string, target: TargetRoot): Promise<BackupSpace> {
    const dir = this.spaceDir(id);
    try {
      if (!(await lstat(dir)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new FirstaidError('no-such-backup', `There is no backup ${id} in ${this.dir}.`, 'See the backups there with: firstaid backups list', 1);
    }
    const p = parseSpaceId(id)!;
    const blank: Manifest = {
      version: MANIFEST_VERSION, id, pluginId: p.pluginId, created: p.created.toISOString(), description: '', persistent: true,
      state: 'in-progress', committedAt: null, verified: null, fix: null, reverted: null, objects: [],
    };
    try {
      const m = await readManifest(dir, id);
      if (!m) return Space.corrupt(id, dir, target, this.host, blank, 'the manifest is missing (the space is incomplete)');
      this.persistence.set(id, m.persistent);
      return new Space(id, dir, target, this.host, m);
    } catch (e) {
      if (e instanceof ManifestError) return Space.corrupt(id, dir, target, this.host, blank, e.message);
      throw e;
    }
  }

  async closeBackup(id: string, opts: CloseOptions = {}): Promise<void> {
    const space = this.open.get(id);
    this.open.delete(id);
    let persistent = space?.persistent ?? this.persistence.get(id);
    this.persistence.delete(id);
    if (persistent === undefined) {
      try {
        persistent = (await readManifest(this.spaceDir(id), id))?.persistent ?? true;
      } catch {
        persistent = true; // unreadable: keep it for a person to look at
      }
    }
    if (persistent) return;
    if (opts.failed) {
      this.log.warn(`the run did not end well: non-persistent backup ${id} is kept in ${this.spaceDir(id)}`);
      return;
    }
    await this.deleteSpace(id);
  }

  async summary(id: string): Promise<SpaceSummary> {
    const dir = this.spaceDir(id);
    const p = parseSpaceId(id)!;
    const base: SpaceSummary = {
      id, pluginId: p.pluginId, dir, created: p.created.toISOString(), description: '', objectCount: 0, size: 0,
      state: 'incomplete', fixRecorded: false, reverted: false,
    };
    let m: Manifest | undefined;
    try {
      m = await readManifest(dir, id);
    } catch (e) {
      return { ...base, state: 'corrupt', problem: (e as Error).message };
    }
    if (!m) return { ...base, problem: 'no manifest: the backup was interrupted' };
    const t = manifestTotals(m);
    const s: SpaceSummary = {
      ...base, created: m.created, description: m.description, objectCount: t.objects, size: t.size,
      fixRecorded: m.fix !== null, reverted: m.reverted !== null, persistent: m.persistent,
    };
    if (m.state !== 'complete') return { ...s, state: 'incomplete', problem: 'never committed: the backup was interrupted' };
    if (m.verified && !m.verified.ok) return { ...s, state: 'corrupt', problem: m.verified.problems.join('; ') };
    return { ...s, state: m.verified?.ok ? 'verified' : 'complete' };
  }

  async list(): Promise<SpaceSummary[]> {
    const out: SpaceSummary[] = [];
    let plugins: string[];
    try {
      plugins = (await readdir(this.dir)).filter((n) => n !== LOCK_DIR && !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    for (const plugin of plugins) {
      let names: string[];
      try {
        names = await readdir(join(this.dir, plugin));
      } catch {
        continue;
      }
      const ids = names.map((n) => `${plugin}/${n}`).filter((id) => parseSpaceId(id));
      const sums = await Promise.all(ids.map((id) => this.summary(id)));
      sums.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1));
      out.push(...sums);
    }
    return out;
  }

  async deleteSpace(id: string): Promise<void> {
    const dir = this.spaceDir(id);
    if (this.readOnly) await readOnlyLock(this.dir).assertOwned();
    await this.exclusive(async (lock) => {
      try {
        await lstat(dir);
      } catch {
        throw new FirstaidError('no-such-backup', `There is no backup ${id} in ${this.dir}.`, 'See the backups there with: firstaid backups list');
      }
      await lock.assertOwned();
      // Renamed first (atomic), so a half-deleted space is never listed as a backup.
      const aside = join(this.dir, `.deleting-${randomBytes(4).toString('hex')}`);
      await rename(dir, aside);
      await fsyncDir(dirname(dir));
      await rm(aside, { recursive: true, force: true });
      // Leftovers of deletes or lock takeovers a crash interrupted (we hold the lock: none is live).
      for (const n of await readdir(this.dir)) {
        if (n.startsWith('.deleting-') || n.startsWith(`${LOCK_DIR}.stale-`)) await rm(join(this.dir, n), { recursive: true, force: true });
      }
      this.open.delete(id);
      this.persistence.delete(id);
      this.log.info(`backup space ${id} deleted`);
    });
  }
}

export async function openBackupStore(dir: string, deps: { runner: Runner; log: SessionLog }): Promise<BackupStore> {
  boundHeapGrowth(); // backups of big trees: bounded memory (core/memory.ts)
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') throw askForStore(`The backup store ${dir} is on a read-only filesystem.`);
    await checkStoreUsable(dir, 0); // says "read-only" when mkdir -p only said ENOENT
    if (code === 'ENOSPC') throw askForStore(`The backup store ${dir} cannot be created: no space left.`);
    throw askForStore(`The backup store ${dir} cannot be created (${code ?? (e as Error).message}).`);
  }
  return new Store(await realpath(dir), deps.runner, deps.log);
}

/** Opens a store for reading only (listing, verify): never creates or chmods it. */
export async function openBackupStoreReadOnly(dir: string, deps: { runner: Runner; log: SessionLog }): Promise<BackupStore> {
  boundHeapGrowth();
  let real = dir;
  try {
    real = await realpath(dir);
  } catch {
    // A store that does not exist yet lists as empty.
  }
  return new Store(real, deps.runner, deps.log, true);
}
