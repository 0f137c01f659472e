/**
 * Private mount points and mounts. Each mount and each private directory registers its undo on
 * the session teardown, so nothing outlives the process (errors, SIGINT, SIGTERM included).
 * Private directories are removed with rmdir only: never a recursive delete that could reach
 * into something still mounted.
 */
import { mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runtimeDir } from '../core/paths.js';
import type { Runner } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown, TeardownHandle } from '../core/teardown.js';

export interface MountDeps {
  runner: Runner;
  log: SessionLog;
  teardown: Teardown;
}

export interface PrivateDir {
  path: string;
  /** Removes the (empty) directory now. */
  release(): Promise<void>;
}

/** A new empty directory under <runtime>/mnt, removed on teardown. */
export async function makePrivateDir(deps: MountDeps, label: string): Promise<PrivateDir> {
  const base = join(runtimeDir(), 'mnt');
  await mkdir(base, { recursive: true, mode: 0o700 });
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40) || 'x';
  const path = await mkdtemp(join(base, `${safe}-`));
  const h = deps.teardown.push(`remove ${path}`, async () => {
    try {
      await rmdir(path);
    } catch (e) {
      deps.log.warn(`could not remove private directory ${path}: ${(e as Error).message}`);
    }
  });
  return { path, release: () => h.release() };
}

/** Read-only mount options that never replay a journal or write to the filesystem. */
export function readOnlyOptions(fstype: string | null): string {
  switch (fstype) {
    case 'ext3':
    case 'ext4':
      return 'ro,noload';
    case 'xfs':
      return 'ro,norecovery';
    default:
      return 'ro';
  }
}

export interface MountHandle {
  device: string;
  dir: string;
  readOnly: boolean;
  /** Unmounts now (and drops the teardown step). */
  release(): Promise<void>;
}

export async function unmount(deps: MountDeps, dir: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const r = await deps.runner.run('umount', [dir], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
    if (r.exitCode === 0) return;
    if (/not mounted|no mount point/i.test(r.stderr)) return;
    await new Promise((res) => setTimeout(res, 200 * (i + 1)));
  }
  // Still busy: detach it from the tree so the private directory and the loop device can go.
  deps.log.warn(`${dir} stayed busy; detaching it lazily`);
  await deps.runner.run('umount', ['-l', dir], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
}

/**
 * Mounts device on dir. Read-only mounts use options that never write (ext4 noload), and run in
 * dry-run mode too (they change nothing); read-write mounts are skipped in dry-run mode.
 */
export async function mountDevice(
  deps: MountDeps,
  device: string,
  dir: string,
  o: { fstype: string | null; readOnly: boolean; options?: string; fuse?: 'fusefat' },
): Promise<MountHandle> {
  const type = o.fstype;
  const opts = o.options ?? (o.readOnly ? readOnlyOptions(o.fstype) : 'rw');
  // fusefat takes the device and the mount point like mount does, with its own -o.
  const [cmd, args] = o.fuse ? [o.fuse, ['-o', opts, device, dir]] : ['mount', [...(type ? ['-t', type] : []), '-o', opts, device, dir]];
  // Registered before mounting, so a signal arriving while mount runs still unmounts it.
  const h: TeardownHandle = deps.teardown.push(`umount ${dir}`, () => unmount(deps, dir));
  try {
    await deps.runner.run(cmd, args, { readOnly: o.readOnly, timeoutMs: 120_000 });
  } catch (e) {
    h.forget();
    throw e;
  }
  return { device, dir, readOnly: o.readOnly, release: () => h.release() };
}
