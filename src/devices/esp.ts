/**
 * The EFI system partition's files, with or without a kernel vfat driver. 'kernel': the ESP is
 * mounted (read-only unless writable) in a private directory under runtimeDir() and reached
 * through fs. 'mtools': mdir/mcopy/mtype/mdel/mmd/mdeltree work on the partition device
 * directly (this machine's kernel has no vfat). FIRSTAID_ESP_METHOD=kernel|mtools forces one.
 * fusefat is never used on a real ESP: it writes broken 8.3 names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat, writeFile as fsWriteFile, cp } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Runner, RunOptions } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown } from '../core/teardown.js';
import { FirstaidError } from '../core/errors.js';
import { runtimeDir } from '../core/paths.js';
import type { EspAccess, PartitionRef } from './types.js';
import { unmount } from './mounts.js';

type Opts = { runner: Runner; log: SessionLog; teardown: Teardown; partition: PartitionRef; writable: boolean };

/** ESP-relative path, normalised: "/EFI/BOOT"; never escapes the ESP. */
export function espPath(p: string): string {
  const n = posix.normalize(`/${p}`).replace(/\/+$/, '');
  return n === '' ? '/' : n;
}

async function kernelHasVfat(runner: Runner): Promise<boolean> {
  const has = (): boolean => {
    try {
      return /\bvfat\b/.test(readFileSync('/proc/filesystems', 'utf8'));
    } catch {
      return false;
    }
  };
  if (has()) return true;
  if (!(await runner.has('modprobe'))) return false;
  const r = await runner.run('modprobe', ['-q', 'vfat'], { readOnly: true, allowFailure: true });
  return r.exitCode === 0 && has();
}

export async function chooseEspMethod(runner: Runner): Promise<'kernel' | 'mtools'> {
  const forced = process.env.FIRSTAID_ESP_METHOD;
  if (forced === 'kernel' || forced === 'mtools') return forced;
  return (await kernelHasVfat(runner)) ? 'kernel' : 'mtools';
}

function readOnlyError(device: string): FirstaidError {
  return new FirstaidError('esp-read-only', `The ESP ${device} was opened read-only.`, 'This is a bug in firstaid; the session log has the details.');
}

export async function openEsp(o: Opts): Promise<EspAccess> {
  if (o.partition.fstype && o.partition.fstype !== 'vfat') {
    throw new FirstaidError('esp-not-fat', `The EFI system partition ${o.partition.device} holds ${o.partition.fstype}, not a FAT filesystem.`, 'Reformat it as FAT32 (mkfs.vfat -F 32) and reinstall the boot loader, or pick the right partition.');
  }
  const method = await chooseEspMethod(o.runner);
  return method === 'kernel' ? openKernel(o) : openMtools(o);
}

async function openKernel(o: Opts): Promise<EspAccess> {
  const { runner, partition, writable } = o;
  const dir = await mkdtemp(join(runtimeDir(), 'esp-'));
  try {
    // -w: no fallback. Asked for read-write while the ESP is mounted read-only elsewhere, mount
    // would mount it read-only with a warning, and the fix's first write fail with ENOENT
    // (found in the rescue CD's guest).
    await runner.run('mount', ['-t', 'vfat', ...(writable ? ['-w'] : []), '-o', writable ? 'rw,nosuid,nodev' : 'ro,nosuid,nodev', partition.device, dir], { readOnly: !writable });
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    throw err;
  }
  o.teardown.push(`unmount ESP ${partition.device}`, async () => {
    await unmount(o, dir);
    await rmdir(dir).catch(() => undefined);
  });
  const host = (p: string): string => join(dir, espPath(p));
  const guard = (): void => { if (!writable) throw readOnlyError(partition.device); };
  const walk = async (d: string, rel: string, out: string[]): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = posix.join(rel, e.name);
      if (e.isDirectory()) await walk(join(d, e.name), r, out);
      else out.push(r);
    }
  };
  return {
    method: 'kernel',
    device: partition.device,
    async listFiles(d = '/') {
      const out: string[] = [];
      if (existsSync(host(d))) await walk(host(d), espPath(d), out);
      return out.sort();
    },
    async exists(p) { return existsSync(host(p)); },
    async readFile(p) { return readFile(host(p)); },
    async writeFile(p, data) { guard(); await mkdir(dirname(host(p)), { recursive: true }); await fsWriteFile(host(p), data); },
    async remove(p) { guard(); await rm(host(p), { recursive: true, force: true }); },
    async mkdirp(p) { guard(); await mkdir(host(p), { recursive: true }); },
    async copyTreeIn(hostDir, espDir) {
      guard();
      await mkdir(host(espDir), { recursive: true });
      await cp(hostDir, host(espDir), { recursive: true, force: true });
    },
  };
}

