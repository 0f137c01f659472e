/** NVRAM boot entries: efibootmgr's output parsed, the calls that put a saved state back, and the grub plan per live boot mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nvramRestoreCalls, parseEfibootmgr } from '../../src/devices/nvram.js';
import { planGrub } from '../../src/rescue-plugins/grub/plan.js';
import type { Installation, PartitionRef } from '../../src/devices/types.js';
import type { Finding } from '../../src/rescue-plugins/types.js';

// OVMF's entries on a fresh variable store, as efibootmgr 17 prints them
const OVMF = `BootCurrent: 0001
Timeout: 0 seconds
BootOrder: 0001,0000,0002,0003
Boot0000* UiApp
Boot0001* UEFI QEMU QEMU CD-ROM 
Boot0002* UEFI QEMU HARDDISK QM00001 
Boot0003* EFI Internal Shell
`;

test('parse: BootOrder and every entry with its label', () => {
  const s = parseEfibootmgr(OVMF);
  assert.deepEqual(s.bootOrder, ['0001', '0000', '0002', '0003']);
  assert.deepEqual(s.entries.map((e) => e.num), ['0000', '0001', '0002', '0003']);
  assert.equal(s.entries[1]!.label, 'UEFI QEMU QEMU CD-ROM');
  assert.deepEqual(parseEfibootmgr('BootCurrent: 0001\nTimeout: 0 seconds\n').bootOrder, []);
});

test('restore: the added entry is deleted and BootOrder put back; nothing to do when unchanged', () => {
  const saved = parseEfibootmgr(OVMF);
  const now = parseEfibootmgr(OVMF.replace('BootOrder: 0001', 'BootOrder: 0004,0001') + 'Boot0004* debian\n');
  assert.deepEqual(nvramRestoreCalls(saved, now), [['--delete-bootnum', '--bootnum', '0004'], ['--bootorder', '0001,0000,0002,0003']]);
  assert.deepEqual(nvramRestoreCalls(saved, saved), []);
  const noOrder = { bootOrder: [], entries: saved.entries };
  assert.deepEqual(nvramRestoreCalls(noOrder, saved), [['--delete-bootorder']]);
});

const MiB = 1024 * 1024;
function uefiSystem(disk: string): Installation {
  const p = (n: number, start: number, extra: Partial<PartitionRef>): PartitionRef => ({ device: `${disk}${n}`, uuid: `u${n}`, partuuid: null, label: null, fstype: 'ext4', partn: n, start, size: 64 * MiB, parttype: null, ...extra });
  const esp = { ...p(1, MiB, { fstype: 'vfat' }), mountpoint: '/boot/efi' };
  const root = p(2, 65 * MiB, {});
  return {
    id: 'uuid:x', name: 'Debian', osRelease: { ID: 'debian' }, root,
    disk: { path: disk, ptuuid: null, pttype: 'gpt', serial: null, size: 600 * MiB },
    partitions: [esp, root], boot: null, esp, biosGrub: null, fstab: [], kernels: ['/boot/vmlinuz-6.1'], initrds: ['/boot/initrd.img-6.1'],
    grub: { dir: '/boot/grub', platforms: ['x86_64-efi'], cfg: '/boot/grub/grub.cfg', flavour: 'grub' }, firmware: 'uefi', evidence: [],
  };
}
const findings: Finding[] = [
  { id: 'grub.tools', pluginId: 'grub', title: 't', state: 'checked', severity: 'info', evidence: [], fixable: false, data: { flavour: 'grub', dir: '/boot/grub', bios: false, uefi: true, defaultGrubExists: true, bootloaderId: 'debian', espMountpoint: '/boot/efi' } },
  { id: 'grub.esp-loader', pluginId: 'grub', title: 'no loader', state: 'detected', severity: 'error', evidence: ['e'], fixable: true },
];
const runs = (p: ReturnType<typeof planGrub>) => p.actions.flatMap((a) => (a.kind === 'run' ? [a.argv.join(' ')] : []));
const notes = (p: ReturnType<typeof planGrub>) => p.actions.flatMap((a) => (a.kind === 'note' ? [a.text] : []));

test('booted in UEFI mode: an efibootmgr entry after the install, NVRAM backed up first', () => {
  const p = planGrub(findings, uefiSystem('/dev/vda'), 'uefi');
  assert.deepEqual(runs(p), [
    'grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --removable --no-nvram',
    'efibootmgr --create --disk /dev/vda --part 1 --label debian --loader \\EFI\\BOOT\\BOOTX64.EFI',
    'grub-mkconfig -o /boot/grub/grub.cfg',
  ]);
  assert.ok(p.touches.some((t) => t.kind === 'nvram'));
  assert.match(notes(p).join('\n'), /boot entry "debian" .* backed up first/);
});

test('booted in BIOS mode, or a disk image: no NVRAM entry, and the note says why', () => {
  const bios = planGrub(findings, uefiSystem('/dev/vda'), 'bios');
  assert.ok(!runs(bios).some((r) => r.startsWith('efibootmgr')));
  assert.ok(!bios.touches.some((t) => t.kind === 'nvram'));
  assert.match(notes(bios).join('\n'), /booted in BIOS mode.*--no-nvram/);
  const image = planGrub(findings, uefiSystem('/dev/loop3p'), 'uefi');
  assert.ok(!runs(image).some((r) => r.startsWith('efibootmgr')));
  assert.match(notes(image).join('\n'), /an image \(a loop device\)/);
});
