/** The chroot environment on a real installation: private /dev with the disk nodes and by-uuid links, and nothing left mounted. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { openImageContext } from './grub-context.js';
import { createChroot } from '../../src/devices/chroot.js';

const NEEDS = needs({ root: true, loop: true, tools: ['parted', 'mkfs.ext4', 'blkid', 'chroot'] });

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m === dir || m.startsWith(`${dir}/`));
}

describe('chroot environment', NEEDS, () => {
  test('dev nodes, by-uuid links, proc/sys/run; close() unmounts everything; teardown too', async () => {
    const img = fixtureImage('bios');
    const c = await openImageContext(img.path, { writable: false });
    const root = c.ctx.target.root;
    try {
      const disk = c.ctx.system.disk.path;
      const parts = c.ctx.system.partitions.map((p) => p.device);
      const before = mountsUnder(root);
      const ch = await createChroot({ runner: c.runner, log: c.log, teardown: c.teardown, rootHostPath: root, devices: [disk, ...parts] });
      assert.equal(ch.root, root);
      const mounted = mountsUnder(root);
      for (const d of ['/dev', '/dev/pts', '/proc', '/sys', '/run']) assert.ok(mounted.includes(`${root}${d}`), `${d} mounted`);
      const ls = (await ch.run('ls', ['/dev'])).stdout.split('\n');
      for (const n of ['null', 'zero', 'urandom', 'tty', disk.slice(5), ...parts.map((p) => p.slice(5))]) assert.ok(ls.includes(n), `/dev/${n} in the chroot`);
      const link = (await ch.run('readlink', ['-f', `/dev/disk/by-uuid/${c.ctx.system.root.uuid}`])).stdout.trim();
      assert.equal(link, c.ctx.system.root.device);
      // The installation's own grub-probe finds its root device through the private /dev.
      const probe = (await ch.run('grub-probe', ['--target=fs_uuid', '/'])).stdout.trim();
      assert.equal(probe, c.ctx.system.root.uuid);
      // The by-uuid links live in the private /dev, not in the host's.
      assert.ok(existsSync(`${root}/dev/disk/by-uuid/${c.ctx.system.root.uuid}`));
      await ch.close();
      assert.deepEqual(mountsUnder(root), before, 'close() leaves only what was mounted before');

      // Torn down by the session teardown when not closed explicitly.
      await createChroot({ runner: c.runner, log: c.log, teardown: c.teardown, rootHostPath: root, devices: [disk] });
      assert.ok(mountsUnder(root).length > before.length);
    } finally {
      await c.close();
      img.dispose();
    }
    // Only this test's own root: other tests share /run/firstaid.
    assert.deepEqual(mountsUnder(root), []);
  });

  test('refuses the live system\'s own root', async () => {
    const { Runner } = await import('../../src/core/runner.js');
    const { SessionLog } = await import('../../src/core/log.js');
    const { Teardown } = await import('../../src/core/teardown.js');
    const log = new SessionLog();
    await assert.rejects(createChroot({ runner: new Runner({ log }), log, teardown: new Teardown(log), rootHostPath: '/', devices: [] }), /live system/);
  });
});
