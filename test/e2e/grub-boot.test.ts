/**
 * The grub repair proven by booting: fixture images broken four ways, repaired with
 * `firstaid fix grub --image X --yes` (defaults), each boot to the marker in QEMU.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage, type ImageType } from '../helpers/images.js';

const REPO = join(import.meta.dirname, '..', '..');
const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'losetup', 'mdir', 'mcopy', 'fusefat', 'mkfs.vfat', 'grub-script-check'] });

const CASES: [ImageType, string, RegExp][] = [
  ['bios', 'mbr-code', /No boot code in the MBR/],
  ['bios', 'grub-cfg', /grub\.cfg is missing/],
  ['bios', 'grub-modules', /i386-pc module directory .* is missing/],
  ['uefi', 'efi-binary', /no usable EFI loader/],
];

describe('grub fix boots again', NEEDS, () => {
  before(() => {
    execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  });
  for (const [type, mode, finding] of CASES) {
    test(`${type} ${mode}: fix grub --yes, then BOOT-OK`, async () => {
      const img = fixtureImage(type);
      try {
        await breakImage(img.path, mode);
        const r = spawnSync(join(REPO, 'bin', 'firstaid'), ['fix', 'grub', '--image', img.path, '--yes'], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, finding);
        assert.match(r.stdout, /Fixed and verified/);
        assert.match(r.stdout, /Backup: grub\//);
        assert.equal(await bootCheck(img.path), 'BOOT-OK');
      } finally {
        img.dispose();
      }
    });
  }
});
