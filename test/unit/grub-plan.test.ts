import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planGrub } from '../../src/rescue-plugins/grub/plan.js';
import type { Installation, PartitionRef } from '../../src/devices/types.js';
import type { Finding } from '../../src/rescue-plugins/types.js';
import type { GrubPlanFacts } from '../../src/rescue-plugins/grub/facts.js';

const MiB = 1024 * 1024;
function part(n: number, start: number, size: number, extra: Partial<PartitionRef> = {}): PartitionRef {
  return { device: `/dev/sdb${n}`, uuid: `uuid-${n}`, partuuid: null, label: null, fstype: 'ext4', partn: n, start, size, parttype: null, ...extra };
}

function system(kind: 'bios' | 'uefi' | 'hybrid'): Installation {
  const esp = kind === 'bios' ? null : { ...part(kind === 'hybrid' ? 2 : 1, kind === 'hybrid' ? 2 * MiB : MiB, 64 * MiB, { fstype: 'vfat' }), mountpoint: '/boot/efi' };
  const biosGrub = kind === 'hybrid' ? part(1, MiB, MiB, { fstype: null }) : null;
  const root = part(kind === 'bios' ? 1 : kind === 'uefi' ? 2 : 3, kind === 'bios' ? MiB : 66 * MiB, 500 * MiB);
  const partitions = [biosGrub, esp, root].filter((p): p is PartitionRef => p !== null);
  return {
    id: 'uuid:x', name: 'Debian', osRelease: { ID: 'debian' }, root,
    disk: { path: '/dev/sdb', ptuuid: null, pttype: kind === 'bios' ? 'dos' : 'gpt', serial: null, size: 600 * MiB },
    partitions, boot: null, esp, biosGrub, fstab: [], kernels: ['/boot/vmlinuz-6.1'], initrds: ['/boot/initrd.img-6.1'],
    grub: { dir: '/boot/grub', platforms: kind === 'bios' ? ['i386-pc'] : kind === 'uefi' ? ['x86_64-efi'] : ['i386-pc', 'x86_64-efi'], cfg: '/boot/grub/grub.cfg', flavour: 'grub' },
    firmware: kind, evidence: [],
  };
}

function f(id: string, state: Finding['state'] = 'detected', extra: Partial<Finding> = {}): Finding {
  return { id: `grub.${id}`, pluginId: 'grub', title: id, state, severity: 'error', evidence: ['e'], fixable: state === 'detected', ...extra };
}
function tools(facts: Partial<GrubPlanFacts>): Finding {
  return f('tools', 'checked', { data: { flavour: 'grub', dir: '/boot/grub', bios: true, uefi: false, defaultGrubExists: true, bootloaderId: 'debian', espMountpoint: null, ...facts } });
}
const runs = (p: ReturnType<typeof planGrub>) => p.actions.flatMap((a) => (a.kind === 'run' ? [a.argv.join(' ')] : []));

test('healthy: nothing to fix, no touches, no chroot', () => {
  const p = planGrub([tools({}), f('mbr-boot-code', 'checked'), f('cfg', 'checked')], system('bios'));
  assert.equal(p.actions.length, 0);
  assert.equal(p.touches.length, 0);
  assert.equal(p.needsChroot, false);
  assert.deepEqual(p.blockers, []);
});

test('BIOS boot code wiped: grub-install onto the installation disk only, boot area backed up, grub.cfg regenerated', () => {
  const p = planGrub([tools({}), f('mbr-boot-code')], system('bios'));
  assert.deepEqual(runs(p), ['grub-install --target=i386-pc /dev/sdb', 'grub-mkconfig -o /boot/grub/grub.cfg']);
  assert.ok(p.actions.every((a) => a.kind !== 'run' || a.inChroot));
  assert.deepEqual(p.touches[0], { kind: 'range', device: '/dev/sdb', offset: 0, length: MiB, name: 'boot-area', why: p.touches[0]!.kind === 'range' ? p.touches[0]!.why : '' });
  assert.ok(p.touches.some((t) => t.kind === 'path' && t.path === '/boot/grub'));
  assert.ok(p.touches.some((t) => t.kind === 'path' && t.path === '/etc/default/grub'));
  assert.deepEqual(p.findings, ['grub.mbr-boot-code']);
  assert.equal(p.needsChroot, true);
});

test('grub.cfg problem only: just grub-mkconfig, no disk range touched', () => {
  const p = planGrub([tools({ defaultGrubExists: false }), f('cfg')], system('bios'));
  assert.deepEqual(runs(p), ['grub-mkconfig -o /boot/grub/grub.cfg']);
  assert.deepEqual(p.touches, [{ kind: 'path', path: '/boot/grub' }]);
});

