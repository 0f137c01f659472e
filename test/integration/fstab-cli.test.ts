/**
 * firstaid diagnose / fix fstab / revert on real fixture images (root, loop devices): the stale
 * data-disk UUID, an ESP UUID, garbage, a / line nothing can resolve, a full disk; read-only
 * diagnosis and idempotence by hash.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { assertNothingLeft, build, loggedCommands, runFirstaid, sandbox } from './systems-helpers.js';
import { readRootBytes, readRootFile, sha256, withPartition, writeRootFile } from './fstab-image.js';
import type { Finding, FixResult } from '../../src/rescue-plugins/types.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid', 'mdir', 'tune2fs'] });

interface DiagnoseJson { system: { id: string; name: string }; plugins: { pluginId: string; findings: Finding[]; error?: unknown }[] }

function fstabFindings(stdout: string): Finding[] {
  const j = JSON.parse(stdout) as DiagnoseJson;
  return j.plugins.find((p) => p.pluginId === 'fstab')!.findings;
}

describe('fstab on fixture images', N, () => {
  before(() => build());

  test('healthy bios, uefi and hybrid images: diagnose finds nothing, mounts nothing read-write, changes no byte', async () => {
    for (const type of ['bios', 'uefi', 'hybrid'] as const) {
      const img = fixtureImage(type);
      const sb = sandbox();
      try {
        const h0 = await sha256(img.path);
        const r = await runFirstaid(['diagnose', '--image', img.path, '--json'], { sandbox: sb });
        assert.equal(r.code, 0, `${type}: ${r.stdout}\n${r.stderr}`);
        const f = fstabFindings(r.stdout);
        assert.deepEqual(f.filter((x) => x.state !== 'checked'), []);
        assert.ok(f.length >= 5, 'every check reports itself');
        assert.equal(await sha256(img.path), h0, 'image unchanged by diagnose');
        const cmds = loggedCommands(sb);
        assert.ok(!cmds.some((a) => a[0] === 'mount' && a.some((x) => /(^|,)rw(,|$)|remount,rw/.test(x))), `a read-write mount: ${JSON.stringify(cmds.filter((a) => a[0] === 'mount'))}`);
        assert.ok(cmds.some((a) => a[0] === 'losetup' && a.includes('-r')), 'the image is attached read-only');
        assertNothingLeft(img.path, sb);
      } finally {
        sb.dispose();
        img.dispose();
      }
    }
  });

  test('stale data UUID: diagnose detects it, fix remaps it, second fix changes nothing, revert restores byte for byte', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      await breakImage(img.path, 'fstab-uuid-data');
      const broken = readRootFile(img.path, root, 'etc/fstab');
      assert.ok(!broken.includes(img.info.DATA_UUID));

      const d = await runFirstaid(['diagnose', '--image', img.path, '--json'], { sandbox: sb });
      assert.equal(d.code, 1, d.stderr);
      const stale = fstabFindings(d.stdout).find((f) => f.state === 'detected')!;
      assert.match(stale.id, /^fstab\.unresolved-source:\d+$/);
      assert.match(stale.evidence.join('\n'), /only unclaimed ext4 filesystem/);

      // Without --yes and without a terminal: exit 2, nothing written.
      const h0 = await sha256(img.path);
      const no = await runFirstaid(['fix', 'fstab', '--image', img.path], { sandbox: sb });
      assert.equal(no.code, 2, no.stdout + no.stderr);
      assert.match(no.stderr, /add --yes to apply, or --dry-run to see the plan/);
      const dry = await runFirstaid(['fix', 'fstab', '--dry-run', '--image', img.path], { sandbox: sb });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`\\+UUID=${img.info.DATA_UUID} /srv/data ext4`));
      assert.match(dry.stdout, /Backed up first:\n\s+\/etc\/fstab/);
      assert.equal(await sha256(img.path), h0, 'dry run and refusal change nothing');

      const fix = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(fix.code, 0, fix.stdout + fix.stderr);
      const id = /Backup: (fstab\/\S+) in /.exec(fix.stdout)?.[1];
      assert.ok(id, fix.stdout);
      assert.match(fix.stdout, new RegExp(`firstaid revert ${id!.replace('/', '\\/')}`));
      const fixed = readRootFile(img.path, root, 'etc/fstab');
      assert.equal(fixed, broken.replace(/^UUID=\S+( \/srv\/data )/m, `UUID=${img.info.DATA_UUID}$1`));
      assert.ok(withPartition(img.path, root, (m) => execFileSync('ls', [`${m}/var/lib/firstaid/backups/${id}`], { encoding: 'utf8' })).includes('manifest.json'));

      const h1 = await sha256(img.path);
      const again = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing to fix: nothing was changed/);
      assert.equal(await sha256(img.path), h1, 'a second fix changes nothing');

      const rv = await runFirstaid(['revert', id!, '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.match(rv.stdout, /\/etc\/fstab/);
      assert.equal(readRootFile(img.path, root, 'etc/fstab'), broken);
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('uefi: a stale ESP UUID is remapped to the ESP (vfat), --json result names the backup', async () => {
    const img = fixtureImage('uefi');
    const sb = sandbox();
    try {
      const text = readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab');
      writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', text.replace(img.info.ESP_UUID, '1234-ABCD'));
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--json', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const { result } = JSON.parse(r.stdout) as { result: FixResult };
      assert.equal(result.ok, true);
      assert.equal(result.verified, true);
      assert.match(result.backupId!, /^fstab\//);
      assert.equal(readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab'), text);
      // Revert by the directory as the installation sees it (what the fix printed).
      const rv = await runFirstaid(['revert', `/var/lib/firstaid/backups/${result.backupId}/`, '--json', '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.equal((JSON.parse(rv.stdout) as { revert: { backupId: string } }).revert.backupId, result.backupId);
      assert.equal(readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab'), text.replace(img.info.ESP_UUID, '1234-ABCD'));
      const missing = await runFirstaid(['revert', 'fstab/20200101T000000Z-000000', '--image', img.path], { sandbox: sb });
      assert.equal(missing.code, 1, missing.stdout + missing.stderr);
      assert.match(missing.stderr, /fstab\/20200101T000000Z-000000/);
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('an fstab full of garbage: unparsable lines commented out with the marker, backup intact, revert restores it', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      const good = readRootFile(img.path, root, 'etc/fstab');
      // Random printable junk lines among the real ones (seeded, so a failure can be replayed).
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const junk = Array.from({ length: 12 }, () => Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => Math.floor(rnd() * 1e9).toString(36)).join(' '));
      // Binary bytes too (NUL, invalid UTF-8): they must survive the round trip exactly.
      const garbage = Buffer.concat([
        Buffer.from([junk.slice(0, 6).join('\n'), good, junk.slice(6).join('\n'), 'x y z defaults nodigits 1'].join('\n') + '\n'),
        Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x20, 0x41, 0x0a, 0x1b, 0x5b, 0x32, 0x4a]),
      ]);
      writeRootFile(img.path, root, 'etc/fstab', garbage);
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const afterBytes = readRootBytes(img.path, root, 'etc/fstab');
      assert.ok(afterBytes.includes(Buffer.from('#firstaid: unparsable: \x00\x01')) && afterBytes.includes(Buffer.from([0xff, 0xfe])), 'binary garbage kept, commented out');
      assert.ok(!/[\x00-\x08\x1b]/.test(r.stdout), 'no raw control characters reach the console');
      const after = afterBytes.toString('latin1');
      for (const line of after.split('\n').filter(Boolean)) {
        const wasGood = good.split('\n').includes(line);
        assert.ok(wasGood || line.startsWith('#firstaid: unparsable: ') || /^UUID=\S+ \S+ \S+/.test(line) || line.startsWith('#'), `line left as is: ${line}`);
      }
      for (const line of good.split('\n').filter(Boolean)) assert.ok(after.split('\n').includes(line), `good line lost: ${line}`);
      const id = /Backup: (fstab\/\S+) in /.exec(r.stdout)![1]!;
      const rv = await runFirstaid(['revert', id, '--image', img.path], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.ok(readRootBytes(img.path, root, 'etc/fstab').equals(garbage), 'revert restores the garbage byte for byte');
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('a / line nothing can resolve (the root filesystem lost its UUID): exit 1, the line and the next step named, the image byte-identical', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      // fstab still says UUID=<root's UUID>; the filesystem is there but has no UUID any more.
      withPartition(img.path, root, () => undefined, { node: (dev) => execFileSync('tune2fs', ['-U', 'clear', dev], { stdio: 'ignore' }) });
      const h0 = await sha256(img.path);
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const uuid = img.info.ROOT_UUID;
      assert.match(r.stdout, new RegExp(`BLOCKED: fstab line 3: UUID=${uuid} \\(/, needed to boot\\) resolves to nothing`));
      assert.match(r.stdout, /the filesystem this installation was found on, has no UUID/);
      assert.match(r.stdout, new RegExp(`give /dev/loop\\d+p${root} back the UUID the line names \\(tune2fs -U ${uuid} /dev/loop\\d+p${root}, unmounted`));
      assert.match(r.stdout, /or name it by LABEL=rootfs in this line/);
      assert.match(r.stdout, /nothing was changed/);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(await sha256(img.path), h0, 'the image is byte-identical');
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });

  test('a full target disk: a clear message, fstab untouched, nothing left behind', async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const root = img.info.ROOT_PART;
    try {
      await breakImage(img.path, 'fstab-uuid-data');
      const broken = readRootFile(img.path, root, 'etc/fstab');
      withPartition(img.path, root, (m) => {
        // Fill every block, reserved ones too (root may use them).
        try { execFileSync('dd', ['if=/dev/zero', `of=${m}/filler`, 'bs=4M', 'status=none'], { stdio: 'ignore' }); } catch { /* ENOSPC is the point */ }
        execFileSync('sync');
      }, { rw: true });
      const r = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /nothing was changed: The installation's filesystem is full: \d+ bytes free, the fix needs about \d+/);
      assert.match(r.stdout, /Free some space/);
      assert.equal(readRootFile(img.path, root, 'etc/fstab'), broken);
      // The backups elsewhere do not make a full target writable: still refused, nothing in that store.
      const store = mkdtempSync('/var/tmp/fa-fstab-store-');
      try {
        const r2 = await runFirstaid(['fix', 'fstab', '--yes', '--backup-store', store, '--image', img.path], { sandbox: sb });
        assert.equal(r2.code, 1, r2.stdout + r2.stderr);
        assert.match(r2.stdout, /filesystem is full/);
        assert.deepEqual(readdirSync(store).filter((x) => x !== '.lock' && !x.startsWith('.')), []);
      } finally {
        rmSync(store, { recursive: true, force: true });
      }
      assert.equal(readRootFile(img.path, root, 'etc/fstab'), broken);
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      img.dispose();
    }
  });
});
