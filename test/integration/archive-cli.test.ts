/**
 * `firstaid archive create|list|extract|keep|remove` through the real bundle: a local directory,
 * a path inside a target (--root) and a backup id as SOURCE; a file destination and sftp:// on
 * the test's own sshd; levels continued from the destination's snapshot; --json; exit codes
 * 0/1/2; a damaged archive at the destination refused on extract.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { describeTree } from '../helpers/archive-tree.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { build, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';
import { makeEnv } from './fixtures-backup/setup.js';
import { openBackupStore } from '../../src/backup/spaces/store.js';

const json = <T>(s: string): T => JSON.parse(s) as T;

describe('firstaid archive', needs({ root: true, tools: ['tar', 'xz', 'zstd', 'ssh', 'sftp'] }), () => {
  let base: string;
  let sb: Sandbox;
  before(() => {
    build();
    base = mkdtempSync(join(tmpdir(), 'firstaid-archive-cli-'));
    sb = sandbox();
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
    sb.dispose();
  });

  test('a directory to a file destination: levels, list, extract, keep, remove; usage and problems', async () => {
    const src = join(base, 'home');
    mkdirSync(join(src, 'user'), { recursive: true });
    writeFileSync(join(src, 'user', 'notes'), 'v0\n');
    writeFileSync(join(src, 'user', 'old'), 'to be deleted\n');
    const dest = join(base, 'usb');
    const run = (args: string[]) => runFirstaid(['archive', ...args], { sandbox: sb });
    const c0 = await run(['create', src, '--to', dest, '--type', 'tar.xz', '--strength', '1', '--incremental', '--json']);
    assert.equal(c0.code, 0, c0.stderr + c0.stdout);
    assert.equal(json<{ level: number; archive: { name: string } }>(c0.stdout).archive.name, 'home.tar.xz');
    const state0 = describeTree(src);
    rmSync(join(src, 'user', 'old'));
    writeFileSync(join(src, 'user', 'notes'), 'v1\n');
    const c1 = await run(['create', src, '--to', dest, '--type', 'tar.xz', '--incremental']);
    assert.equal(c1.code, 0, c1.stderr);
    assert.match(c1.stdout, /home\.1\.tar\.xz \(level 1\)/);
    const state1 = describeTree(src);

    const list = await run(['list', dest, '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(json<{ archives: { name: string; level: number }[] }>(list.stdout).archives.map((a) => [a.name, a.level]), [['home.tar.xz', 0], ['home.1.tar.xz', 1]]);
    const human = await run(['list', dest]);
    for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);

    const out1 = join(base, 'out1');
    const x1 = await run(['extract', dest, 'home', out1]);
    assert.equal(x1.code, 0, x1.stderr);
    assert.match(x1.stdout, /level 0: home\.tar\.xz[\s\S]*level 1: home\.1\.tar\.xz/);
    assert.deepEqual(describeTree(out1), state1, 'the state at level 1: the deleted file stays deleted');
    const out0 = join(base, 'out0');
    assert.equal((await run(['extract', dest, 'home', out0, '--level', '0'])).code, 0);
    assert.deepEqual(describeTree(out0), state0);
    const full = await run(['extract', dest, 'home', out0]);
    assert.equal(full.code, 2, 'a non-empty DIR is refused');
    assert.match(full.stderr, /not empty/);

    // Usage (2) and problems (1).
    assert.equal((await run(['create', src])).code, 2, 'no --to');
    assert.equal((await run(['create', src, '--to', dest, '--type', 'zip'])).code, 2);
    assert.equal((await run(['create', src, '--to', dest, '--name', 'a.b'])).code, 2, 'a dot in an id');
    assert.equal((await run(['create', src, '--to', dest, '--provider', 'internal', '--type', 'tar.xz'])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    const again = await run(['create', src, '--to', dest, '--type', 'tar.xz', '--level', '1']);
    assert.equal(again.code, 1, 'an archive of that level is there: not replaced without --yes');
    assert.match(again.stderr, /already at/);

    // Keep the chain as "a", then a new level 0 (internal provider), then remove.
    const keep = await run(['keep', dest, 'home', 'a', '--json']);
    assert.equal(keep.code, 0, keep.stderr);
    assert.deepEqual(json<{ kept: { name: string }[] }>(keep.stdout).kept.map((k) => k.name), ['home.a.tar.xz', 'home.1.a.tar.xz']);
    const outK = join(base, 'outK');
    assert.equal((await run(['extract', dest, 'home', outK, '--keeping', 'a'])).code, 0);
    assert.deepEqual(describeTree(outK), state1);
    const ci = await run(['create', src, '--to', dest, '--type', 'tar.gz', '--provider', 'internal', '--json']);
    assert.equal(ci.code, 0, ci.stderr);
    const rm1 = await run(['remove', dest, 'home', '--keeping', 'a', '--from-level', '1', '--json']);
    assert.deepEqual(json<{ removed: string[] }>(rm1.stdout).removed, ['home.1.a.tar.xz']);
    assert.deepEqual(readdirSync(dest).sort(), ['home.a.tar.xz', 'home.a.tar.xz.manifest.json', 'home.a.tar.xz.snar', 'home.tar.gz', 'home.tar.gz.manifest.json']);

    // A flipped byte at the destination: refused before anything is written.
    const file = join(dest, 'home.tar.gz');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x55;
    writeFileSync(file, bytes);
    const bad = await run(['extract', dest, 'home', join(base, 'outBad'), '--json']);
    assert.equal(bad.code, 1);
    assert.equal(json<{ error: { code: string } }>(bad.stdout).error.code, 'archive-corrupt');
    assert.deepEqual(readdirSync(join(base, 'outBad')), []);
  });

  test('a path inside the target (--root) and a backup id as SOURCE', async () => {
    const env = await makeEnv();
    try {
      const dest = join(base, 'usb2');
      const r = await runFirstaid(['archive', 'create', '/boot', '--root', env.root, '--to', dest, '--type', 'tar', '--json'], { sandbox: sb });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const made = json<{ id: string; source: { kind: string }; members: number }>(r.stdout);
      assert.deepEqual([made.id, made.source.kind], ['boot', 'target-path']);
      const store = await openBackupStore(env.storeDir, { runner: env.runner, log: env.log });
      const g = await store.getBackup('grub', env.target, { persistent: true, description: 'Reinstall GRUB' });
      await g.backupPath('/boot/grub');
      await g.commit();
      const b = await runFirstaid(['archive', 'create', g.id, '--backup-store', env.storeDir, '--to', dest, '--json'], { sandbox: sb });
      assert.equal(b.code, 0, b.stderr + b.stdout);
      const id = json<{ id: string }>(b.stdout).id;
      assert.equal(id, g.id.replace('/', '-'));
      const out = join(base, 'outSpace');
      assert.equal((await runFirstaid(['archive', 'extract', dest, id, out], { sandbox: sb })).code, 0);
      assert.ok(readdirSync(out).includes('manifest.json'), 'the backup space itself, manifest and objects');
    } finally {
      rmSync(env.base, { recursive: true, force: true });
    }
  });

  test('sftp:// on the test sshd: create, a second level, list, extract', async () => {
    let s: Sshd | undefined;
    try {
      s = await startSshd();
      const src = join(base, 'remote-src');
      mkdirSync(join(src, 'docs'), { recursive: true });
      writeFileSync(join(src, 'docs', 'a'), 'a\n');
      writeFileSync(join(src, '-x'), 'dash\n');
      const url = `sftp://${s.user}@127.0.0.1:${s.port}${s.dataDir}`;
      const ssh = ['--identity', s.identityFile, '--known-hosts', s.knownHostsFile];
      const run = (args: string[]) => runFirstaid(['archive', ...args, ...ssh], { sandbox: sb });
      const c = await run(['create', src, '--to', url, '--type', 'tar.zst', '--incremental', '--name', 'docs']);
      assert.equal(c.code, 0, c.stderr + c.stdout);
      rmSync(join(src, 'docs', 'a'));
      writeFileSync(join(src, 'docs', 'b'), 'b\n');
      const c1 = await run(['create', src, '--to', url, '--type', 'tar.zst', '--incremental', '--name', 'docs']);
      assert.equal(c1.code, 0, c1.stderr + c1.stdout);
      const l = await run(['list', url, '--json']);
      assert.equal(l.code, 0, l.stderr);
      assert.deepEqual(json<{ archives: { name: string }[] }>(l.stdout).archives.map((a) => a.name), ['docs.tar.zst', 'docs.1.tar.zst']);
      const out = join(base, 'remote-out');
      const x = await run(['extract', url, 'docs', out, '--json']);
      assert.equal(x.code, 0, x.stderr + x.stdout);
      assert.deepEqual(describeTree(out), describeTree(src));
    } finally {
      await s?.stop();
    }
  });
});