test('UEFI loader missing: removable, no NVRAM, whole ESP partition backed up as a range', () => {
  const sys = system('uefi');
  const p = planGrub([tools({ bios: false, uefi: true, espMountpoint: '/boot/efi' }), f('esp-loader')], sys);
  assert.deepEqual(runs(p), [
    'grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --removable --no-nvram',
    'grub-mkconfig -o /boot/grub/grub.cfg',
  ]);
  const esp = p.touches.find((t) => t.kind === 'range' && t.name === 'esp');
  assert.deepEqual(esp && esp.kind === 'range' ? [esp.device, esp.offset, esp.length] : null, ['/dev/sdb', MiB, 64 * MiB]);
  assert.ok(!p.touches.some((t) => t.kind === 'range' && t.name === 'boot-area'), 'the MBR is not touched for a UEFI-only repair');
  assert.ok(p.actions.some((a) => a.kind === 'note' && /no-nvram|NVRAM/.test(a.text)));
});

test('hybrid, core image wiped: boot area plus bios_grub partition; EFI untouched', () => {
  const p = planGrub([tools({ bios: true, uefi: true, espMountpoint: '/boot/efi' }), f('core-image')], system('hybrid'));
  assert.deepEqual(runs(p), ['grub-install --target=i386-pc /dev/sdb', 'grub-mkconfig -o /boot/grub/grub.cfg']);
  const ranges = p.touches.flatMap((t) => (t.kind === 'range' ? [[t.name, t.offset, t.length]] : []));
  assert.deepEqual(ranges, [['boot-area', 0, MiB], ['bios-grub', MiB, MiB]]);
});

test('grub2 flavour: grub2-* tools and /boot/grub2', () => {
  const sys = system('bios');
  const p = planGrub([tools({ flavour: 'grub2', dir: '/boot/grub2' }), f('modules-i386-pc')], sys);
  assert.deepEqual(runs(p), ['grub2-install --target=i386-pc /dev/sdb', 'grub2-mkconfig -o /boot/grub2/grub.cfg']);
  assert.ok(p.touches.some((t) => t.kind === 'path' && t.path === '/boot/grub2'));
});

test('blockers (GPT without bios_grub, no grub-install) are carried into the plan', () => {
  const p = planGrub([tools({}), f('mbr-boot-code'), f('gpt-bios-grub', 'detected', { severity: 'blocker', fixable: false, title: 'GPT disk without bios_grub', evidence: ['a', 'create one'] })], system('uefi'));
  assert.equal(p.blockers.length, 1);
  assert.match(p.blockers[0]!, /bios_grub/);
  const only = planGrub([tools({}), f('gpt-bios-grub', 'detected', { severity: 'blocker', fixable: false })], system('uefi'));
  assert.equal(only.actions.length, 0);
  assert.equal(only.blockers.length, 1);
});

test('never more than the installation disk: every run argv names at most /dev/sdb', () => {
  for (const kind of ['bios', 'uefi', 'hybrid'] as const) {
    const p = planGrub([tools({ bios: kind !== 'uefi', uefi: kind !== 'bios', espMountpoint: '/boot/efi' }), f('mbr-boot-code'), f('esp-loader')], system(kind));
    for (const a of p.actions) if (a.kind === 'run') for (const w of a.argv) if (w.startsWith('/dev/')) assert.equal(w, '/dev/sdb');
    for (const t of p.touches) if (t.kind === 'range') assert.equal(t.device, '/dev/sdb');
  }
});

test('an ESP on another disk is not written: blocker', () => {
  const sys = system('uefi');
  sys.esp = { ...sys.esp!, device: '/dev/sdc1' };
  const p = planGrub([tools({ bios: false, uefi: true, espMountpoint: '/boot/efi' }), f('esp-loader')], sys);
  assert.ok(p.blockers.some((b) => /another disk/.test(b)));
  assert.ok(!p.touches.some((t) => t.kind === 'range'));
});

test('ESP without a filesystem: mkfs.vfat with the fstab volume id on the ESP partition, before grub-install', () => {
  const p = planGrub([tools({ bios: false, uefi: true, espMountpoint: '/boot/efi' }), f('esp-filesystem', 'detected', { data: { volumeId: '66AEB07A' } })], system('uefi'));
  assert.deepEqual(runs(p), [
    'mkfs.vfat -F 32 -n ESP -i 66AEB07A /dev/sdb1',
    'grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --removable --no-nvram',
    'grub-mkconfig -o /boot/grub/grub.cfg',
  ]);
  assert.ok(p.touches.some((t) => t.kind === 'range' && t.name === 'esp'));
});
