/**
 * Disc faults, each caught before harm and named: a flipped byte in a file of the first and of
 * the last session, a truncated image, unreadable sectors (a FUSE file returning EIO), a loop
 * device holding a mounted ext4 (refused, the ext4 byte-identical), a medium too small (refused,
 * nothing written), a foreign disc, a closed disc.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { needs } from '../helpers/env.js';
import { build, REPO, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';
import { detach, discEnv, flipByte, losetup, offsetOf, type DiscEnv } from './disc-helpers.js';
import { writeDisc } from '../../src/backup/discs/write.js';
import { resolveSources } from '../../src/backup/discs/layout.js';
import { resolveDrive } from '../../src/devices/optical/drives.js';

interface Verify { ok: boolean; damaged: { path: string; backup: string | null; why: string[] }[]; unreadable: { lba: number; blocks: number }[]; badSessionTags: unknown[]; filesChecked: number }
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** A two-session disc: the backup and dir "first" in session 1, dir "last" in session 2. */
async function twoSessions(e: DiscEnv, sb: Sandbox, iso: string): Promise<void> {
  const first = join(e.work, 'first');
  const last = join(e.work, 'last');
  mkdirSync(first);
  mkdirSync(last);
  writeFileSync(join(first, 'one.txt'), 'FIRST-SESSION-MARKER\n'.repeat(300));
  writeFileSync(join(last, 'two.txt'), 'LAST-SESSION-MARKER\n'.repeat(300));
  for (const src of [[e.backupId, first], [last]]) {
    const w = await runFirstaid(['disc', 'write', '--drive', iso, '--staging', join(e.work, 'stage'), '--backup-store', e.storeDir, ...src], { sandbox: sb });
    assert.equal(w.code, 0, w.stdout + w.stderr);
  }
}

async function verify(iso: string, sb: Sandbox): Promise<{ code: number | null; v: Verify; human: string }> {
  const r = await runFirstaid(['disc', 'verify', '--drive', iso, '--json'], { sandbox: sb });
  const h = await runFirstaid(['disc', 'verify', '--drive', iso], { sandbox: sb });
  assert.equal(h.code, r.code);
  return { code: r.code, v: (JSON.parse(r.stdout) as { verify: Verify }).verify, human: h.stdout };
}

