/**
 * grub diagnose on real fixture images: healthy ones report nothing (and are not written to),
 * each kind of damage is reported by the right finding.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { breakImage, fixtureImage, type ImageType } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { openImageContext } from './grub-context.js';
import { grubPlugin } from '../../src/rescue-plugins/grub/index.js';
import type { Finding } from '../../src/rescue-plugins/types.js';
import type { Installation } from '../../src/devices/types.js';

const NEEDS = needs({ root: true, loop: true, tools: ['parted', 'mkfs.ext4', 'mkfs.vfat', 'mdir', 'grub-script-check', 'losetup'] });

function sha(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

async function diagnose(type: ImageType, modes: string[]): Promise<{ findings: Finding[]; wroteRw: boolean; shaSame: boolean; system: Installation }> {
  const img = fixtureImage(type);
  try {
    for (const m of modes) await breakImage(img.path, m);
    // Hashing 600 MB takes seconds: only the healthy images (the no-write promise) are hashed.
    const before = modes.length === 0 ? sha(img.path) : '';
    const c = await openImageContext(img.path, { writable: false });
    let findings: Finding[];
    let wroteRw = false;
    const system = c.ctx.system;
    try {
      findings = await grubPlugin.diagnose(c.ctx);
      wroteRw = c.system.readWrite || c.log.entries.some((e) => e.kind === 'command' && e.argv[0] === 'mount' && e.argv.some((a) => /(^|,)rw(,|$)|remount/.test(a)));
    } finally {
      await c.close();
    }
    return { findings, system, wroteRw, shaSame: modes.length === 0 ? sha(img.path) === before : true };
  } finally {
    img.dispose();
  }
}

const problems = (fs: Finding[]) => fs.filter((f) => f.state === 'detected' || f.state === 'error');

describe('grub diagnose: healthy images', NEEDS, () => {
  for (const type of ['bios', 'uefi', 'hybrid'] as const) {
    test(`${type}: no problem, every check reported, nothing written`, async () => {
      const r = await diagnose(type, []);
      assert.deepEqual(problems(r.findings).map((f) => `${f.id}: ${f.evidence.join(' / ')}`), []);
      const checked = r.findings.filter((f) => f.state === 'checked').map((f) => f.id);
      for (const id of ['grub.tools', 'grub.cfg', 'grub.cfg-kernels', 'grub.cfg-root']) assert.ok(checked.includes(id), `${id} checked`);
      if (type !== 'uefi') for (const id of ['grub.mbr-boot-code', 'grub.core-image', 'grub.modules-i386-pc']) assert.ok(checked.includes(id), `${id} checked`);
      if (type !== 'bios') for (const id of ['grub.esp-loader', 'grub.modules-x86_64-efi']) assert.ok(checked.includes(id), `${id} checked`);
      assert.equal(r.wroteRw, false, 'never mounted read-write');
      assert.ok(r.shaSame, 'the image is unchanged by diagnose');
    });
  }
});

const CASES: [ImageType, string[], string, RegExp][] = [
  ['bios', ['mbr-code'], 'grub.mbr-boot-code', /all zero/],
  ['bios', ['core-gap'], 'grub.core-image', /sector 1 .*all zero/],
  ['hybrid', ['core-gap'], 'grub.core-image', /sector 2048/],
  ['bios', ['grub-modules'], 'grub.modules-i386-pc', /i386-pc does not exist/],
  ['bios', ['grub-cfg'], 'grub.cfg', /does not exist/],
  ['bios', ['grub-cfg-syntax'], 'grub.cfg', /grub-script-check rejects/],
  ['uefi', ['grub-cfg-kernel'], 'grub.cfg-kernels', /missing: \/boot\/vmlinuz-.*-gone/],
  ['uefi', ['efi-binary'], 'grub.esp-loader', /BOOTX64.EFI missing/],
  ['hybrid', ['grub-cfg-root'], 'grub.cfg-root', /root=UUID=/],
  ['uefi', ['grub-modules-efi'], 'grub.modules-x86_64-efi', /x86_64-efi does not exist/],
];

describe('grub diagnose: damaged images', NEEDS, () => {
  for (const [type, modes, id, evidence] of CASES) {
    test(`${type} ${modes.join('+')} -> ${id}`, async () => {
      const r = await diagnose(type, modes);
      const p = problems(r.findings);
      assert.deepEqual(p.map((f) => f.id), [id], p.map((f) => `${f.id}: ${f.evidence.join(' / ')}`).join('\n'));
      assert.equal(p[0]!.state, 'detected');
      assert.ok(p[0]!.fixable);
      assert.match(p[0]!.evidence.join('\n'), evidence);
      assert.equal(r.wroteRw, false);
    });
  }

  test('bios without grub-install in the target: a clear blocker naming the package', async () => {
    const r = await diagnose('bios', ['mbr-code', 'no-grub-install']);
    const tools = r.findings.find((f) => f.id === 'grub.tools')!;
    assert.equal(tools.state, 'detected');
    assert.equal(tools.severity, 'blocker');
    assert.match(tools.title, /no grub-install \(package grub-pc/);
  });

  test('hybrid GPT disk without a bios_grub partition: a blocker that explains itself, not a fix', async () => {
    const r = await diagnose('hybrid', ['no-bios-grub']);
    const f = r.findings.find((x) => x.id === 'grub.gpt-bios-grub')!;
    assert.equal(f.state, 'detected');
    assert.equal(f.severity, 'blocker');
    assert.equal(f.fixable, false);
    assert.match(f.evidence.join(' '), /bios_grub/);
    const plan = grubPlugin.plan(r.findings, r.system, {});
    assert.ok(plan.blockers.some((b) => /bios_grub/.test(b)), JSON.stringify(plan));
  });

  test('grub.cfg-only damage without grub-install is still fixable (grub-mkconfig suffices)', async () => {
    const r = await diagnose('bios', ['grub-cfg', 'no-grub-install']);
    assert.equal(r.findings.find((f) => f.id === 'grub.tools')!.state, 'checked');
  });
});
