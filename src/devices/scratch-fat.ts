/**
 * A scratch FAT filesystem mounted over a directory of the installation, for tools that insist
 * on a FAT mount (grub-install --efi-directory) when the real ESP must not be written by them.
 * A 40 MB image in the run-time dir on its own loop device, visible inside the chroot, mounted
 * with the kernel's vfat or fusefat. Every step is registered on the session teardown, so a
 * signal during the tool's run leaves no loop device, mount, device node or image behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runtimeDir } from '../core/paths.js';
import type { TeardownHandle } from '../core/teardown.js';
import { attachScratchFile } from './loop.js';
import { mountDevice, type MountDeps } from './mounts.js';
import { testPause } from './test-hooks.js';

export interface ScratchFat {
  /** The loop device holding the scratch filesystem. */
  device: string;
  /** Host path where it is mounted (the directory asked for). */
  mountpoint: string;
  /** Unmounts, detaches and removes everything now (also done by the teardown). */
  release(): Promise<void>;
}

export interface ScratchFatOptions {
  /** Host path to mount it on (it must exist). */
  mountpoint: string;
  /** The chroot's root: the loop device node is made visible in its /dev. */
  chrootRoot: string;
  /** 'kernel': mount -t vfat; 'fuse': fusefat (kernels without vfat). */
  method: 'kernel' | 'fuse';
  sizeMiB?: number;
}

export async function openScratchFat(deps: MountDeps, o: ScratchFatOptions): Promise<ScratchFat> {
  const { runner } = deps;
  const steps: TeardownHandle[] = [];
  const release = async (): Promise<void> => {
    while (steps.length > 0) await steps.pop()!.release();
  };
  try {
    const work = await mkdtemp(join(runtimeDir(), 'scratch-fat-'));
    steps.push(deps.teardown.push(`remove ${work}`, () => rm(work, { recursive: true, force: true })));
    const img = join(work, 'scratch-esp.img');
    await runner.run('truncate', ['-s', `${o.sizeMiB ?? 40}M`, img]);
    await runner.run('mkfs.vfat', ['-F', '32', '-n', 'SCRATCH', img]);
    const loop = await attachScratchFile(deps, img);
    steps.push({ release: loop.release, forget: () => undefined });
    // grub-probe must be able to see the scratch device inside the chroot.
    const node = join(o.chrootRoot, loop.device);
    steps.push(deps.teardown.push(`remove ${node}`, () => rm(node, { force: true })));
    await runner.run('cp', ['-a', loop.device, join(o.chrootRoot, 'dev') + '/']);
    const m = o.method === 'kernel'
      ? await mountDevice(deps, loop.device, o.mountpoint, { fstype: 'vfat', readOnly: false })
      : await mountDevice(deps, loop.device, o.mountpoint, { fstype: null, readOnly: false, fuse: 'fusefat', options: `rw+,fsname=${loop.device}` });
    steps.push({ release: m.release, forget: () => undefined });
    await testPause('scratch-fat');
    return { device: loop.device, mountpoint: o.mountpoint, release };
  } catch (err) {
    await release();
    throw err;
  }
}
