/**
 * A write whose consistency check fails leaves no store indicator in the staged dirs and says
 * so; `firstaid disc write` exits 1 with the reason. Real faults, real xorriso: a byte of the
 * image flipped between the write and its check, and a store object whose bytes no longer
 * match its name (its sha256 is taken from the name for the disc manifest, unread: the check
 * must catch it, never a disc that claims the wrong hash).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox } from './systems-helpers.js';
import { discEnv, flipByte, offsetOf } from './disc-helpers.js';
import { writeDisc } from '../../src/backup/discs/write.js';
import { resolveSources, STORE_INDICATOR } from '../../src/backup/discs/layout.js';
import { resolveDrive } from '../../src/devices/optical/drives.js';
import { dayDir } from '../../src/backup/discs/staging-tree.js';
import type { DiscVerifyResult } from '../../src/backup/discs/verify.js';

describe('disc write: a failed check', needs({ root: true, tools: ['xorriso'] }), () => {
  before(() => build());

  test('a byte flipped on the medium between the write and the check: no store indicator, the file named', async () => {
    const e = await discEnv();
    try {
      const staging = join(e.work, 'stage');
      const date = new Date();
      const entries = await resolveSources([e.backupId, e.dir], e.storeDir, date);
      const write = (iso: string, flip: boolean) => resolveDrive(iso).then((drive) => writeDisc({ runner: e.runner, log: e.log }, {
        drive, mediaBlocks: 2_295_104, entries, newDisc: false, close: false, date, staged: { stagingDir: staging, days: [date] },
        beforeCheck: flip ? () => flipByte(iso, offsetOf(iso, 'Dear disc') + 1) : undefined,
      }));
      const indicator = join(dayDir(staging, date), STORE_INDICATOR);

      const err = await write(join(e.work, 'bad.iso'), true).then(() => null, (x: unknown) => x as Error & { code: string; check: DiscVerifyResult });
      assert.ok(err, 'the write fails');
      assert.equal(err.code, 'disc-check-failed');
      assert.match(err.message, /failed its check.*letter\.txt.*No store indicator was written/s);
      assert.ok(err.check.damaged.some((d) => d.path.endsWith('/home-docs/letter.txt') && d.backup === null), JSON.stringify(err.check.damaged));
      assert.ok(!existsSync(indicator), 'no store indicator');
      assert.deepEqual(existsSync(dayDir(staging, date)) ? readdirSync(dayDir(staging, date)) : [], [], 'nothing in the staged dir');

      // The same write without the fault passes and stores the indicator (the test can fail).
      const ok = await write(join(e.work, 'good.iso'), false);
      assert.equal(ok.check?.ok, true);
      assert.deepEqual(ok.indicators, [indicator]);
      assert.ok(existsSync(indicator));
    } finally {
      e.dispose();
    }
  });

  test('a store object whose bytes no longer match its name: firstaid disc write exits 1, says so, no indicator', async () => {
    const e = await discEnv();
    const sb = sandbox();
    try {
      const staging = join(e.work, 'stage');
      const iso = join(e.work, 'disc.iso');
      const objects = join(e.storeDir, e.backupId.split('/')[0]!, e.backupId.split('/')[1]!, 'objects');
      // The pack holding grub.cfg: bit rot in the store after the backup was made.
      const pack = readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => readdirSync(join(objects, d)).map((n) => join(objects, d, n)))
        .find((p) => { try { offsetOf(p, 'menuentry'); return true; } catch { return false; } });
      assert.ok(pack, 'the object holding grub.cfg');
      flipByte(pack, offsetOf(pack, 'menuentry') + 1);

      const args = ['disc', 'write', '--drive', iso, '--staging', staging, '--backup-store', e.storeDir, e.backupId, e.dir];
      const human = await runFirstaid(args, { sandbox: sb });
      assert.equal(human.code, 1, human.stdout + human.stderr);
      assert.match(human.stderr, /written but failed its check.*No store indicator was written/s);
      assert.match(human.stderr, new RegExp(`DAMAGED.*backup ${e.backupId}.*fails its own check.*grub\\.cfg`, 's'));
      const json = await runFirstaid([...args, '--new', '--json'], { sandbox: sb });
      assert.equal(json.code, 1, json.stdout + json.stderr);
      const r = JSON.parse(json.stdout) as { error: { code: string; message: string }; check: DiscVerifyResult };
      assert.equal(r.error.code, 'disc-check-failed');
      assert.equal(r.check.ok, false);
      assert.ok(r.check.damaged.length > 0 && r.check.damaged.every((d) => d.backup === e.backupId), JSON.stringify(r.check.damaged));
      assert.ok(r.check.backups.some((b) => b.id === e.backupId && !b.ok && b.problems.some((p) => p.includes('grub.cfg'))), JSON.stringify(r.check.backups));
      assert.ok(!existsSync(join(dayDir(staging, new Date()), STORE_INDICATOR)), 'no store indicator');
    } finally {
      sb.dispose();
      e.dispose();
    }
  });
});
