/**
 * `firstaid disc ...` and `revert --from-disc` through the real bundle, real xorriso on file and
 * loop-device pseudo-drives: new disc, append, status with two sessions, verify intact, revert
 * from a disc after the store's copy was deleted (byte-exact), rebuild.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox } from './systems-helpers.js';
import { detach, discEnv, losetup } from './disc-helpers.js';
import { openBackupStore } from '../../src/backup/spaces/store.js';

const json = <T>(s: string): T => JSON.parse(s) as T;

describe('firstaid disc', needs({ root: true, loop: true, tools: ['xorriso'] }), () => {
  before(() => build());

  test('new disc, append, status with two sessions, verify intact; revert from the disc after the backup was deleted', async () => {
    const e = await discEnv();
    const sb = sandbox();
    try {
      const iso = join(e.work, 'disc.iso');
      const staging = join(e.work, 'stage');
      const common = ['--drive', iso, '--staging', staging, '--backup-store', e.storeDir];
      const dry = await runFirstaid(['disc', 'write', ...common, e.backupId, '--dry-run', '--json'], { sandbox: sb });
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      assert.equal((JSON.parse(dry.stdout) as { write: { dryRun: boolean } }).write.dryRun, true);
      assert.ok(!existsSync(iso), 'a dry run writes nothing');
      const w1 = await runFirstaid(['disc', 'write', ...common, e.backupId, '--json'], { sandbox: sb });
      assert.equal(w1.code, 0, w1.stdout + w1.stderr);
      const r1 = json<{ write: { mode: string; volid: string; check: { ok: boolean; reader: string }; indicators: string[] } }>(w1.stdout).write;
      assert.equal(r1.mode, 'new');
      assert.match(r1.volid, /^FIRSTAID_\d{8}$/);
      assert.equal(r1.check.ok, true);
      assert.equal(r1.indicators.length, 1);
      assert.ok(existsSync(r1.indicators[0]!), 'store indicator written after the check');

      const w2 = await runFirstaid(['disc', 'write', ...common, e.dir], { sandbox: sb });
      assert.equal(w2.code, 0, w2.stdout + w2.stderr);
      assert.match(w2.stdout, /a new session/);
      assert.match(w2.stdout, /intact/);

      const st = await runFirstaid(['disc', 'status', '--drive', iso, '--json'], { sandbox: sb });
      assert.equal(st.code, 0, st.stderr);
      const s = json<{ status: string; sessions: { index: number; volid: string }[]; backups: { id: string; pluginId: string }[]; directories: string[]; freeBlocks: number }>(st.stdout);
      assert.equal(s.status, 'appendable');
      assert.deepEqual(s.sessions.map((x) => x.index), [1, 2]);
      assert.deepEqual(s.backups.map((b) => [b.pluginId, b.id]), [['grub', e.backupId]]);
      assert.equal(s.directories.length, 1);
      assert.ok(s.freeBlocks < 2_295_104 && s.freeBlocks > 2_290_000, 'a file pseudo-drive is a DVD by default');
      const human = await runFirstaid(['disc', 'status', '--drive', iso], { sandbox: sb });
      for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80 && /^[\x20-\x7e]*$/.test(line), `80 columns, ASCII: ${line}`);

      const v = await runFirstaid(['disc', 'verify', '--drive', iso, '--json'], { sandbox: sb });
      assert.equal(v.code, 0, v.stdout);
      const vr = json<{ verify: { ok: boolean; filesChecked: number; backups: { ok: boolean }[]; sessions: unknown[] } }>(v.stdout).verify;
      assert.equal(vr.ok, true);
      assert.equal(vr.sessions.length, 2);
      assert.ok(vr.filesChecked >= 4);
      assert.deepEqual(vr.backups.map((b) => b.ok), [true]);

      // The "fix" changed grub.cfg; the store's copy of the backup is then lost.
      const cfg = join(e.root, 'boot', 'grub', 'grub.cfg');
      const before = readFileSync(cfg);
      writeFileSync(cfg, 'set timeout=0 # changed by the fix\n');
      const store = await openBackupStore(e.storeDir, { runner: e.runner, log: e.log });
      await store.deleteSpace(e.backupId);
      const rv = await runFirstaid(['revert', e.backupId, '--from-disc', iso, '--root', e.root, '--backup-store', e.storeDir, '--yes', '--json'], { sandbox: sb });
      assert.equal(rv.code, 0, rv.stdout + rv.stderr);
      assert.deepEqual(readFileSync(cfg), before, 'byte-exact');
      assert.equal((await store.list()).length, 0, 'the store was not needed');
    } finally {
      sb.dispose();
      e.dispose();
    }
  });

  test('a loop device is a pseudo-drive of its own size; rebuild writes the week onto a new disc', async () => {
    const e = await discEnv();
    const sb = sandbox();
    const img = join(e.work, 'cd.img');
    writeFileSync(img, '');
    truncateSync(img, 8 * 1024 * 1024);
    const loop = losetup(img);
    try {
      const staging = join(e.work, 'stage');
      const w = await runFirstaid(['disc', 'write', '--drive', loop, '--staging', staging, '--backup-store', e.storeDir, e.backupId, e.dir, '--json'], { sandbox: sb });
      assert.equal(w.code, 0, w.stdout + w.stderr);
      const st = json<{ kind: string; freeBlocks: number; sessions: unknown[] }>((await runFirstaid(['disc', 'status', '--drive', loop, '--json'], { sandbox: sb })).stdout);
      assert.equal(st.kind, 'loop');
      assert.ok(st.freeBlocks < 4096 && st.freeBlocks > 3000, `the loop device's size is its capacity: ${st.freeBlocks}`);
      const rb = await runFirstaid(['disc', 'rebuild', '--drive', loop, '--staging', staging, '--json'], { sandbox: sb });
      assert.equal(rb.code, 0, rb.stdout + rb.stderr);
      const after = json<{ sessions: unknown[]; backups: { id: string }[]; directories: string[] }>((await runFirstaid(['disc', 'status', '--drive', loop, '--json'], { sandbox: sb })).stdout);
      assert.equal(after.sessions.length, 1, 'a new disc');
      assert.deepEqual(after.backups.map((b) => b.id), [e.backupId]);
      assert.equal(after.directories.length, 1);
      // The drive as the verb's argument, as a person at the console types it.
      const v = await runFirstaid(['disc', 'verify', loop], { sandbox: sb });
      assert.equal(v.code, 0, v.stdout);
      assert.match(v.stdout, new RegExp(`^${loop}: intact`, 'm'));
    } finally {
      detach(loop);
      sb.dispose();
      e.dispose();
    }
  });

  test('usage errors exit 2', async () => {
    const sb = sandbox();
    try {
      assert.equal((await runFirstaid(['disc'], { sandbox: sb })).code, 2);
      const drives = await runFirstaid(['disc', 'drives', '--json'], { sandbox: sb });
      assert.equal(drives.code, 0, drives.stderr);
      assert.ok(Array.isArray((JSON.parse(drives.stdout) as { drives: unknown[] }).drives));
      const help = await runFirstaid(['--help'], { sandbox: sb });
      assert.match(help.stdout, /firstaid disc write --drive D/);
      assert.match(help.stdout, /--from-disc D/);
      for (const line of help.stdout.split('\n')) assert.ok(line.length <= 80, line);
      assert.equal((await runFirstaid(['disc', 'status'], { sandbox: sb })).code, 2);
      assert.equal((await runFirstaid(['disc', 'status', '/tmp/a.iso', '/tmp/b.iso'], { sandbox: sb })).code, 2, 'one drive');
      assert.equal((await runFirstaid(['disc', 'status', '/tmp/a.iso', '--drive', '/tmp/b.iso'], { sandbox: sb })).code, 2, 'two different drives');
      assert.equal((await runFirstaid(['disc', 'frobnicate', '--drive', '/tmp/x.iso'], { sandbox: sb })).code, 2);
      assert.equal((await runFirstaid(['disc', 'status', '--drive', '/tmp/x.iso', '--media', 'floppy'], { sandbox: sb })).code, 2);
      assert.equal((await runFirstaid(['disc', 'write', '--drive', '/dev/vda', '/etc'], { sandbox: sb })).code, 2, 'a real disk is never a pseudo-drive');
    } finally {
      sb.dispose();
    }
  });
});
