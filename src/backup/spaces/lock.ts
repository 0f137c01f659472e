/**
 * The store lock: proper-lockfile's lock directory plus an owner record inside it (host, pid,
 * process start time, boot id, random token). proper-lockfile alone decides staleness by mtime
 * only; here a lock whose owner on this host is dead (or whose pid now belongs to another
 * process) is stale at once, and the holder re-checks ownership before every commit point.
 */
import lockfile from 'proper-lockfile';
import { readFile, rename, rm, unlink, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FirstaidError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { pidAlive } from '../../core/process-alive.js';

export const LOCK_DIR = '.lock';
const OWNER_FILE = 'owner.json';
/** A lock directory without an owner record older than this is a crash between mkdir and write. */
const OWNERLESS_GRACE_MS = 3000;
const STALE_MS = 10_000;

export interface LockOwner {
  host: string;
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks after boot), with the boot id: a pid reused later differs. */
  startTicks: number | null;
  bootId: string | null;
  token: string;
  since: string;
}

async function readOr(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function processStartTicks(pid: number): Promise<number | null> {
  const text = await readOr(`/proc/${pid}/stat`);
  if (!text) return null;
  // The command name may contain spaces and ")": fields are counted after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const v = Number(fields[22 - 3]);
  return Number.isFinite(v) ? v : null;
}

export async function bootId(): Promise<string | null> {
  return (await readOr('/proc/sys/kernel/random/boot_id'))?.trim() ?? null;
}

/** True when the owner is certainly gone: same host, and its process is dead or another one. */
export async function ownerIsDead(o: LockOwner): Promise<boolean> {
  if (o.host !== hostname()) return false;
  const boot = await bootId();
  if (o.bootId && boot && o.bootId !== boot) return true;
  if (!pidAlive(o.pid)) return true;
  if (o.startTicks !== null) {
    const now = await processStartTicks(o.pid);
    if (now !== null && now !== o.startTicks) return true;
  }
  return false;
}

function parseOwner(text: string | null): LockOwner | null {
  if (!text) return null;
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string' ? o : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class StoreLock {
  private readonly lockDir: string;
  private release: (() => Promise<void>) | null = null;
  private token: string | null = null;
  private compromised: Error | null = null;

  constructor(readonly storeDir: string) {
    this.lockDir = join(storeDir, LOCK_DIR);
  }

  async currentOwner(): Promise<LockOwner | null> {
    return parseOwner(await readOr(join(this.lockDir, OWNER_FILE)));
  }

  /** Removes the lock when its owner is dead; true when it did. */
  private async breakIfStale(): Promise<boolean> {
    const owner = await this.currentOwner();
    if (!owner) {
      // mkdir happened but the record was never written: stale once it is old enough.
      try {
        const st = await stat(this.lockDir);
        if (Date.now() - st.mtimeMs < OWNERLESS_GRACE_MS) return false;
      } catch {
        return true; // gone already
      }
    } else if (!(await ownerIsDead(owner))) {
      // Another host's owner cannot be checked: only a lock it stopped refreshing is stale.
      if (owner.host === hostname()) return false;
      try {
        if (Date.now() - (await stat(this.lockDir)).mtimeMs < STALE_MS) return false;
      } catch {
        return true;
      }
    }
    // Move it aside atomically, then check we moved the lock we judged (not a fresh one).
    const aside = `${this.lockDir}.stale-${randomBytes(4).toString('hex')}`;
    try {
      await rename(this.lockDir, aside);
    } catch {
      return true;
    }
    const moved = parseOwner(await readOr(join(aside, OWNER_FILE)));
    if (owner && moved && moved.token !== owner.token) {
      // Someone took it over in between: give it back if we can (their commit check catches it otherwise).
      await rename(aside, this.lockDir).catch(() => undefined);
      return false;
    }
    await rm(aside, { recursive: true, force: true });
    return true;
  }

  async acquire(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let wait = 20;
    for (;;) {
      try {
        this.compromised = null;
        this.release = await lockfile.lock(this.storeDir, {
          lockfilePath: this.lockDir,
          realpath: false,
          stale: STALE_MS,
          update: 2_000,
          retries: 0,
          // proper-lockfile calls a lock compromised when it could not refresh the mtime in time
          // (the thread pool busy with fsyncs). The owner record, checked at every commit point,
          // decides; a compromised lock just stops being refreshed.
          onCompromised: (err) => {
            this.compromised = err;
          },
        });
        break;
      } catch (e) {
        // ENOTEMPTY: proper-lockfile judged it stale by mtime but cannot rmdir our owner record.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') throw e;
      }
      if (await this.breakIfStale()) continue;
      if (Date.now() > deadline) {
        const o = await this.currentOwner();
        throw new FirstaidError(
          'store-locked',
          `The backup store ${this.storeDir} is in use${o ? ` by process ${o.pid} on ${o.host} (since ${o.since})` : ''}.`,
          'Wait for the other firstaid run to finish, or choose another store with --backup-store DIR.',
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 250);
    }
    const token = randomBytes(8).toString('hex');
    const owner: LockOwner = {
      host: hostname(),
      pid: process.pid,
      startTicks: await processStartTicks(process.pid),
      bootId: await bootId(),
      token,
      since: new Date().toISOString(),
    };
    // Durable: after a crash the record must name the dead owner, or the lock looks foreign.
    await writeFileAtomic(join(this.lockDir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    this.token = token;
  }

  /** Throws unless this process still holds the lock (call before every commit point). */
  async assertOwned(): Promise<void> {
    const o = await this.currentOwner();
    if (!this.token || !o || o.token !== this.token) {
      throw new FirstaidError(
        'store-lock-lost',
        `This run lost the lock on the backup store ${this.storeDir}${o ? ` to process ${o.pid} on ${o.host}` : ''}; nothing more was written.`,
        'Check that only one firstaid run uses this store, then start the operation again.',
      );
    }
  }

  async releaseLock(): Promise<void> {
    const release = this.release;
    this.release = null;
    if (!release) return;
    const mine = this.token !== null && (await this.currentOwner())?.token === this.token;
    if (mine) await unlink(join(this.lockDir, OWNER_FILE)).catch(() => undefined);
    this.token = null;
    await release().catch(async () => {
      // Released already in proper-lockfile's eyes (compromised): remove what is still ours.
      if (mine && this.compromised) await rm(this.lockDir, { recursive: true, force: true }).catch(() => undefined);
    });
  }
}
