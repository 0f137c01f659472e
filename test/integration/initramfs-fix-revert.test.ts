/**
 * The initramfs plugin on real Debian 12 images through the CLI: a deleted and a truncated
 * initrd are rebuilt with the installation's own update-initramfs and are valid (checked here
 * independently with zstd and cpio); revert puts the broken bytes back exactly; a missing
 * kernel comes back from the installation's package cache (or is named with the command to
 * run once online); a target without an initramfs tool is left unchanged with a clear message.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { withImageRoot } from '../helpers/image-root.js';
import { buildOnce, fileHashes, firstaid, imageSha } from './plugin-cli.js';

const NEEDS = needs({ root: true, loop: true, tools: ['losetup', 'sfdisk', 'zstd', 'cpio', 'mkfs.ext4'] });
const DEBS = process.env.FIRSTAID_FIXTURE_CACHE ? join(process.env.FIRSTAID_FIXTURE_CACHE, 'debs') : '/var/cache/firstaid-test/debs';

/** The initrd's entry names, listed by zstd and cpio themselves (not by the code under test). */
function cpioNames(initrd: Buffer): string[] {
  const raw = execFileSync('zstd', ['-dcq'], { input: initrd, maxBuffer: 512 * 1024 * 1024 });
  return execFileSync('cpio', ['-t', '--quiet'], { input: raw, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }).split('\n');
}

function fixJson(img: string): { status: number | null; result: { ok: boolean; verified: boolean; backupId: string | null; error: unknown; plan: { actions: { kind: string; argv?: string[]; text?: string }[]; blockers: string[] } } ; out: string } {
  const r = firstaid(['fix', 'initramfs', '--image', img, '--yes', '--json']);
  try {
    return { status: r.status, result: JSON.parse(r.stdout).result, out: r.stdout + r.stderr };
  } catch {
    throw new Error(`no JSON from fix: ${r.stdout}\n${r.stderr}`);
  }
}

