import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFstab, serializeFstab, setField, commentOut, entries } from '../../src/devices/fstab-parse.js';

// Real-world shapes: Debian installer (tabs, aligned columns), Fedora (blank columns), Ubuntu (comments
// between entries), escapes, trailing spaces, CRLF-free but tab-indented, no final newline.
const DEBIAN = `# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# systemd generates mount units based on this file, see systemd.mount(5).
# Please run 'systemctl daemon-reload' after you make changes here.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/vda1 during installation
UUID=0b9a1e55-7ac4-4e58-9d3e-8f2b2f2a1c11 /               ext4    errors=remount-ro 0       1
# /boot/efi was on /dev/vda15 during installation
UUID=7A3B-1C2D  /boot/efi       vfat    umask=0077      0       1
# swap was on /dev/vda5 during installation
UUID=2d6b9c1e-4d0f-4a57-bb0c-9a9d3c2b7e44 none            swap    sw              0       0
/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
`;
const FEDORA = `
#
# /etc/fstab
# Created by anaconda on Tue Mar  5 10:02:11 2024
#
UUID=6c1f7d66-6a3c-4b1d-9a7e-2c1b0a9e8f77 /                       btrfs   subvol=root,compress=zstd:1 0 0
UUID=5a1e-77c2          /boot/efi               vfat    umask=0077,shortname=winnt 0 2
UUID=6c1f7d66-6a3c-4b1d-9a7e-2c1b0a9e8f77 /home                   btrfs   subvol=home,compress=zstd:1 0 0
`;
const ODD = "LABEL=My\\040Disk\t/mnt/my\\040disk\text4\tdefaults,nofail\t0\t2   \n\t# indented comment\n   \ntmpfs /tmp tmpfs size=512m,mode=1777 0 0\nproc /proc proc defaults\nUUID=abc /srv ext4 defaults 0 2";

test('round trip keeps every byte (tabs, aligned columns, comments, blank lines, no final newline)', () => {
  for (const text of [DEBIAN, FEDORA, ODD, '', '\n', '\n\n', 'x', 'garbage line here\n\x01\x02 \t\n']) {
    assert.equal(serializeFstab(parseFstab(text)), text);
  }
});

test('fields, escapes and defaults are parsed', () => {
  const e = entries(parseFstab(ODD));
  assert.equal(e.length, 4);
  assert.equal(e[0]!.spec, 'LABEL=My Disk');
  assert.equal(e[0]!.file, '/mnt/my disk');
  assert.equal(e[0]!.passno, 2);
  assert.equal(e[2]!.options, 'defaults');
  assert.equal(e[2]!.passno, 0);
  assert.equal(e[3]!.lineNo, 6);
});

test('invalid lines: too few fields, too many, non-numeric pass', () => {
  const p = parseFstab('onlyone\nUUID=a /x\nUUID=a / ext4 defaults 0 1 extra\nUUID=a / ext4 defaults zero 1\n');
  assert.deepEqual(p.lines.map((l) => l.kind), ['invalid', 'invalid', 'invalid', 'invalid']);
});

test('setField keeps the spacing of the rest of the line; commentOut marks the line', () => {
  const p = parseFstab(DEBIAN);
  const e = entries(p)[0]!;
  const changed = setField(e, 0, 'UUID=11111111-2222-3333-4444-555555555555');
  assert.equal(changed.raw, e.raw.replace('0b9a1e55-7ac4-4e58-9d3e-8f2b2f2a1c11', '11111111-2222-3333-4444-555555555555'));
  const short = entries(parseFstab('proc /proc proc\n'))[0]!;
  assert.equal(setField(short, 5, '1').raw, 'proc /proc proc defaults 0 1');
  assert.equal(commentOut(e, 'unparsable').raw, `#firstaid: unparsable: ${e.raw}`);
});
