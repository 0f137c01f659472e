/** grub.cfg against /boot (issue 13, part 2): pure checks of the entries, and the plan they lead to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGrubCfg } from '../../src/rescue-plugins/grub/cfg.js';
import { checkAgainstBoot, initrdCandidates, kernelVersion, pathsToLookUp } from '../../src/rescue-plugins/grub/cfg-check.js';
import { planGrub } from '../../src/rescue-plugins/grub/plan.js';
import type { Finding } from '../../src/rescue-plugins/types.js';
import type { Installation } from '../../src/devices/types.js';

const V = '6.1.0-50-cloud-amd64';
const entry = (kernel: string, initrd: string | null, title = 'Debian') => `menuentry '${title}' {\n\tlinux\t${kernel} root=UUID=r ro\n${initrd ? `\tinitrd\t${initrd}\n` : ''}}\n`;
const BOOT = new Set([`/boot/vmlinuz-${V}`, `/boot/initrd.img-${V}`]);
const has = (p: string) => BOOT.has(p);

test('kernel version and the initrd names /boot may hold for it', () => {
  assert.equal(kernelVersion(`/boot/vmlinuz-${V}`), V);
  assert.equal(kernelVersion('/boot/bzImage'), null);
  assert.deepEqual(initrdCandidates(`/boot/vmlinuz-${V}`), [`/boot/initrd.img-${V}`, `/boot/initramfs-${V}.img`]);
});

test('a healthy entry: nothing missing, nothing without initrd', () => {
  const r = checkAgainstBoot(parseGrubCfg(entry(`/boot/vmlinuz-${V}`, `/boot/initrd.img-${V}`)).entries, false, has);
  assert.deepEqual(r, { missing: [], present: [`/boot/vmlinuz-${V}`, `/boot/initrd.img-${V}`], withoutInitrd: [] });
});

test('a kernel version that is not there, and its initrd: both named as missing', () => {
  const r = checkAgainstBoot(parseGrubCfg(entry(`/boot/vmlinuz-${V}-gone`, `/boot/initrd.img-${V}-gone`)).entries, false, has);
  assert.deepEqual(r.missing, [`/boot/vmlinuz-${V}-gone`, `/boot/initrd.img-${V}-gone`]);
  assert.deepEqual(r.withoutInitrd, []);
});

test('an entry without an initrd line while /boot has one for its kernel; none when /boot has none', () => {
  const cfg = parseGrubCfg(entry(`/boot/vmlinuz-${V}`, null, 'no initrd') + entry(`/boot/vmlinuz-${V}`, `/boot/initrd.img-${V}`, 'fine'));
  const r = checkAgainstBoot(cfg.entries, false, has);
  assert.deepEqual(r.withoutInitrd, [{ title: 'no initrd', kernel: `/boot/vmlinuz-${V}`, initrd: `/boot/initrd.img-${V}` }]);
  const noInitrdInBoot = checkAgainstBoot(cfg.entries.slice(0, 1), false, (p) => p === `/boot/vmlinuz-${V}`);
  assert.deepEqual(noInitrdInBoot.withoutInitrd, []);
  // A kernel that is itself missing is reported as missing, not as lacking an initrd.
  assert.deepEqual(checkAgainstBoot(parseGrubCfg(entry('/boot/vmlinuz-9.9', null)).entries, false, has).withoutInitrd, []);
});

test('separate /boot: GRUB paths are relative to it; the paths to look up include the initrd candidates', () => {
  const cfg = parseGrubCfg(entry(`/vmlinuz-${V}`, null));
  const r = checkAgainstBoot(cfg.entries, true, has);
  assert.deepEqual(r.withoutInitrd.map((e) => e.initrd), [`/boot/initrd.img-${V}`]);
  assert.deepEqual(pathsToLookUp(cfg.entries, true).sort(), [`/boot/initramfs-${V}.img`, `/boot/initrd.img-${V}`, `/boot/vmlinuz-${V}`]);
});

test('cfg findings alone: the plan regenerates grub.cfg only (no grub-install), backs up the GRUB directory, says what verify checks', () => {
  const system = {
    disk: { path: '/dev/loop9', pttype: 'dos' }, partitions: [{ start: 1048576 }], esp: null, biosGrub: null, firmware: 'bios',
    grub: { dir: '/boot/grub', platforms: ['i386-pc'], cfg: '/boot/grub/grub.cfg', flavour: 'grub' },
  } as unknown as Installation;
  const f = (id: string): Finding => ({ id, pluginId: 'grub', title: id, state: 'detected', severity: 'error', evidence: [], fixable: true });
  for (const id of ['grub.cfg-initrd', 'grub.cfg-kernels', 'grub.cfg-root', 'grub.cfg']) {
    const p = planGrub([f(id)], system);
    assert.deepEqual(p.actions.filter((a) => a.kind === 'run').map((a) => a.kind === 'run' && a.argv), [['grub-mkconfig', '-o', '/boot/grub/grub.cfg']], id);
    assert.deepEqual(p.touches, [{ kind: 'path', path: '/boot/grub' }]);
    assert.ok(p.actions.some((a) => a.kind === 'note' && /names only kernels and initrds that exist/.test(a.text)));
    assert.deepEqual(p.findings, [id]);
  }
});
