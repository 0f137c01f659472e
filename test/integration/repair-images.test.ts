/**
 * Issue 13 on real images (loop devices, the CLI bundle): fstab with many faults at once and the
 * grub.cfg-against-/boot classes are fixed with the defaults and verified; revert restores the
 * broken bytes exactly; a read-only target gets a clear message and no change.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { treeListing } from '../helpers/bytes.js';
import { assertNothingLeft, build, runFirstaid, sandbox } from './systems-helpers.js';
import { readRootBytes, readRootFile, sha256, withPartition, writeRootFile } from './fstab-image.js';
import { biosFstabFaults, sevenFstabFaults } from './repair-faults.js';
import type { FixResult } from '../../src/rescue-plugins/types.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid', 'mdir', 'grub-script-check', 'chattr'] });

function backupId(stdout: string): string {
  const id = /Backup: (\S+\/\S+) in /.exec(stdout)?.[1];
  assert.ok(id, stdout);
  return id;
}

describe('issue 13 repairs on fixture images', N, () => {
  before(() => build());

  test('uefi, seven fstab faults (ext4 and the ESP vfat line): fix --yes repairs all with evidence, creates the mount points; revert restores the bytes and removes them', async () => {
    const img = fixtureImage('uefi');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      const [broken, fixed] = sevenFstabFaults(img.info);
      writeRootFile(img.path, root, 'etc/fstab', broken);
      const dry = await runFirstaid(['fix', 'fstab', '--dry-run', '--image', img.path], { sandbox: sb });
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      // The plan shows the evidence and the diff.
      assert.match(dry.stdout, /only unclaimed ext4 filesystem/);
      assert.match(dry.stdout, /"bogusopt"/);
      assert.match(dry.stdout, /\+UUID=\S+ \/boot\/efi vfat umask=0077 0 1/);
      assert.match(dry.stdout, /x-systemd\.device-timeout=10s/);
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Fixed and verified/);
      assert.equal(readRootFile(img.path, root, 'etc/fstab'), fixed);
      const dirs = withPartition(img.path, root, (m) => execFileSync('stat', ['-c', '%F %a', `${m}/srv/archive`, `${m}/srv/scratch`], { encoding: 'utf8' }));
      assert.equal(dirs, 'directory 755\ndirectory 755\n');
      const again = await runFirstaid(['diagnose', '--image', img.path, '--json'], { sandbox: sb });
      const fstab = (JSON.parse(again.stdout) as { plugins: { pluginId: string; findings: { state: string; severity: string; id: string }[] }[] }).plugins.find((p) => p.pluginId === 'fstab')!;
      // What stays visible: the disk that is gone (info, nofail) and /srv/data/cache (inside the data filesystem).
      assert.deepEqual(fstab.findings.filter((f) => f.state === 'detected').map((f) => `${f.id} ${f.severity}`).sort(), ['fstab.missing-mountpoint:5 warning', 'fstab.unresolved-optional:6 info']);

      const rv = await runFirstaid(['revert', backupId(r.stdout), '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.ok(readRootBytes(img.path, root, 'etc/fstab').equals(Buffer.from(broken)), 'revert restores the broken bytes');
      assert.equal(withPartition(img.path, root, (m) => execFileSync('ls', [`${m}/srv`], { encoding: 'utf8' })), 'data\n', 'the created mount points are gone');
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('bios: a kernel name for /, missing fields and an unknown option; revert byte for byte', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      const [broken, fixed] = biosFstabFaults(img.info);
      writeRootFile(img.path, root, 'etc/fstab', broken);
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--json', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const { result } = JSON.parse(r.stdout) as { result: FixResult };
      assert.ok(result.ok && result.verified);
      assert.equal(readRootFile(img.path, root, 'etc/fstab'), fixed);
      const rv = await runFirstaid(['revert', result.backupId!, '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.ok(readRootBytes(img.path, root, 'etc/fstab').equals(Buffer.from(broken)));
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('bios grub.cfg without initrd lines and naming a kernel that is not there: regenerated, verified; revert restores /boot/grub exactly', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      await breakImage(img.path, 'grub-cfg-no-initrd');
      const d = await runFirstaid(['diagnose', '--image', img.path], { sandbox: sb });
      assert.match(d.stdout, /grub\.cfg entr(y boots|ies boot) a kernel without its initrd/);
      assert.match(d.stdout, /has no initrd line, but \/boot\/initrd\.img-\S+ exists/);
      await breakImage(img.path, 'grub-cfg-kernel');
      const broken = withPartition(img.path, root, (m) => treeListing(`${m}/boot/grub`));
      const r = await runFirstaid(['fix', 'grub', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Fixed and verified/);
      assert.match(r.stdout, /missing: \/boot\/vmlinuz-\S+-gone/);
      const cfg = readRootFile(img.path, root, 'boot/grub/grub.cfg');
      assert.match(cfg, new RegExp(`initrd\\s+/boot/initrd\\.img-${img.info.KERNEL.replace(/\./g, '\\.')}`));
      assert.ok(!cfg.includes('-gone'));
      const rv = await runFirstaid(['revert', backupId(r.stdout), '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.deepEqual(withPartition(img.path, root, (m) => treeListing(`${m}/boot/grub`)), broken);
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('a read-only target filesystem (ext4 read-only feature: mount leaves it read-only): a clear message, nothing changed', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    try {
      await breakImage(img.path, 'fstab-uuid-data');
      withPartition(img.path, img.info.ROOT_PART, () => undefined, { node: (dev) => execFileSync('tune2fs', ['-O', 'read-only', dev], { stdio: 'ignore' }) });
      const h0 = await sha256(img.path);
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
      assert.match(r.stdout, /nothing was changed: The installation's filesystem \/dev\/loop\d+p1 stays read-only: it could not be mounted read-write\./);
      assert.match(r.stdout, /run fsck/);
      assert.equal(await sha256(img.path), h0, 'the image is unchanged');
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('a read-only target (the image cannot be written): a clear message, nothing changed', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    try {
      await breakImage(img.path, 'fstab-uuid-data');
      const h0 = await sha256(img.path);
      execFileSync('chattr', ['+i', img.path]);
      try {
        const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
        assert.match(r.stderr, /bios\.img" cannot be read and written\.\n\s+Check its permissions/);
      } finally {
        execFileSync('chattr', ['-i', img.path]);
      }
      assert.equal(await sha256(img.path), h0, 'the image is unchanged');
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });
});