describe('initramfs fix and revert (CLI, real images)', NEEDS, () => {
  before(buildOnce);

  test('bios: deleted initrd rebuilt with update-initramfs -c and valid; revert removes it again', async () => {
    const img = fixtureImage('bios');
    try {
      const kver = img.info.KERNEL;
      const initrd = `/boot/initrd.img-${kver}`;
      await withImageRoot(img.path, (r) => rmSync(join(r, initrd)));
      const d = firstaid(['diagnose', '--image', img.path]);
      assert.equal(d.status, 1);
      assert.match(d.stdout, new RegExp(`Initrd of ${kver} is missing`));
      const { status, result, out } = fixJson(img.path);
      assert.equal(status, 0, out);
      assert.ok(result.ok && result.verified, out);
      assert.deepEqual(result.plan.actions.filter((a) => a.kind === 'run').map((a) => a.argv), [['update-initramfs', '-c', '-k', kver]]);
      const names = await withImageRoot(img.path, (r) => cpioNames(readFileSync(join(r, initrd))), { readOnly: true });
      assert.ok(names.includes('init'), 'the new initrd has /init');
      assert.ok(names.some((n) => n.endsWith('/virtio_blk.ko')), 'and the modules the image needs');
      const rv = firstaid(['revert', result.backupId!, '--image', img.path, '--yes']);
      assert.equal(rv.status, 0, rv.stdout + rv.stderr);
      assert.deepEqual(await fileHashes(img.path, [initrd]), { [initrd]: 'absent' });
    } finally {
      img.dispose();
    }
  });

  test('uefi: truncated initrd rebuilt with update-initramfs -u; revert restores the truncated bytes exactly', async () => {
    const img = fixtureImage('uefi');
    try {
      const kver = img.info.KERNEL;
      const initrd = `/boot/initrd.img-${kver}`;
      await withImageRoot(img.path, (r) => truncateSync(join(r, initrd), Math.floor(statSync(join(r, initrd)).size / 3)));
      const broken = await fileHashes(img.path, [initrd]);
      const { status, result, out } = fixJson(img.path);
      assert.equal(status, 0, out);
      assert.deepEqual(result.plan.actions.filter((a) => a.kind === 'run').map((a) => a.argv), [['update-initramfs', '-u', '-k', kver]]);
      const fixed = await fileHashes(img.path, [initrd]);
      assert.notEqual(fixed[initrd], broken[initrd]);
      const names = await withImageRoot(img.path, (r) => cpioNames(readFileSync(join(r, initrd))), { readOnly: true });
      assert.ok(names.includes('init'));
      const rv = firstaid(['revert', result.backupId!, '--image', img.path, '--yes']);
      assert.equal(rv.status, 0, rv.stdout + rv.stderr);
      assert.deepEqual(await fileHashes(img.path, [initrd]), broken, 'the truncated initrd is back, byte for byte, same mode');
    } finally {
      img.dispose();
    }
  });

  test('bios: no initramfs tool in the target: clear message, image unchanged', async () => {
    const img = fixtureImage('bios');
    try {
      await withImageRoot(img.path, (r) => {
        rmSync(join(r, 'usr/sbin/update-initramfs'));
        rmSync(join(r, `boot/initrd.img-${img.info.KERNEL}`));
      });
      const before = imageSha(img.path);
      const r = firstaid(['fix', 'initramfs', '--image', img.path, '--yes']);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /No initramfs tool \(update-initramfs or dracut\) is installed in the installation/);
      assert.match(r.stdout, /apt-get install initramfs-tools/);
      assert.match(r.stdout, /nothing was changed/i);
      assert.equal(imageSha(img.path), before, 'not one byte of the image changed');
    } finally {
      img.dispose();
    }
  });

  test('bios: missing kernel: named with the command when no package is cached; reinstalled from the package cache when it is, revert restores /boot', async () => {
    const img = fixtureImage('bios');
    try {
      const kver = img.info.KERNEL;
      await withImageRoot(img.path, (r) => rmSync(join(r, `boot/vmlinuz-${kver}`)));
      const before = imageSha(img.path);
      const none = firstaid(['fix', 'initramfs', '--image', img.path, '--yes']);
      assert.equal(none.status, 1, none.stdout + none.stderr);
      assert.match(none.stdout, new RegExp(`Kernel ${kver} is missing from /boot`));
      assert.match(none.stdout, new RegExp(`apt-get install --reinstall linux-image-${kver}`));
      assert.equal(imageSha(img.path), before, 'nothing changed');

      const deb = readdirSync(DEBS).find((n) => n.startsWith(`linux-image-${kver}_`));
      assert.ok(deb, `the fixture cache ${DEBS} has the kernel package`);
      await withImageRoot(img.path, (r) => copyFileSync(join(DEBS, deb), join(r, 'var/cache/apt/archives', deb)));
      const boot = [`/boot/vmlinuz-${kver}`, `/boot/initrd.img-${kver}`, `/boot/config-${kver}`, '/boot/grub/grub.cfg'];
      const broken = await fileHashes(img.path, boot);
      const { status, result, out } = fixJson(img.path);
      assert.equal(status, 0, out);
      assert.deepEqual(result.plan.actions.filter((a) => a.kind === 'run').map((a) => a.argv), [['dpkg', '-i', `/var/cache/apt/archives/${deb}`]]);
      await withImageRoot(img.path, (r) => {
        assert.ok(existsSync(join(r, `boot/vmlinuz-${kver}`)), 'the kernel is back');
        assert.ok(cpioNames(readFileSync(join(r, `boot/initrd.img-${kver}`))).includes('init'));
      }, { readOnly: true });
      const rv = firstaid(['revert', result.backupId!, '--image', img.path, '--yes']);
      assert.equal(rv.status, 0, rv.stdout + rv.stderr);
      assert.deepEqual(await fileHashes(img.path, boot), broken, '/boot as it was before the fix');
    } finally {
      img.dispose();
    }
  });
});
