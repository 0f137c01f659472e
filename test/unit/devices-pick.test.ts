import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFilter } from '../../src/devices/session.js';
import { pickInstallation, noInstallationError } from '../../src/devices/pick-installation.js';
import { targetSpecFromOptions } from '../../src/devices/target-spec.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { BlockDevice, Installation, TargetSession } from '../../src/devices/types.js';
import type { GlobalOptions } from '../../src/app/options.js';
import { blockDevice } from '../helpers/block-devices.js';

const dev = blockDevice;

test('scan leaves out RAM disks, optical drives, the live medium and firstaid\'s own mounts', () => {
  const devs = [
    dev('sda', { children: [dev('sda1', { type: 'part', fstype: 'ext4' })] }),
    dev('zram0'),
    dev('ram0'),
    dev('sr0', { type: 'rom', fstype: 'iso9660' }),
    dev('loop0', { type: 'loop', fstype: 'squashfs', mountpoints: ['/run/live/rootfs/filesystem.squashfs'] }),
    dev('loop1', { type: 'loop', children: [dev('loop1p1', { type: 'part', fstype: 'ext4', mountpoints: ['/run/firstaid/mnt/root-x'] })] }),
    dev('loop3', { type: 'loop', children: [dev('loop3p1', { type: 'part', fstype: 'ext4', mountpoints: ['/tmp/rt/mnt/root-y'] })] }),
    dev('loop2', { type: 'loop', children: [dev('loop2p1', { type: 'part', fstype: 'ext4' })] }),
    dev('nvme0n1'),
  ];
  assert.deepEqual(scanFilter(devs, '/tmp/rt').map((d) => d.name), ['sda', 'loop2', 'nvme0n1']);
});

function inst(id: string, device: string): Installation {
  return { id, name: `Linux ${id}`, root: { device } } as unknown as Installation;
}
const session = (installations: Installation[], notes: string[] = []): TargetSession =>
  ({ spec: { kind: 'image', file: '/x.img' }, devices: [], installations, notes, mount: async () => { throw new Error('no'); } });

test('one installation is picked; several need --system; unknown ids and none are clear errors', () => {
  const a = inst('uuid:a', '/dev/loop0p1');
  const b = inst('uuid:b', '/dev/loop0p2');
  assert.equal(pickInstallation([a], undefined, session([a])), a);
  assert.equal(pickInstallation([a, b], 'uuid:b', session([a, b])), b);
  assert.equal(pickInstallation([a, b], '/dev/loop0p1', session([a, b])), a);
  assert.throws(() => pickInstallation([a, b], undefined, session([a, b])), (e: unknown) =>
    e instanceof FirstaidError && /2 installations: uuid:a .*uuid:b/.test(e.message) && /--system/.test(e.hint));
  assert.throws(() => pickInstallation([a, b], 'uuid:c', session([a, b])), /No installation "uuid:c" here; found: uuid:a/);
  assert.throws(() => pickInstallation([], undefined, session([], ['/dev/loop0p1: unknown filesystem minix, not inspected'])),
    (e: unknown) => e instanceof FirstaidError && e.message === 'no Linux installation found on the image /x.img; /dev/loop0p1: unknown filesystem minix, not inspected');
  assert.match(noInstallationError({ ...session([]), spec: { kind: 'scan' } }).message, /^no Linux installation found on any disk of this computer; no Linux filesystem/);
});

test('target spec from options', () => {
  const o = { json: false, dryRun: false, yes: false, force: false, help: false, version: false, choices: {} } as GlobalOptions;
  assert.deepEqual(targetSpecFromOptions({ ...o, image: 'a.img' }), { kind: 'image', file: 'a.img' });
  assert.deepEqual(targetSpecFromOptions({ ...o, root: '/mnt' }), { kind: 'root', dir: '/mnt' });
  assert.deepEqual(targetSpecFromOptions(o), { kind: 'scan' });
});
