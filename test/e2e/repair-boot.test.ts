/**
 * Issue 13 proven by booting (QEMU, TCG): `firstaid fix PLUGIN --yes` with the defaults makes
 * images broken several ways at once boot to BOOT-OK. A lean matrix: one uefi image carrying
 * seven fstab faults (ext4 lines and the ESP's vfat line), one bios grub.cfg that no longer
 * matches /boot (no initrd lines, a kernel that is gone, a wrong root=), and a double fault
 * (boot code wiped + a stale fstab UUID) fixed by running the plugins in turn, on bios and on
 * the hybrid disk (booted under SeaBIOS and OVMF), each reverted to its broken bytes.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage, type ImageType } from '../helpers/images.js';
import { bootAreas } from '../integration/grub-context.js';
import { build } from '../integration/systems-helpers.js';
import { readRootBytes, readRootFile, writeRootFile } from '../integration/fstab-image.js';
import { sevenFstabFaults } from '../integration/repair-faults.js';

const REPO = join(import.meta.dirname, '..', '..');
const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup', 'mdir', 'mcopy', 'fusefat', 'mkfs.vfat', 'grub-script-check'] });

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
      assert.equal(await bootCheck(img.path), 'BOOT-OK');
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
      assert.equal(await bootCheck(img.path), 'BOOT-OK');
    } finally {
      img.dispose();
    }
  });

  // The double fault on bios, and on the hybrid disk (BIOS boot code and the EFI loader gone, so
  // neither firmware boots it unfixed), booted under every firmware it is made for; then revert
  // of both fixes, last first, puts the broken bytes back exactly.
  const DOUBLE: { type: ImageType; breaks: string[]; firmwares: ('bios' | 'uefi')[] }[] = [
    { type: 'bios', breaks: ['mbr-code', 'fstab-uuid-data'], firmwares: ['bios'] },
    { type: 'hybrid', breaks: ['mbr-code', 'efi-binary', 'fstab-uuid-data'], firmwares: ['bios', 'uefi'] },
  ];
  for (const { type, breaks, firmwares } of DOUBLE) {
    test(`${type} double fault (${breaks.join(', ')}): fix grub, then fix fstab, then BOOT-OK under ${firmwares.join(' and ')}; revert restores the broken bytes`, async () => {
      const img = fixtureImage(type);
      try {
        for (const m of breaks) await breakImage(img.path, m);
        const broken = { areas: await bootAreas(img.path), fstab: readRootBytes(img.path, img.info.ROOT_PART, 'etc/fstab') };
        const grub = fix('grub', img.path);
        assert.match(grub, /No boot code in the MBR/);
        if (breaks.includes('efi-binary')) assert.match(grub, /no usable EFI loader/);
        const fstab = fix('fstab', img.path);
        assert.match(fstab, /only unclaimed ext4 filesystem/);
        for (const firmware of firmwares) assert.equal(await bootCheck(img.path, { firmware }), 'BOOT-OK', `${type} under ${firmware}`);

        for (const out of [fstab, grub]) {
          const id = /firstaid revert (\S+)/.exec(out)?.[1];
          assert.ok(id, out);
          const r = spawnSync(join(REPO, 'bin', 'firstaid'), ['revert', id!, '--image', img.path, '--yes'], { encoding: 'utf8' });
          assert.equal(r.status, 0, `revert ${id}: ${r.stdout}\n${r.stderr}`);
        }
        assert.deepEqual(await bootAreas(img.path), broken.areas, 'first MiB, bios_grub, ESP and /boot/grub as broken');
        assert.ok(readRootBytes(img.path, img.info.ROOT_PART, 'etc/fstab').equals(broken.fstab), '/etc/fstab as broken');
      } finally {
        img.dispose();
      }
    });
  }
});
