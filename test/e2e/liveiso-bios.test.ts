/**
 * The journey on the rescue CD, BIOS: QEMU boots dist/firstaid-rescue.iso (SeaBIOS, the CD on
 * virtio-scsi: /dev/sr0 through the kernel's sr driver) with a broken Debian disk as the first
 * hard disk. The disk has lost its MBR boot code and its fstab names a /srv/data UUID that does
 * not exist. Inside the guest the executable (no Node.js on the CD) fixes both, the fstab fix
 * with the guest's own udev /dev/disk/by-uuid; the guest powers off; then the disk alone boots.
 * One guest boot for both fixes, one to check: TCG boots are slow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage } from '../helpers/images.js';
import { bootRescue, guestFile, makeGuest } from '../helpers/guest.js';

const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'debootstrap', 'mksquashfs', 'grub-mkrescue', 'xorriso', 'mcopy', 'mkfs.vfat', 'unshare'] });

const SCRIPT = `
cd /run/autorun/out
{ command -v node; echo "node-exit=$?"; } > node.txt 2>&1
ls -l /dev/disk/by-uuid/ > by-uuid.txt 2>&1
[ -d /sys/firmware/efi ] && echo uefi > firmware.txt || echo bios > firmware.txt
firstaid --version > version.txt 2>&1
firstaid systems --json > systems.json 2>systems.err
firstaid fix grub --yes > grub.txt 2>&1; echo "exit=$?" >> grub.txt
firstaid fix fstab --yes > fstab.txt 2>&1; echo "exit=$?" >> fstab.txt
sync
`;

describe('the rescue CD, BIOS: MBR boot code and fstab fixed inside the guest', NEEDS, () => {
  test('fix grub and fix fstab by the executable in the booted CD, then the disk boots', async () => {
    const img = fixtureImage('bios');
    const guest = makeGuest(SCRIPT, 'bios');
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'fstab-uuid-data');
      const run = await bootRescue(guest, img.path, 'bios');
      console.log(`# guest (BIOS): booted, fixed and powered off in ${run.seconds.toFixed(0)} s`);
      assert.ok(run.poweredOff, `the guest did not power off:\n${run.serial.slice(-3000)}`);
      assert.match(run.serial, /FIRSTAID-AUTORUN: END/);
      assert.match(guestFile(guest, 'node.txt'), /node-exit=1/, 'no Node.js on the CD');
      assert.equal(guestFile(guest, 'firmware.txt').trim(), 'bios');
      assert.match(guestFile(guest, 'version.txt'), /^firstaid \d+\.\d+\.\d+/);
      // udev made the links the fstab fix reads
      assert.ok(guestFile(guest, 'by-uuid.txt').includes(img.info.DATA_UUID), 'the data partition in /dev/disk/by-uuid');
      const grub = guestFile(guest, 'grub.txt');
      assert.match(grub, /No boot code in the MBR of \/dev\/vda/);
      assert.match(grub, /Fixed and verified/);
      assert.match(grub, /exit=0/);
      const fstab = guestFile(guest, 'fstab.txt');
      assert.match(fstab, new RegExp(img.info.DATA_UUID));
      assert.match(fstab, /exit=0/);
      const t0 = Date.now();
      assert.equal(await bootCheck(img.path), 'BOOT-OK');
      console.log(`# the repaired disk alone: BOOT-OK in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (e) {
      guest.keep();
      throw e;
    } finally {
      guest.dispose();
      img.dispose();
    }
  });
});
