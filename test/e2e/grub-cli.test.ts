/**
 * grub through the CLI, without booting: revert puts the MBR area, the bios_grub partition,
 * /boot/grub and the ESP back byte for byte; a second fix changes nothing; a grub.cfg syntax
 * error is repaired by regeneration; a target without grub-install is refused, unchanged.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { bootAreas } from '../integration/grub-context.js';

const REPO = join(import.meta.dirname, '..', '..');
const NEEDS = needs({ root: true, loop: true, tools: ['losetup', 'mdir', 'mcopy', 'fusefat', 'mkfs.vfat', 'grub-script-check', 'sha256sum'] });
const fileSha = (p: string) => execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]!;

function firstaid(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(REPO, 'bin', 'firstaid'), args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('grub through the CLI', NEEDS, () => {
  before(() => {
    execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  });

  test('hybrid, MBR code wiped and EFI loader deleted: fix, then revert restores everything byte for byte', async () => {
    const img = fixtureImage('hybrid');
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'efi-binary');
      const broken = await bootAreas(img.path);
      const fix = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.equal(fix.status, 0, `${fix.stdout}\n${fix.stderr}`);
      const id = /firstaid revert (grub\/\S+)/.exec(fix.stdout)?.[1];
      assert.ok(id, fix.stdout);
      const fixed = await bootAreas(img.path);
      assert.notEqual(fixed.firstMiB, broken.firstMiB);
      assert.notEqual(fixed.esp, broken.esp);
      const rev = firstaid('revert', id!, '--image', img.path, '--yes');
      assert.equal(rev.status, 0, `${rev.stdout}\n${rev.stderr}`);
      const after = await bootAreas(img.path);
      assert.equal(after.firstMiB, broken.firstMiB, 'first MiB');
      assert.equal(after.biosGrub, broken.biosGrub, 'bios_grub partition');
      assert.equal(after.esp, broken.esp, 'ESP partition');
      assert.deepEqual(after.grubTree, broken.grubTree, '/boot/grub');
    } finally {
      img.dispose();
    }
  });

  test('uefi, x86_64-efi modules deleted: fixed; a second fix finds nothing and changes nothing', async () => {
    const img = fixtureImage('uefi');
    try {
      await breakImage(img.path, 'grub-modules-efi');
      const fix = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.equal(fix.status, 0, `${fix.stdout}\n${fix.stderr}`);
      assert.match(fix.stdout, /x86_64-efi module directory/);
      const before = fileSha(img.path);
      const again = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
      assert.match(again.stdout, /nothing to fix/i);
      assert.equal(fileSha(img.path), before, 'image unchanged by the second fix');
    } finally {
      img.dispose();
    }
  });

  test('bios, grub.cfg with a syntax error: detected and fixed by regeneration', async () => {
    const img = fixtureImage('bios');
    try {
      await breakImage(img.path, 'grub-cfg-syntax');
      const fix = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.equal(fix.status, 0, `${fix.stdout}\n${fix.stderr}`);
      assert.match(fix.stdout, /syntax error/);
      assert.match(fix.stdout, /grub-mkconfig/);
      assert.doesNotMatch(fix.stdout, /grub-install/, 'a grub.cfg problem needs no grub-install');
      const diag = firstaid('diagnose', 'grub', '--image', img.path, '--json');
      const findings = (JSON.parse(diag.stdout) as { plugins: { pluginId: string; findings: { id: string; state: string }[] }[] }).plugins.find((p) => p.pluginId === 'grub')!.findings;
      assert.equal(findings.find((f) => f.id === 'grub.cfg')?.state, 'checked');
      assert.deepEqual(findings.filter((f) => f.state === 'detected' || f.state === 'error').map((f) => f.id), []);
    } finally {
      img.dispose();
    }
  });

  test('bios without grub-install in the target: a clear blocker, the image unchanged', async () => {
    const img = fixtureImage('bios');
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'no-grub-install');
      const before = fileSha(img.path);
      const fix = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.notEqual(fix.status, 0);
      assert.match(`${fix.stdout}\n${fix.stderr}`, /no grub-install \(package grub-pc/);
      assert.doesNotMatch(`${fix.stdout}\n${fix.stderr}`, /at .*\.ts:\d+/, 'no stack trace');
      assert.equal(fileSha(img.path), before);
    } finally {
      img.dispose();
    }
  });

  test('bios, grub.cfg broken on a full root filesystem: refused before anything changes', async () => {
    const img = fixtureImage('bios');
    try {
      await breakImage(img.path, 'grub-cfg-syntax');
      await breakImage(img.path, 'fill-root');
      const before = fileSha(img.path);
      const fix = firstaid('fix', 'grub', '--image', img.path, '--yes');
      assert.notEqual(fix.status, 0);
      assert.match(fix.stdout, /Not enough free space for GRUB's files/);
      assert.match(fix.stdout, /nothing was changed/);
      assert.equal(fileSha(img.path), before);
    } finally {
      img.dispose();
    }
  });
});
