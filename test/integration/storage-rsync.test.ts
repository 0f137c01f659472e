// rsync:// against an rsync daemon of the test's own and rsync+ssh:// against the test sshd:
// round trip, wrong password (auth, not retried), read-only module (permission), full module
// (no-space, nothing left), and the password never in the session log.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { startRsyncd, type Rsyncd } from '../helpers/rsyncd.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { damageUpload, randomFile, sha256Of, storageDeps } from '../helpers/storage.js';
import { openBackend } from '../../src/backup/storage/registry.js';
import { StorageError } from '../../src/backup/storage/errors.js';

const kind = (k: string) => (e: unknown) => e instanceof StorageError && e.kind === k;
const retried = (log: { entries: { kind: string; text?: string }[] }) => log.entries.some((e) => e.kind === 'message' && /try 2/.test(e.text ?? ''));

describe('rsync backends', needs({ root: true, tools: ['rsync', '/usr/sbin/sshd'] }), () => {
  let d: Rsyncd;
  let s: Sshd;
  let local: string;
  before(async () => {
    d = await startRsyncd();
    s = await startSshd();
    local = join(d.dir, 'local');
    mkdirSync(local);
  });
  after(async () => { await d?.stop(); await s?.stop(); });

  for (const via of ['daemon', 'ssh'] as const) {
    test(`round trip over rsync (${via}): put, list, query, get, delete, names with spaces and quotes`, async () => {
      const deps = storageDeps(s);
      const url = via === 'daemon' ? `${d.url('backup')}/sub dir` : `rsync+ssh://${s.user}@127.0.0.1:${s.port}${s.dataDir}/rs`;
      const b = await openBackend(url, deps);
      const src = join(local, `src-${via}.bin`);
      const sha = randomFile(src, 2 << 20);
      const names = ['home.tar.xz', "sp ace 'q' \"d\".bin", '-rf', 'semi;$(x)'];
      const seen: number[] = [];
      await b.put(src, names[0]!, { onProgress: (p) => seen.push(p.bytesDone) });
      assert.equal(seen.at(-1), 2 << 20, `progress reported: ${seen.join(',')}`);
      for (const n of names.slice(1)) await b.put(src, n);
      assert.deepEqual(await b.list(), [...names].sort());
      assert.equal(await b.query('home.tar.xz'), 2 << 20);
      assert.equal(await b.query('missing'), -1);
      for (const n of names) {
        await b.get(n, join(local, 'back'));
        assert.equal(sha256Of(join(local, 'back')), sha, n);
        rmSync(join(local, 'back'));
      }
      await assert.rejects(b.get('missing', join(local, 'm')), kind('not-found'));
      await assert.rejects(b.put(src, 'a*b'), kind('bad-url'));
      await b.delete('-rf');
      await assert.rejects(b.delete('-rf'), kind('not-found'));
      await b.deleteList(names);
      assert.deepEqual(await b.list(), []);
      assert.deepEqual(readdirSync(local).filter((f) => f.includes('firstaid-tmp')), []);
      if (via === 'daemon') {
        const logged = JSON.stringify(deps.log.entries);
        assert.equal(logged.includes(':pw@'), false, 'the password is not in the log');
        assert.equal(b.displayUrl.includes('pw'), false);
      }
    });
  }

  test('rsync over ssh: an upload cut by killing the ssh session is retried and arrives whole, no temporary left', async () => {
    const deps = storageDeps(s, { ssh: { identityFile: s.identityFile, knownHostsFiles: [s.knownHostsFile], bwlimitKbit: 16_000 } });
    const dir = join(s.dataDir, 'rcut');
    const b = await openBackend(`rsync+ssh://${s.user}@127.0.0.1:${s.port}${dir}`, deps);
    const src = join(local, 'rcut.bin');
    const sha = randomFile(src, 6 << 20);
    let killed = 0;
    const watcher = setInterval(() => {
      if (killed) return;
      let names: string[] = [];
      try { names = readdirSync(dir); } catch { return; }
      if (names.some((f) => f.startsWith('.rcut.bin.'))) {
        for (const p of s.sessionPids()) { try { process.kill(p, 'SIGKILL'); killed++; } catch { /* gone */ } }
      }
    }, 50);
    try {
      await b.put(src, 'rcut.bin');
    } finally {
      clearInterval(watcher);
    }
    assert.ok(killed > 0, 'the session was killed during the upload');
    assert.ok(retried(deps.log), 'retried');
    assert.deepEqual(readdirSync(dir), ['rcut.bin']);
    assert.equal(sha256Of(join(dir, 'rcut.bin')), sha);
  });

  for (const via of ['daemon', 'ssh'] as const) {
    test(`rsync (${via}): an upload damaged on the server's disk is caught after rsync's rename and removed`, async () => {
      const deps = storageDeps(s, { retry: false, ssh: { identityFile: s.identityFile, knownHostsFiles: [s.knownHostsFile], bwlimitKbit: 16_000 } });
      const dir = via === 'daemon' ? join(d.paths.backup, 'dmg') : join(s.dataDir, 'rdmg');
      const url = via === 'daemon' ? `${d.url('backup')}/dmg` : `rsync+ssh://${s.user}@127.0.0.1:${s.port}${dir}`;
      const b = await openBackend(url, deps);
      const src = join(local, `dmg-${via}.bin`);
      randomFile(src, 4 << 20);
      const damager = damageUpload(dir, (n) => n.startsWith('.dmg.bin.'));
      const err = await b.put(src, 'dmg.bin').then(() => null, (e: unknown) => e).finally(() => damager.stop());
      assert.ok(damager.damaged(), 'the upload was damaged');
      assert.ok(kind('corrupt')(err), String(err));
      assert.deepEqual(readdirSync(dir), [], 'the damaged file is not left under its name');
      const how = (a: string[]) => (via === 'ssh' ? a[0] === 'ssh' && a.some((w) => w.includes('firstaid-sha256')) : a[0] === 'rsync' && a.includes('--checksum'));
      assert.ok(deps.log.entries.some((e) => e.kind === 'command' && how(e.argv)), via === 'ssh' ? 'remote sha256 through ssh' : 'rsync --checksum read-back');
    });
  }

  test('rsync daemon: a wrong password is an auth error, not retried', async () => {
    const deps = storageDeps();
    const b = await openBackend(d.url('backup', 'wrong'), deps);
    const err = await b.list().then(() => null, (e: unknown) => e);
    assert.ok(kind('auth')(err), String(err));
    assert.equal(retried(deps.log), false);
  });

  test('rsync daemon: a read-only module is permission denied, not retried, nothing there', async () => {
    const deps = storageDeps();
    const b = await openBackend(d.url('ro'), deps);
    const src = join(local, 'ro.bin');
    randomFile(src, 1000);
    const err = await b.put(src, 'x.bin').then(() => null, (e: unknown) => e);
    assert.ok(kind('permission')(err), String(err));
    assert.equal(retried(deps.log), false);
    assert.deepEqual(readdirSync(d.paths.ro), []);
  });

  test('rsync daemon: a full module is no-space, not retried, no partial file', async (t) => {
    if (!d.fullMounted) { t.skip('mount -t tmpfs refused here'); return; }
    const deps = storageDeps();
    const b = await openBackend(d.url('full'), deps);
    const src = join(local, 'big.bin');
    randomFile(src, 3 << 20);
    const err = await b.put(src, 'big.bin').then(() => null, (e: unknown) => e);
    assert.ok(kind('no-space')(err), String(err));
    assert.equal(retried(deps.log), false);
    assert.deepEqual(readdirSync(d.paths.full), []);
  });
});
