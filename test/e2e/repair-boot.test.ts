/**
 * Issue 13 proven by booting (QEMU, TCG): `firstaid fix PLUGIN --yes` with the defaults makes
 * images broken several ways at once boot to BOOT-OK. A lean matrix: one uefi image carrying
 * seven fstab faults (ext4 lines and the ESP's vfat line), one bios grub.cfg that no longer
 * matches /boot (no initrd lines, a kernel that is gone, a wrong root=), and a double fault
 * (boot code wiped + a stale fstab UUID) fixed by running the plugins in turn.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage } from '../helpers/images.js';
import { build } from '../integration/systems-helpers.js';
import { readRootFile, writeRootFile } from '../integration/fstab-image.js';
import { sevenFstabFaults } from '../integration/repair-faults.js';

const REPO = join(import.meta.dirname, '..', '..');
const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup', 'mdir', 'grub-script-check'] });

function fix(plugin: string, image: string): string {
  const r = spawnSync(join(REPO, 'bin', 'firstaid'), ['fix', plugin, '--yes', '--image', image], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${plugin}: ${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Fixed and verified/);
  return r.stdout;
}

describe('issue 13 repairs boot again', NEEDS, () => {
  before(() => build());

  test('uefi, seven fstab faults at once: fix fstab --yes, then BOOT-OK', async () => {
    const img = fixtureImage('uefi');
    try {
      const [broken, fixed] = sevenFstabFaults(img.info);
      writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', broken);
      fix('fstab', img.path);
      assert.equal(readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab'), fixed);
      assert.equal(await bootCheck(img.path, { timeoutSec: 180 }), 'BOOT-OK');
    } finally {
      img.dispose();
    }
  });

  test('bios, grub.cfg against /boot (no initrd lines, a kernel that is gone, a wrong root=): fix grub --yes, then BOOT-OK', async () => {
    const img = fixtureImage('bios');
    try {
      for (const m of ['grub-cfg-no-initrd', 'grub-cfg-kernel', 'grub-cfg-root']) await breakImage(img.path, m);
      const out = fix('grub', img.path);
      assert.match(out, /root= in grub\.cfg does not name the root filesystem/);
      assert.match(out, /missing: \/boot\/vmlinuz-/);
      assert.match(out, /Regenerate \/boot\/grub\/grub\.cfg/);
      assert.equal(await bootCheck(img.path, { timeoutSec: 180 }), 'BOOT-OK');
    } finally {
      img.dispose();
    }
  });

  test('bios double fault, boot code wiped and a stale fstab UUID: fix grub, then fix fstab, then BOOT-OK', async () => {
    const img = fixtureImage('bios');
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'fstab-uuid-data');
      assert.match(fix('grub', img.path), /No boot code in the MBR/);
      assert.match(fix('fstab', img.path), /only unclaimed ext4 filesystem/);
      assert.equal(await bootCheck(img.path, { timeoutSec: 180 }), 'BOOT-OK');
    } finally {
      img.dispose();
    }
  });
});
