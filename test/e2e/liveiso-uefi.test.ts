/**
 * The journey on the rescue CD, UEFI: QEMU boots dist/firstaid-rescue.iso under OVMF with a
 * Debian disk whose ESP lost its EFI loader. Inside the guest (kernel vfat, efivarfs) the
 * executable fixes it through the kernel's vfat driver and adds an NVRAM boot entry after
 * backing up the entries and BootOrder; `revert` puts them back (and the broken ESP); a second
 * fix repairs it again. Then the OVMF variable store the guest ran with is read on the host:
 * one "debian" entry deleted (the reverted one), one live and first in BootOrder; and the disk
 * alone boots. One guest boot for all of it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage } from '../helpers/images.js';
import { bootRescue, guestFile, makeGuest } from '../helpers/guest.js';
import { bootLabel, bootOrder, readVarStore } from '../helpers/ovmf-vars.js';

const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'debootstrap', 'mksquashfs', 'grub-mkrescue', 'xorriso', 'mcopy', 'mkfs.vfat', 'unshare'] });

const SCRIPT = `
cd /run/autorun/out
[ -d /sys/firmware/efi ] && echo uefi > firmware.txt || echo bios > firmware.txt
efibootmgr > nvram-before.txt 2>&1
firstaid fix grub --yes --log /run/autorun/out/fix1.log > fix1.txt 2>&1; echo "exit=$?" >> fix1.txt
grep -w vfat /proc/filesystems > vfat.txt
efibootmgr > nvram-fixed.txt 2>&1
id=$(sed -n 's/.*firstaid revert \\(grub\\/[^ ]*\\).*/\\1/p' fix1.txt | head -1)
firstaid revert "$id" --yes > revert.txt 2>&1; echo "exit=$?" >> revert.txt
efibootmgr > nvram-reverted.txt 2>&1
# the fixture's root has room for one 64 MiB ESP backup, not two
firstaid backups delete "$id" > delete.txt 2>&1; echo "exit=$?" >> delete.txt
firstaid fix grub --yes > fix2.txt 2>&1; echo "exit=$?" >> fix2.txt
efibootmgr > nvram-final.txt 2>&1
sync
`;

const entries = (efibootmgr: string) => [...efibootmgr.matchAll(/^Boot([0-9A-F]{4})\*? (.*)$/gm)].map((m) => `${m[1]} ${m[2]!.trim()}`);
const order = (efibootmgr: string) => /^BootOrder: (.*)$/m.exec(efibootmgr)?.[1]?.trim() ?? '';

describe('the rescue CD, UEFI: the ESP fixed through kernel vfat, an NVRAM entry added and reverted', NEEDS, () => {
  test('fix grub, revert, fix again inside the guest under OVMF, then the disk boots', async () => {
    const img = fixtureImage('uefi');
    const guest = makeGuest(SCRIPT, 'uefi');
    try {
      await breakImage(img.path, 'efi-binary');
      const run = await bootRescue(guest, img.path, 'uefi');
      console.log(`# guest (UEFI): booted, fixed, reverted, fixed and powered off in ${run.seconds.toFixed(0)} s`);
      assert.ok(run.poweredOff, `the guest did not power off:\n${run.serial.slice(-3000)}`);
      assert.equal(guestFile(guest, 'firmware.txt').trim(), 'uefi');
      const fix1 = guestFile(guest, 'fix1.txt');
      assert.match(fix1, /no usable EFI loader/);
      assert.match(fix1, /Fixed and verified/);
      assert.match(fix1, /exit=0/);
      assert.match(fix1, /the firmware's boot entries and BootOrder/);
      // Through the kernel's vfat driver, not mtools
      assert.match(guestFile(guest, 'vfat.txt'), /vfat/);
      const log = guestFile(guest, 'fix1.log');
      assert.match(log, /"mount","-t","vfat"/);
      assert.match(log, /"efibootmgr","--create"/);

      const before = guestFile(guest, 'nvram-before.txt');
      const fixed = guestFile(guest, 'nvram-fixed.txt');
      const added = entries(fixed).filter((e) => !entries(before).includes(e));
      assert.equal(added.length, 1, fixed);
      assert.match(added[0]!, /^[0-9A-F]{4} debian$/);
      assert.ok(order(fixed).startsWith(added[0]!.slice(0, 4)), 'the new entry boots first');

      assert.match(guestFile(guest, 'revert.txt'), /exit=0/);
      const reverted = guestFile(guest, 'nvram-reverted.txt');
      assert.deepEqual(entries(reverted), entries(before), 'revert removed the entry');
      assert.equal(order(reverted), order(before), 'and put BootOrder back');

      assert.match(guestFile(guest, 'delete.txt'), /exit=0/);
      assert.match(guestFile(guest, 'fix2.txt'), /exit=0/);
      // The variable store the firmware keeps: the reverted entry's record deleted, the new one live and first.
      const vars = readVarStore(guest.vars!);
      const debian = vars.filter((v) => /^Boot[0-9A-F]{4}$/.test(v.name) && bootLabel(v) === 'debian');
      assert.ok(debian.some((v) => !v.live), 'a deleted "debian" record (the reverted entry)');
      const live = debian.filter((v) => v.live);
      assert.equal(live.length, 1, 'one live "debian" entry');
      assert.equal(bootOrder(vars)[0], live[0]!.name.slice(4));

      const t0 = Date.now();
      assert.equal(await bootCheck(img.path), 'BOOT-OK');
      console.log(`# the repaired disk alone (OVMF): BOOT-OK in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (e) {
      guest.keep();
      throw e;
    } finally {
      guest.dispose();
      img.dispose();
    }
  });
});
