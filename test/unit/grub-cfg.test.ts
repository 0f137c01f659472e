import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGrubCfg, rootMatches, splitWords, stripDevice, targetPathOf } from '../../src/rescue-plugins/grub/cfg.js';
import { bootloaderIdFrom } from '../../src/rescue-plugins/grub/facts.js';

const DEBIAN_CFG = `
### BEGIN /etc/grub.d/10_linux ###
function gfxmode {
	set gfxpayload="\${1}"
}
set linux_gfx_mode=
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-4fb52f1f' {
	load_video
	insmod ext2
	search --no-floppy --fs-uuid --set=root 4fb52f1f-ef6b-4c71-b4a2-0b03073ab69c
	echo	'Loading Linux 6.1.0-50-cloud-amd64 ...'
	linux	/boot/vmlinuz-6.1.0-50-cloud-amd64 root=UUID=4fb52f1f-ef6b-4c71-b4a2-0b03073ab69c ro console=ttyS0,115200n8
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd.img-6.1.0-50-cloud-amd64
}
submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-4fb52f1f' {
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-50-cloud-amd64 (recovery mode)' --class debian {
		if [ x$feature_all_video_module = xy ]; then
			insmod all_video
		fi
		linux	(hd0,msdos1)/boot/vmlinuz-6.1.0-50-cloud-amd64 root=/dev/sda1 ro single # comment
		initrd	/boot/intel-ucode.img /boot/initrd.img-6.1.0-50-cloud-amd64
	}
}
`;

test('parses menu entries, nested ones too: kernel, initrds, args, root=', () => {
  const cfg = parseGrubCfg(DEBIAN_CFG);
  assert.equal(cfg.entries.length, 2);
  const [a, b] = cfg.entries;
  assert.equal(a!.title, 'Debian GNU/Linux');
  assert.equal(a!.kernel, '/boot/vmlinuz-6.1.0-50-cloud-amd64');
  assert.deepEqual(a!.initrds, ['/boot/initrd.img-6.1.0-50-cloud-amd64']);
  assert.equal(a!.root, 'UUID=4fb52f1f-ef6b-4c71-b4a2-0b03073ab69c');
  assert.ok(a!.args.includes('console=ttyS0,115200n8'));
  assert.match(b!.title, /recovery mode/);
  assert.equal(b!.kernel, '/boot/vmlinuz-6.1.0-50-cloud-amd64');
  assert.deepEqual(b!.initrds, ['/boot/intel-ucode.img', '/boot/initrd.img-6.1.0-50-cloud-amd64']);
  assert.equal(b!.root, '/dev/sda1');
  assert.ok(!b!.args.includes('#'), 'comments are not arguments');
});

test('a grub.cfg with no entries, or garbage, parses to nothing without throwing', () => {
  assert.equal(parseGrubCfg('').entries.length, 0);
  assert.equal(parseGrubCfg('}}}{{ menuentry\n\0\x01 "unterminated\n').entries.length, 0);
  const odd = parseGrubCfg('}\n}\nmenuentry\nlinux\ninitrd /x\n');
  assert.equal(odd.entries.length, 1);
  assert.equal(odd.entries[0]!.kernel, null);
});

test('word splitting: quotes, escapes, comments', () => {
  assert.deepEqual(splitWords(`menuentry 'a b' "c \\"d\\"" e\\ f # x`), ['menuentry', 'a b', 'c "d"', 'e f']);
  assert.deepEqual(splitWords('  # only a comment'), []);
});

test('device prefixes and separate /boot', () => {
  assert.equal(stripDevice('(hd0,gpt2)/vmlinuz'), '/vmlinuz');
  assert.equal(stripDevice('($root)/boot/x'), '/boot/x');
  assert.equal(stripDevice('/boot/x'), '/boot/x');
  assert.equal(targetPathOf('/vmlinuz-6', true), '/boot/vmlinuz-6');
  assert.equal(targetPathOf('/boot/vmlinuz-6', false), '/boot/vmlinuz-6');
});

test('root= against the root filesystem', () => {
  const root = { uuid: '4fb52f1f-ef6b-4c71-b4a2-0b03073ab69c', partuuid: '2f069956-01', label: 'rootfs', device: '/dev/loop0p1' };
  assert.equal(rootMatches('UUID=4FB52F1F-EF6B-4C71-B4A2-0B03073AB69C', root), true);
  assert.equal(rootMatches('UUID=11111111-ef6b-4c71-b4a2-0b03073ab69c', root), false);
  assert.equal(rootMatches('PARTUUID=2f069956-01', root), true);
  assert.equal(rootMatches('LABEL=other', root), false);
  assert.equal(rootMatches('/dev/disk/by-uuid/4fb52f1f-ef6b-4c71-b4a2-0b03073ab69c', root), true);
  assert.equal(rootMatches('/dev/sda1', root), null);
});

test('bootloader id from GRUB_DISTRIBUTOR (plain, quoted, shell snippet) and os-release', () => {
  assert.equal(bootloaderIdFrom('GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n', 'debian'), 'debian');
  assert.equal(bootloaderIdFrom('GRUB_DISTRIBUTOR="Fedora Linux"\n', 'fedora'), 'fedora');
  assert.equal(bootloaderIdFrom('GRUB_DISTRIBUTOR=Ubuntu\n', 'ubuntu'), 'ubuntu');
  assert.equal(bootloaderIdFrom(undefined, 'arch'), 'arch');
  assert.equal(bootloaderIdFrom('GRUB_DISTRIBUTOR="$(x)"', undefined), 'debian');
});

test('Fedora BLS: grub.cfg with blscfg, entries from /boot/loader/entries', async () => {
  const { usesBls, parseBlsEntry } = await import('../../src/rescue-plugins/grub/cfg.js');
  assert.equal(usesBls('insmod blscfg\nblscfg\n'), true);
  assert.equal(usesBls(DEBIAN_CFG), false);
  const e = parseBlsEntry('title Fedora Linux (6.5.6-300.fc39.x86_64) 39\nversion 6.5.6\nlinux /vmlinuz-6.5.6-300.fc39.x86_64\ninitrd /initramfs-6.5.6-300.fc39.x86_64.img\noptions root=UUID=abcd ro rhgb quiet\n# comment\n', 'x.conf');
  assert.equal(e.title, 'Fedora Linux (6.5.6-300.fc39.x86_64) 39');
  assert.equal(e.kernel, '/vmlinuz-6.5.6-300.fc39.x86_64');
  assert.deepEqual(e.initrds, ['/initramfs-6.5.6-300.fc39.x86_64.img']);
  assert.equal(e.root, 'UUID=abcd');
});
