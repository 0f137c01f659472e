/** Pure parts of the initramfs plugin: kernel facts from /boot, dpkg status and the package cache; the plans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFacts, installedKernelPackages, bootKernels, initrdPathFor } from '../../src/rescue-plugins/initramfs/facts.js';
import { planInitramfs } from '../../src/rescue-plugins/initramfs/plan.js';
import { finding, initrdFindingId, kernelFindingId, KERNELS_FINDING, type KernelsData } from '../../src/rescue-plugins/initramfs/finding.js';
import type { Installation } from '../../src/devices/types.js';
import type { Finding } from '../../src/rescue-plugins/types.js';

const V1 = '6.1.0-50-cloud-amd64';
const V2 = '6.1.0-49-cloud-amd64';
const STATUS = [
  `Package: linux-image-${V1}\nStatus: install ok installed\nVersion: 6.1.176-1`,
  `Package: linux-image-${V2}\nStatus: deinstall ok config-files\nVersion: 6.1.170-1`,
  'Package: linux-image-cloud-amd64\nStatus: install ok installed',
  'Package: bash\nStatus: install ok installed',
].join('\n\n') + '\n';
const SYS = {} as Installation;

test('bootKernels: vmlinuz-VER only, no .old or dpkg leftovers', () => {
  assert.deepEqual(bootKernels([`vmlinuz-${V1}`, `initrd.img-${V1}`, 'vmlinuz-1.2.3.dpkg-bak', 'grub', 'config-x']), [V1]);
});

test('installedKernelPackages: installed linux-image-VER packages only (not the meta package, not config-files)', () => {
  assert.deepEqual([...installedKernelPackages(STATUS)], [[`linux-image-${V1}`, V1]]);
});

test('initrd names: Debian initrd.img-VER, dracut initramfs-VER.img, what is in /boot wins', () => {
  assert.equal(initrdPathFor(V1, 'update-initramfs', []), `/boot/initrd.img-${V1}`);
  assert.equal(initrdPathFor(V1, 'dracut', []), `/boot/initramfs-${V1}.img`);
  assert.equal(initrdPathFor(V1, 'dracut', [`initrd.img-${V2}`]), `/boot/initrd.img-${V1}`);
  assert.equal(initrdPathFor(V1, 'update-initramfs', [`initramfs-${V1}.img`]), `/boot/initramfs-${V1}.img`);
});

test('kernelFacts: a kernel with a package but no image is listed, with its cached .deb', () => {
  const k = kernelFacts({ bootNames: [`config-${V1}`], moduleDirs: [V1], dpkgStatus: STATUS, archiveNames: [`linux-image-${V1}_6.1.170-1_amd64.deb`, `linux-image-${V1}_6.1.176-1_amd64.deb`, 'bash_5.2_amd64.deb'], tool: 'update-initramfs' });
  assert.equal(k.length, 1);
  assert.deepEqual(k[0], { version: V1, hasImage: false, initrd: `/boot/initrd.img-${V1}`, pkg: `linux-image-${V1}`, cachedDeb: `/var/cache/apt/archives/linux-image-${V1}_6.1.176-1_amd64.deb` });
});

function findings(tool: KernelsData['tool'], extra: Finding[]): Finding[] {
  const data: KernelsData = { tool, dpkg: true, kernels: [
    { version: V1, hasImage: true, initrd: `/boot/initrd.img-${V1}`, pkg: null, cachedDeb: null },
    { version: V2, hasImage: true, initrd: `/boot/initrd.img-${V2}`, pkg: null, cachedDeb: null },
  ] };
  return [finding(KERNELS_FINDING, 'kernels', 'checked', 'info', [], false, data as unknown as Record<string, unknown>), ...extra];
}
const badInitrd = (v: string, state: string) => finding(initrdFindingId(v), `initrd ${v}`, 'detected', 'blocker', [], true, { version: v, initrd: `/boot/initrd.img-${v}`, state });

test('plan: a missing initrd is created (-c), a damaged one updated (-u); every initrd is backed up', () => {
  const p = planInitramfs(findings('update-initramfs', [badInitrd(V1, 'missing'), badInitrd(V2, 'invalid')]), SYS);
  assert.deepEqual(p.blockers, []);
  assert.deepEqual(p.actions.filter((a) => a.kind === 'run').map((a) => a.kind === 'run' && a.argv), [
    ['update-initramfs', '-c', '-k', V1],
    ['update-initramfs', '-u', '-k', V2],
  ]);
  assert.deepEqual(p.touches, [{ kind: 'path', path: `/boot/initrd.img-${V1}` }, { kind: 'path', path: `/boot/initrd.img-${V2}` }]);
  assert.deepEqual(p.findings, [initrdFindingId(V1), initrdFindingId(V2)]);
  assert.ok(p.needsChroot);
});

test('plan: dracut systems use dracut --force --kver VER PATH', () => {
  const p = planInitramfs(findings('dracut', [badInitrd(V1, 'empty')]), SYS);
  const run = p.actions.find((a) => a.kind === 'run');
  assert.deepEqual(run?.kind === 'run' && run.argv, ['dracut', '--force', '--kver', V1, `/boot/initrd.img-${V1}`]);
});

test('plan: no initramfs tool in the target -> blocked, naming what to install', () => {
  const p = planInitramfs(findings(null, [badInitrd(V1, 'missing')]), SYS);
  assert.equal(p.blockers.length, 1);
  assert.match(p.blockers[0]!, /No initramfs tool .*initramfs-tools/);
  assert.equal(p.actions.filter((a) => a.kind === 'run').length, 0);
});

test('plan: a missing kernel in the package cache is reinstalled with dpkg -i (all of /boot backed up); not in the cache -> a note with the command', () => {
  const cached = finding(kernelFindingId(V1), 'kernel missing', 'detected', 'blocker', [], true, { version: V1, deb: '/var/cache/apt/archives/k.deb' });
  const p = planInitramfs(findings('update-initramfs', [cached, badInitrd(V1, 'missing')]), SYS);
  assert.deepEqual(p.actions.filter((a) => a.kind === 'run').map((a) => a.kind === 'run' && a.argv), [['dpkg', '-i', '/var/cache/apt/archives/k.deb']], 'its postinst builds the initrd');
  assert.ok(p.touches.some((t) => t.kind === 'path' && t.path === '/boot'));
  assert.deepEqual(p.findings.sort(), [initrdFindingId(V1), kernelFindingId(V1)].sort());

  const online = finding(kernelFindingId(V2), `Kernel ${V2} is missing`, 'detected', 'blocker', ['x', `Once the machine is online, run in it: apt-get install --reinstall linux-image-${V2}`], false, { version: V2 });
  const q = planInitramfs(findings('update-initramfs', [online]), SYS);
  assert.equal(q.actions.length, 1);
  assert.ok(q.actions[0]!.kind === 'note' && /apt-get install --reinstall linux-image-/.test(q.actions[0]!.text));
  assert.deepEqual(q.touches, []);
  assert.deepEqual(q.findings, []);
});
