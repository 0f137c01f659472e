/**
 * The fstab repair proven by booting: a fixture image whose fstab names a data disk by a UUID that
 * no longer exists (the boot is seen to stop in emergency mode), repaired with `firstaid fix fstab --yes` and
 * defaults, boots to the marker in QEMU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage } from '../helpers/images.js';
import { readRootFile, writeRootFile } from '../integration/fstab-image.js';

const REPO = join(import.meta.dirname, '..', '..');

test('stale data-disk UUID in fstab: fix --yes, then the image boots to BOOT-OK', needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('bios');
  try {
    await breakImage(img.path, 'fstab-uuid-data');
    // Unrepaired, the boot waits out the fixture's device timeout and stops: the longer timeout
    // (for loaded hosts) hides no failure, and boot-check's limit leaves room to see it.
    assert.equal(await bootCheck(img.path), 'EMERGENCY-MODE');
    const out = execFileSync(join(REPO, 'bin', 'firstaid'), ['fix', 'fstab', '--yes', '--image', img.path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /Fixed and verified/);
    assert.match(out, /Backup: fstab\//);
    const verdict = await bootCheck(img.path);
    assert.equal(verdict, 'BOOT-OK');
  } finally {
    img.dispose();
  }
});

test('uefi, a data disk that is gone for good (nothing can replace it): fix --yes adds nofail and a short device timeout, the image boots', needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('uefi');
  try {
    const fstab = readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab');
    // An xfs disk that was removed: no xfs filesystem is left anywhere, so no remap is possible.
    const line = 'UUID=5e1f0000-1111-2222-3333-444455556666 /srv/archive xfs defaults 0 2';
    writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', `${fstab}${line}\n`);
    const out = execFileSync(join(REPO, 'bin', 'firstaid'), ['fix', 'fstab', '--yes', '--image', img.path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /Fixed and verified/);
    assert.equal(readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab'), `${fstab}${line.replace('defaults', 'defaults,nofail,x-systemd.device-timeout=10s')}\n`);
    assert.equal(await bootCheck(img.path), 'BOOT-OK');
  } finally {
    img.dispose();
  }
});
