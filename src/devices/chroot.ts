/**
 * A chroot environment over a mounted target root: a private tmpfs /dev holding only the basic
 * nodes and the given disk/partition nodes (with /dev/disk/by-uuid links, since there may be no
 * udev, so grub-mkconfig writes root=UUID=), devpts (newinstance), /proc, /sys (+ efivarfs when
 * the live system has it) and a tmpfs /run. Nothing is written to the host's /dev; every mount is
 * on the teardown and close() undoes them in reverse order.
 */
import { parseBlkidExport } from './lsblk.js';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Runner, RunOptions, RunResult } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown, TeardownHandle } from '../core/teardown.js';
import { FirstaidError } from '../core/errors.js';
import type { ChrootEnv } from './types.js';
import { unmount } from './mounts.js';

const BASIC_NODES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'];

export async function createChroot(o: { runner: Runner; log: SessionLog; teardown: Teardown; rootHostPath: string; devices: string[] }): Promise<ChrootEnv & { close(): Promise<void> }> {
  const { runner, log, teardown } = o;
  const root = o.rootHostPath.replace(/\/+$/, '') || '/';
  if (root === '/') throw new FirstaidError('bad-root', 'Refusing to set up a chroot on the live system\'s own root.', 'Choose the installation to repair (--image, --root or the system list).');
  for (const d of ['dev', 'proc', 'sys', 'run']) {
    if (!existsSync(join(root, d))) {
      throw new FirstaidError('chroot-incomplete', `The installation at ${root} has no /${d} directory, so a chroot cannot be set up.`, `Create the directory /${d} in the installation (mkdir ${join(root, d)}), then try again.`);
    }
  }
  const handles: TeardownHandle[] = [];
  const mount = async (args: string[], target: string): Promise<void> => {
    await runner.run('mount', [...args, target]);
    handles.push(teardown.push(`unmount ${target}`, () => unmount(o, target)));
  };
  const close = async (): Promise<void> => {
    while (handles.length) await handles.pop()!.release();
  };
  try {
    const dev = join(root, 'dev');
    await mount(['-t', 'tmpfs', '-o', 'mode=755,size=8m,nosuid', 'tmpfs'], dev);
    if (!runner.dryRun) {
      for (const d of ['pts', 'shm', 'disk/by-uuid', 'disk/by-partuuid']) await mkdir(join(dev, d), { recursive: true });
    }
    await runner.run('cp', ['-a', ...BASIC_NODES.filter((n) => existsSync(n)), `${dev}/`]);
    for (const node of o.devices) {
      if (!node.startsWith('/dev/')) throw new FirstaidError('bad-device', `"${node}" is not a device node under /dev.`, 'This is a bug in firstaid; the session log has the details.');
      const dest = join(root, node);
      if (!runner.dryRun) await mkdir(dirname(dest), { recursive: true });
      await runner.run('cp', ['-a', node, dest]);
      const ids = parseBlkidExport((await runner.run('blkid', ['-o', 'export', node], { readOnly: true, allowFailure: true })).stdout);
      const rel = `../..${node.slice(4)}`;
      if (!runner.dryRun) {
        if (ids.UUID) await symlink(rel, join(dev, 'disk/by-uuid', ids.UUID)).catch(() => undefined);
        if (ids.PARTUUID) await symlink(rel, join(dev, 'disk/by-partuuid', ids.PARTUUID)).catch(() => undefined);
      }
    }
    await mount(['-t', 'devpts', '-o', 'newinstance,ptmxmode=0666,mode=620', 'devpts'], join(dev, 'pts'));
    if (!runner.dryRun) await symlink('pts/ptmx', join(dev, 'ptmx')).catch(() => undefined);
    await mount(['-t', 'proc', 'proc'], join(root, 'proc'));
    await mount(['-t', 'sysfs', 'sysfs'], join(root, 'sys'));
    if (existsSync('/sys/firmware/efi/efivars') && existsSync(join(root, 'sys/firmware/efi/efivars'))) {
      await mount(['-t', 'efivarfs', 'efivarfs'], join(root, 'sys/firmware/efi/efivars'));
    }
    await mount(['-t', 'tmpfs', '-o', 'mode=755,nosuid,nodev', 'tmpfs'], join(root, 'run'));
  } catch (err) {
    await close();
    throw err;
  }
  log.info(`chroot ready at ${root} with ${o.devices.join(', ') || 'no disk nodes'}`);
  return {
    root,
    run: (cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> => runner.run('chroot', [root, cmd, ...args], opts),
    close,
  };
}