describe('disc faults', needs({ root: true, loop: true, tools: ['xorriso', 'mkfs.ext4', 'fusermount3', '/usr/bin/python3'] }), () => {
  before(() => build());

  test('a flipped byte in a file of the first session and of the last, and in a backup: named with its backup', async () => {
    const e = await discEnv();
    const sb = sandbox();
    try {
      const iso = join(e.work, 'disc.iso');
      await twoSessions(e, sb, iso);
      assert.equal((await verify(iso, sb)).code, 0);
      for (const [marker, file] of [['FIRST-SESSION-MARKER', '/first/one.txt'], ['LAST-SESSION-MARKER', '/last/two.txt']] as const) {
        const bad = join(e.work, 'bad.iso');
        copyFileSync(iso, bad);
        flipByte(bad, offsetOf(bad, marker) + 3);
        const { code, v, human } = await verify(bad, sb);
        assert.equal(code, 1, `caught: ${file}`);
        const d = v.damaged.find((x) => x.path.endsWith(file));
        assert.ok(d, `names ${file}: ${JSON.stringify(v.damaged)}`);
        assert.ok(d.why.includes('md5 mismatch') && d.why.includes('sha256 differs'), d.why.join());
        assert.equal(v.damaged.length, 1, 'only that file');
        assert.equal(v.badSessionTags.length, 1, 'its session tag');
        assert.match(human, new RegExp(`DAMAGED[\\s\\S]*${file}`));
      }
      // A byte of the backup space (grub.cfg's content): the file and the backup are named.
      const bad = join(e.work, 'bad.iso');
      copyFileSync(iso, bad);
      flipByte(bad, offsetOf(bad, 'menuentry "Debian"') + 2);
      const { code, v } = await verify(bad, sb);
      assert.equal(code, 1);
      assert.ok(v.damaged.length >= 1 && v.damaged.every((d) => d.backup === e.backupId), JSON.stringify(v.damaged));
      const rv = await runFirstaid(['revert', e.backupId, '--from-disc', bad, '--root', e.root, '--yes'], { sandbox: sb });
      assert.equal(rv.code, 1, 'no revert from a damaged disc copy');
      assert.match(rv.stderr, /damaged.*Nothing was restored/s);
    } finally {
      sb.dispose();
      e.dispose();
    }
  });

  test('a truncated image: the lost files are named', async () => {
    const e = await discEnv();
    const sb = sandbox();
    try {
      const iso = join(e.work, 'disc.iso');
      await twoSessions(e, sb, iso);
      truncateSync(iso, offsetOf(iso, 'LAST-SESSION-MARKER'));
      const { code, v, human } = await verify(iso, sb);
      assert.equal(code, 1);
      assert.ok(v.damaged.some((d) => d.path.endsWith('/last/two.txt')), JSON.stringify(v));
      assert.match(human, /DAMAGED/);
    } finally {
      sb.dispose();
      e.dispose();
    }
  });

  test('unreadable sectors (EIO from a FUSE file): reported, the other files still checked', async () => {
    const e = await discEnv();
    const sb = sandbox();
    const mnt = join(e.work, 'fuse');
    mkdirSync(mnt);
    let fuse: ReturnType<typeof spawn> | null = null;
    try {
      const iso = join(e.work, 'disc.iso');
      await twoSessions(e, sb, iso);
      const block = Math.floor(offsetOf(iso, 'FIRST-SESSION-MARKER') / 2048);
      fuse = spawn('/usr/bin/python3', [join(REPO, 'test', 'fixtures', 'eio-fuse.py'), iso, mnt, `${block}:2`], { stdio: 'ignore' });
      const seen = join(mnt, 'disc.iso');
      for (let i = 0; i < 100 && !existsSync(seen); i++) await sleep(100);
      assert.ok(existsSync(seen), 'the FUSE file is there');
      const { code, v, human } = await verify(seen, sb);
      assert.equal(code, 1);
      assert.ok(v.unreadable.some((u) => u.lba <= block && block < u.lba + u.blocks), JSON.stringify(v.unreadable));
      assert.ok(v.damaged.some((d) => d.path.endsWith('/first/one.txt')), JSON.stringify(v.damaged));
      assert.ok(!v.damaged.some((d) => d.path.endsWith('/last/two.txt')), 'the rest is fine');
      assert.ok(v.filesChecked >= 3, 'not fatal to the rest of the check');
      assert.match(human, /unreadable sectors/);
    } finally {
      try { execFileSync('fusermount3', ['-u', mnt]); } catch { /* not mounted */ }
      fuse?.kill();
      sb.dispose();
      e.dispose();
    }
  });

  test('refused before any write: a mounted ext4 on a loop device, a medium too small, a foreign disc, a closed disc', async () => {
    const e = await discEnv();
    const sb = sandbox();
    const img = join(e.work, 'ext4.img');
    writeFileSync(img, '');
    truncateSync(img, 16 * 1024 * 1024);
    execFileSync('mkfs.ext4', ['-q', '-F', img]);
    const loop = losetup(img);
    const mnt = join(e.work, 'ext4');
    mkdirSync(mnt);
    execFileSync('mount', [loop, mnt]);
    const write = (drive: string, ...more: string[]) => runFirstaid(['disc', 'write', '--drive', drive, '--staging', join(e.work, 'stage'), '--json', ...more, e.dir], { sandbox: sb });
    const code = (r: { stdout: string }) => (JSON.parse(r.stdout) as { error: { code: string } }).error.code;
    try {
      writeFileSync(join(mnt, 'precious'), 'keep me\n');
      execFileSync('sync');
      const before = sha(loop);
      for (const extra of [[], ['--new']]) {
        const r = await write(loop, ...extra);
        assert.equal(r.code, 1);
        assert.equal(code(r), 'drive-busy', r.stdout);
        assert.match(r.stdout, /mounted on/);
      }
      assert.equal(sha(loop), before, 'the ext4 is byte-identical');

      const big = join(e.work, 'big');
      mkdirSync(big);
      writeFileSync(join(big, 'x.bin'), randomFillSync(Buffer.alloc(1_500_000)));
      const small = join(e.work, 'small.iso');
      const r = await runFirstaid(['disc', 'write', '--drive', small, '--media', '1M', '--staging', join(e.work, 'stage'), '--json', big], { sandbox: sb });
      assert.equal(r.code, 1);
      assert.equal(code(r), 'disc-too-small', r.stdout);
      assert.ok(!existsSync(small), 'nothing written');

      const foreign = join(e.work, 'foreign.iso');
      execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'OTHER_DISC', '-o', foreign, e.dir], { stdio: 'ignore' });
      const fsha = sha(foreign);
      const f = await write(foreign);
      assert.equal(code(f), 'disc-foreign');
      assert.match(f.stdout, /OTHER_DISC/);
      assert.equal(sha(foreign), fsha, 'untouched');
      const st = JSON.parse((await runFirstaid(['disc', 'status', '--drive', foreign, '--json'], { sandbox: sb })).stdout) as { foreign: boolean };
      assert.equal(st.foreign, true);
      assert.equal((await write(foreign, '--new')).code, 0, 'rewritable: --new replaces it');

      const junk = join(e.work, 'closed.img');
      writeFileSync(junk, randomFillSync(Buffer.alloc(1_000_000)));
      const jsha = sha(junk);
      const c = await write(junk);
      assert.equal(code(c), 'disc-closed', c.stdout);
      assert.equal(sha(junk), jsha, 'untouched');

      // A disc firstaid closed (an ECC disc): its manifest says so, appending is refused.
      const closed = join(e.work, 'closed.iso');
      const drive = await resolveDrive(closed);
      const date = new Date();
      await writeDisc({ runner: e.runner, log: e.log }, { drive, mediaBlocks: 2_295_104, entries: await resolveSources([e.dir], null, date), newDisc: false, close: true, date, staged: null });
      const csha = sha(closed);
      const c2 = await write(closed);
      assert.equal(code(c2), 'disc-closed', c2.stdout);
      assert.equal(sha(closed), csha, 'untouched');
      assert.equal(statSync(closed).size > 0, true);
    } finally {
      try { execFileSync('umount', [mnt]); } catch { /* not mounted */ }
      detach(loop);
      sb.dispose();
      e.dispose();
    }
  });
});
