/**
 * Disk images (--image): validated, attached to a free loop device with a partition scan, and
 * detached by name on teardown. Without udev the partition nodes may not appear by themselves:
 * wait briefly, ask partx, then mknod them from sysfs (and remove the nodes we made).
 */
import { access, constants, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { FirstaidError } from '../core/errors.js';
import type { MountDeps } from './mounts.js';

export async function validateImageFile(file: string, writable: boolean): Promise<void> {
  let st;
  try {
    st = await stat(file);
  } catch {
    throw new FirstaidError('image-missing', `The image file "${file}" does not exist.`, 'Check the path given to --image.', 1);
  }
  if (!st.isFile() && !st.isBlockDevice()) {
    throw new FirstaidError('image-bad', `"${file}" is neither a file nor a block device.`, 'Give --image a disk image file.', 1);
  }
  try {
    await access(file, writable ? constants.R_OK | constants.W_OK : constants.R_OK);
  } catch {
    throw new FirstaidError('image-access', `"${file}" cannot be ${writable ? 'read and written' : 'read'}.`, 'Check its permissions, or run firstaid as root.', 1);
  }
  if (st.isFile() && st.size === 0) {
    throw new FirstaidError('image-empty', `"${file}" is empty (0 bytes), so it is not a disk image.`, 'Give --image a disk image file.', 1);
  }
}

export interface LoopDevice {
  /** "/dev/loop3" */
  device: string;
  /** Partition nodes, e.g. ["/dev/loop3p1", ...]. */
  partitions: string[];
}

/** Linux dev_t as Node reports it -> major, minor. */
function majorMinor(rdev: number): [number, number] {
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | (Math.floor(rdev / 4096) & 0xfff00);
  return [major, minor];
}

async function sysPartitions(name: string): Promise<string[]> {
  try {
    const entries = await readdir(`/sys/class/block/${name}`);
    return entries.filter((e) => e.startsWith(`${name}p`) && /^\d+$/.test(e.slice(name.length + 1))).sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
  } catch {
    return [];
  }
}

/** Partition numbers in the device's partition table (read from the device, not the kernel). */
async function tablePartitions(deps: MountDeps, device: string): Promise<number[]> {
  const r = await deps.runner.run('partx', ['-g', '-o', 'NR', device], { readOnly: true, allowFailure: true, timeoutMs: 30_000 });
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l)).map(Number);
}

/** Makes sure /dev/<part> exists and is the right device; returns true when we created it. */
async function ensureNode(deps: MountDeps, part: string): Promise<boolean> {
  const devText = (await readFile(`/sys/class/block/${part}/dev`, 'utf8')).trim();
  const [ma, mi] = devText.split(':').map(Number) as [number, number];
  const node = `/dev/${part}`;
  try {
    const st = await stat(node);
    const [cma, cmi] = majorMinor(st.rdev);
    if (st.isBlockDevice() && cma === ma && cmi === mi) return false;
    // A stale node from an earlier loop device would point at some other disk: replace it.
    deps.log.warn(`${node} pointed at ${cma}:${cmi}, not ${ma}:${mi}; recreating it`);
    await unlink(node);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await deps.runner.run('mknod', [node, 'b', String(ma), String(mi)], { readOnly: true });
  return true;
}

/**
 * A loop device over a scratch file of firstaid's own (no partition scan): its one owner is the
 * returned handle, and the teardown detaches it if the owner never does.
 */
export async function attachScratchFile(deps: MountDeps, file: string): Promise<LoopDevice & { release(): Promise<void> }> {
  const step = deps.teardown.push(`detach scratch loop of ${file}`, async () => {
    // Found by its backing file: a signal may arrive before losetup has named the device.
    const j = await deps.runner.run('losetup', ['-j', file], { readOnly: true, allowFailure: true, timeoutMs: 30_000 });
    for (const dev of j.stdout.split('\n').map((l) => l.split(':')[0]!.trim()).filter((l) => l.startsWith('/dev/loop'))) {
      await deps.runner.run('losetup', ['-d', dev], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
    }
  });
  const device = (await deps.runner.run('losetup', ['-f', '--show', file], { timeoutMs: 60_000 })).stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) {
    await step.release();
    throw new FirstaidError('loop-failed', `losetup gave no loop device for ${file} ("${device}").`, 'Free a loop device (losetup -a lists them) and try again.');
  }
  return { device, partitions: [], release: () => step.release() };
}

/** losetup -f --show -P [-r] FILE, with the partition nodes present. Detached on teardown. */
export async function attachImage(deps: MountDeps, file: string, writable: boolean): Promise<LoopDevice> {
  await validateImageFile(file, writable);
  await deps.runner.require('losetup');
  // Two loop devices over one file, one of them written: two kernels' views of one filesystem.
  const j = await deps.runner.run('losetup', ['-j', file], { readOnly: true, allowFailure: true, timeoutMs: 30_000 });
  const existing = j.stdout.split('\n').map((l) => l.split(':')[0]!.trim()).filter((l) => l.startsWith('/dev/loop'));
  if (existing.length > 0) {
    if (writable) {
      throw new FirstaidError('image-in-use', `"${file}" is already attached as ${existing.join(', ')}, so changing it now could corrupt it.`, `Unmount and detach it first (umount ...; losetup -d ${existing[0]}), then run firstaid again.`, 1);
    }
    deps.log.warn(`${file} is also attached as ${existing.join(', ')}; looking at it read-only`);
  }
  // Attaching changes nothing on the image: it runs in dry-run mode too (read-only there).
  const r = await deps.runner.run('losetup', ['-f', '--show', '-P', ...(writable ? [] : ['-r']), file], { readOnly: true, timeoutMs: 60_000 });
  const device = r.stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new FirstaidError('loop-failed', `losetup did not name a loop device for "${file}" (got "${device}").`, 'See the session log; check that loop devices are available (modprobe loop).');
  const name = device.slice('/dev/'.length);
  const created: string[] = [];
  deps.teardown.push(`detach ${device}`, async () => {
    const d = await deps.runner.run('losetup', ['-d', device], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
    if (d.exitCode !== 0) deps.log.warn(`could not detach ${device}: ${d.stderr.trim()}`);
    for (const n of created) await unlink(n).catch(() => undefined);
  });

  // The kernel's partition scan may not have finished (or run) yet: wait for every partition of
  // the table to show up in sysfs, asking partx to add them when they do not.
  const want = await tablePartitions(deps, device);
  let parts = await sysPartitions(name);
  for (let i = 0; i < 30 && parts.length < want.length; i++) {
    if (i === 3 || i === 15) await deps.runner.run('partx', ['-a', device], { readOnly: true, allowFailure: true, timeoutMs: 30_000 });
    await new Promise((res) => setTimeout(res, 100));
    parts = await sysPartitions(name);
  }
  if (parts.length < want.length) deps.log.warn(`${device}: the table lists ${want.length} partitions, the kernel shows ${parts.length}`);
  const partitions: string[] = [];
  for (const p of parts) {
    if (await ensureNode(deps, p)) created.push(`/dev/${p}`);
    partitions.push(`/dev/${p}`);
  }
  return { device, partitions };
}