async function openMtools(o: Opts): Promise<EspAccess> {
  const { runner, partition, writable } = o;
  const dev = partition.device;
  const env = { MTOOLS_SKIP_CHECK: '1', MTOOLS_NO_VFAT: '1' };
  const m = (cmd: string, args: string[], opts: RunOptions = {}) => runner.run(cmd, ['-i', dev, ...args], { env, ...opts });
  const guard = (): void => { if (!writable) throw readOnlyError(dev); };
  // Probe once: a clear message when the partition is not readable FAT.
  const probe = await m('mdir', ['-b', '::/'], { readOnly: true, allowFailure: true });
  if (probe.exitCode !== 0) {
    throw new FirstaidError('esp-unreadable', `The EFI system partition ${dev} cannot be read as FAT: ${probe.stderr.trim().split('\n').filter((l) => !/geometry/.test(l)).slice(-1)[0] ?? ''}`,
      'Check the partition (fsck.vfat -n); if it was reformatted, reinstall the boot loader onto it.');
  }
  const exists = async (p: string): Promise<boolean> => {
    if (espPath(p) === '/') return true;
    return (await m('mdir', ['-b', `::${espPath(p)}`], { readOnly: true, allowFailure: true })).exitCode === 0;
  };
  const isDir = async (p: string): Promise<boolean> => {
    const r = await m('mdir', ['-/', '-b', `::${posix.dirname(espPath(p))}`], { readOnly: true, allowFailure: true });
    return r.stdout.split('\n').some((l) => l.trim().toLowerCase() === `::${espPath(p)}/`.toLowerCase());
  };
  const mkdirp = async (p: string): Promise<void> => {
    guard();
    let cur = '';
    for (const part of espPath(p).split('/').filter(Boolean)) {
      cur += `/${part}`;
      if (!(await exists(cur))) await m('mmd', [`::${cur}`]);
    }
  };
  const scratch = async (): Promise<string> => mkdtemp(join(runtimeDir(), 'esp-io-'));
  return {
    method: 'mtools',
    device: dev,
    async listFiles(d = '/') {
      if (!(await exists(d))) return [];
      const r = await m('mdir', ['-/', '-b', `::${espPath(d)}`], { readOnly: true });
      return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('::') && !l.endsWith('/')).map((l) => espPath(l.slice(2))).sort();
    },
    exists,
    async readFile(p) {
      const r = await m('mtype', [`::${espPath(p)}`], { readOnly: true, binary: true });
      return r.stdoutBuffer ?? Buffer.alloc(0);
    },
    async writeFile(p, data) {
      guard();
      await mkdirp(posix.dirname(espPath(p)));
      const tmp = await scratch();
      try {
        const f = join(tmp, 'data');
        await fsWriteFile(f, data);
        await m('mcopy', ['-o', f, `::${espPath(p)}`]);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
    async remove(p) {
      guard();
      if (!(await exists(p))) return;
      if (await isDir(p)) await m('mdeltree', [`::${espPath(p)}`]);
      else await m('mdel', [`::${espPath(p)}`]);
    },
    mkdirp,
    async copyTreeIn(hostDir, espDir) {
      guard();
      if (!(await stat(hostDir)).isDirectory()) throw new FirstaidError('not-a-directory', `${hostDir} is not a directory.`, 'This is a bug in firstaid; the session log has the details.');
      await mkdirp(espDir);
      const entries = (await readdir(hostDir)).map((e) => join(hostDir, e));
      if (entries.length) await m('mcopy', ['-s', '-o', '-Q', ...entries, `::${espPath(espDir)}/`]);
    },
  };
}
