/**
 * Proven by booting (two QEMU boots in all): a deleted initrd rebuilt by `firstaid fix
 * initramfs --yes` boots to BOOT-OK; after `firstaid fix passwd --password-stdin --yes`, root
 * logs in on the serial console with the new password, and no longer with the old one.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, fixtureImage } from '../helpers/images.js';
import { withImageRoot } from '../helpers/image-root.js';
import { bootSerial, serialLogin } from '../helpers/serial-console.js';
import { buildOnce, firstaid } from '../integration/plugin-cli.js';

const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup', 'sfdisk'] });
const NEW_PASSWORD = 'n3w-Rescue.pass';

describe('initramfs and passwd fixes boot', NEEDS, () => {
  before(buildOnce);

  test('bios, initrd deleted: fix initramfs --yes, then BOOT-OK', async () => {
    const img = fixtureImage('bios');
    try {
      await withImageRoot(img.path, (r) => rmSync(join(r, `boot/initrd.img-${img.info.KERNEL}`)));
      const r = firstaid(['fix', 'initramfs', '--image', img.path, '--yes']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Fixed and verified: Rebuild 1 initrd/);
      const t0 = Date.now();
      assert.equal(await bootCheck(img.path), 'BOOT-OK');
      console.log(`# initramfs boot: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      img.dispose();
    }
  });

  test('bios: fix passwd --password-stdin --yes, then root logs in on the serial console with the new password only', async () => {
    const img = fixtureImage('bios');
    try {
      const r = firstaid(['fix', 'passwd', '--image', img.path, '--yes', '--password-stdin'], `${NEW_PASSWORD}\n`);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const c = bootSerial(img.path);
      try {
        await c.waitFor(/login: *$/m, 300_000);
        const bootSec = c.elapsed();
        assert.equal(await serialLogin(c, 'root', 'root'), false, 'the old password (root) is refused');
        await c.waitFor(/login: *$/, 60_000);
        assert.equal(await serialLogin(c, 'root', NEW_PASSWORD), true, 'the new password is accepted');
        c.type('echo "WHO=$(id -un)-$((6*7))"\r');
        await c.waitFor(/WHO=root-42/, 30_000);
        console.log(`# passwd boot: login prompt after ${bootSec.toFixed(1)} s, logged in after ${c.elapsed().toFixed(1)} s`);
      } finally {
        await c.close();
      }
    } finally {
      img.dispose();
    }
  });
});
