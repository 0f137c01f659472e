// sftp:// against an sshd of the test's own: round trip with awkward names, host keys (unknown:
// refused with the fingerprint, accepted only when confirmed; changed: refused), permission
// denied and a full disk (no retries, nothing left), an upload cut by killing the session (the
// retry succeeds, no partial file under the final name).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { needs } from '../helpers/env.js';
import { startSshd, addKnownHost, type Sshd } from '../helpers/sshd.js';
import { damageUpload, randomFile, runsOf, sha256Of, storageDeps } from '../helpers/storage.js';
import { openBackend } from '../../src/backup/storage/registry.js';
import { StorageError } from '../../src/backup/storage/errors.js';

const kind = (k: string) => (e: unknown) => e instanceof StorageError && e.kind === k;

/** A slow put of 4 MiB whose temporary is damaged on the server's disk as it arrives: it must fail as corrupt and leave nothing. */
async function damagedPut(server: Sshd, sub: string) {
  const deps = storageDeps(server, { retry: false, ssh: { identityFile: server.identityFile, knownHostsFiles: [server.knownHostsFile], bwlimitKbit: 16_000 } });
  const b = await openBackend(`sftp://${server.user}@127.0.0.1:${server.port}${join(server.dataDir, sub)}`, deps);
  const src = join(tmpdir(), `fa-damaged-${process.pid}-${sub}.bin`);
  randomFile(src, 4 << 20);
  const remoteDir = join(server.dataDir, sub);
  const damager = damageUpload(remoteDir, (x) => x.includes('firstaid-tmp'));
  const err = await b.put(src, `${sub}.bin`).then(() => null, (e: unknown) => e).finally(() => { damager.stop(); rmSync(src, { force: true }); });
  assert.ok(damager.damaged(), 'the upload was damaged');
  assert.ok(kind('corrupt')(err), String(err));
  assert.deepEqual(readdirSync(remoteDir), [], 'nothing under the final name, temporary removed');
  return { deps, b, err };
}

describe('sftp backend', needs({ root: true, tools: ['/usr/sbin/sshd', 'sftp', 'ssh-keyscan'] }), () => {
  let s: Sshd;
  let local: string;
  before(async () => {
    s = await startSshd();
    local = join(s.dir, 'local');
    mkdirSync(local);
  });
  after(async () => { await s?.stop(); });
  const url = (sub: string) => `sftp://${s.user}@127.0.0.1:${s.port}${join(s.dataDir, sub)}`;

  test('put, list, query, get, delete; names with spaces, quotes, glob characters, a leading dash', async () => {
    const deps = storageDeps(s);
    const deep = await openBackend(url('deep/er/dir'), deps);
    const one = join(local, 'one');
    randomFile(one, 10);
    await deep.put(one, 'one');
    assert.deepEqual(readdirSync(join(s.dataDir, 'deep', 'er', 'dir')), ['one'], 'missing parents made');
    const b = await openBackend(url('rt dir'), deps);
    const src = join(local, 'src file*.bin');
    const sha = randomFile(src, 1 << 20);
    const names = ['home.tar.xz', 'sp ace "q" \'s\'.bin', 'a*b?[c]', '-rf', 'semi;$(touch x)'];
    mkdirSync(join(s.dataDir, 'rt dir'));
    // What a killed run left: swept by the next put of that name only.
    writeFileSync(join(s.dataDir, 'rt dir', 'a*b?[c].firstaid-tmp-00000000dead0000'), 'stale');
    writeFileSync(join(s.dataDir, 'rt dir', 'aXb?[c].firstaid-tmp-00000000dead0000'), 'other');
    for (const n of names) await b.put(src, n, { sha256: sha });
    assert.deepEqual(readdirSync(join(s.dataDir, 'rt dir')).filter((f) => f.includes('firstaid-tmp')), ['aXb?[c].firstaid-tmp-00000000dead0000']);
    rmSync(join(s.dataDir, 'rt dir', 'aXb?[c].firstaid-tmp-00000000dead0000'));
    writeFileSync(join(s.dataDir, 'rt dir', 'aXb?[c]'), 'decoy');
    assert.deepEqual(await b.list(), [...names, 'aXb?[c]'].sort());
    assert.equal(await b.query('a*b?[c]'), 1 << 20);
    assert.equal(await b.query('missing'), -1);
    for (const n of names) {
      const back = join(local, 'back');
      await b.get(n, back);
      assert.equal(sha256Of(back), sha, n);
      rmSync(back);
    }
    await b.delete('a*b?[c]');
    assert.equal(readFileSync(join(s.dataDir, 'rt dir', 'aXb?[c]'), 'utf8'), 'decoy', 'the glob matched nothing else');
    await assert.rejects(b.delete('a*b?[c]'), kind('not-found'));
    await assert.rejects(b.get('missing', join(local, 'm')), kind('not-found'));
    assert.equal(existsSync(join(local, 'm')), false);
    await b.deleteList([...names, 'missing']);
    assert.deepEqual(await b.list(), ['aXb?[c]']);
    assert.deepEqual(readdirSync(local).filter((f) => f.includes('firstaid-tmp')), []);
    await b.close();
  });

  test('an unknown host key is refused with its fingerprint; accepted only with that fingerprint', async () => {
    const kh = join(s.dir, 'own_known_hosts');
    rmSync(kh, { force: true });
    const deps = storageDeps(s, { ssh: { identityFile: s.identityFile, knownHostsFiles: [kh] }, retry: { initialDelayMs: 10 } });
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(s.dir, 'hostkey.pub')], { encoding: 'utf8' }).split(/\s+/)[1]!;
    const b = await openBackend(url('hk'), deps);
    const err = await b.list().then(() => null, (e: unknown) => e);
    assert.ok(kind('host-key-unknown')(err), String(err));
    assert.ok((err as StorageError).message.includes(fp), (err as StorageError).message);
    assert.match((err as StorageError).hint, new RegExp(`--accept-host-key ${fp.replace(/[+/]/g, '\\$&')}`));
    assert.equal(runsOf(deps.log, 'sftp'), 1, 'not retried');
    const wrong = await openBackend(url('hk'), { ...deps, ssh: { ...deps.ssh, acceptHostKey: 'SHA256:wrongwrongwrong' } });
    await assert.rejects(wrong.list(), kind('host-key-unknown'));
    assert.equal(existsSync(kh), false, 'nothing recorded for a wrong fingerprint');
    const ok = await openBackend(url('hk'), { ...deps, ssh: { ...deps.ssh, acceptHostKey: fp } });
    assert.deepEqual(await ok.list(), []);
    assert.match(readFileSync(kh, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.port} ssh-ed25519 `));
  });

  test('a changed host key is refused, also when a fingerprint is offered', async () => {
    const other = await startSshd();
    try {
      const kh = join(s.dir, 'changed_known_hosts');
      writeFileSync(kh, '');
      addKnownHost(kh, '127.0.0.1', other.port, s.hostPublicKey); // the first server's key at the second's port
      const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(other.dir, 'hostkey.pub')], { encoding: 'utf8' }).split(/\s+/)[1]!;
      const deps = storageDeps(other, { ssh: { identityFile: other.identityFile, knownHostsFiles: [kh] } });
      const b = await openBackend(`sftp://${other.user}@127.0.0.1:${other.port}${other.dataDir}`, deps);
      const src = join(local, 'hk.bin');
      randomFile(src, 1000);
      const err = await b.put(src, 'x').then(() => null, (e: unknown) => e);
      assert.ok(kind('host-key-changed')(err), String(err));
      assert.match((err as StorageError).message, /CHANGED/);
      assert.equal(runsOf(deps.log, 'sftp'), 1, 'not retried');
      const forced = await openBackend(`sftp://${other.user}@127.0.0.1:${other.port}${other.dataDir}`, { ...deps, ssh: { ...deps.ssh, acceptHostKey: fp } });
      await assert.rejects(forced.list(), kind('host-key-changed'));
      assert.deepEqual(readdirSync(other.dataDir), []);
    } finally {
      await other.stop();
    }
  });

  test('permission denied (read-only SFTP server): not retried, nothing left', async () => {
    const ro = await startSshd({ readOnlySftp: true });
    try {
      const deps = storageDeps(ro);
      const b = await openBackend(`sftp://${ro.user}@127.0.0.1:${ro.port}${ro.dataDir}`, deps);
      const src = join(local, 'ro.bin');
      randomFile(src, 10_000);
      const err = await b.put(src, 'x.bin').then(() => null, (e: unknown) => e);
      assert.ok(kind('permission')(err), String(err));
      assert.match((err as StorageError).message, /permission denied/i);
      assert.equal(deps.log.entries.filter((e) => e.kind === 'message' && /try 2/.test(e.text)).length, 0, 'no retry');
      assert.deepEqual(readdirSync(ro.dataDir), []);
    } finally {
      await ro.stop();
    }
  });

  test('a full remote disk: no-space, not retried, no temporary and no final file left', async (t) => {
    const full = join(s.dataDir, 'full');
    mkdirSync(full);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
    } catch {
      t.skip('mount -t tmpfs refused here');
      return;
    }
    try {
      const deps = storageDeps(s);
      const b = await openBackend(url('full'), deps);
      const src = join(local, 'big.bin');
      randomFile(src, 3 << 20);
      const err = await b.put(src, 'big.bin').then(() => null, (e: unknown) => e);
      assert.ok(kind('no-space')(err), String(err));
      assert.match((err as StorageError).message, /no space/i);
      assert.equal(deps.log.entries.filter((e) => e.kind === 'message' && /try 2/.test(e.text)).length, 0, 'no retry');
      assert.deepEqual(readdirSync(full), [], 'temporary removed, nothing under the final name');
    } finally {
      execFileSync('umount', [full]);
    }
  });

  test('an upload cut by killing the ssh session: retried, the file arrives whole, no partial file', async () => {
    const deps = storageDeps(s, { ssh: { identityFile: s.identityFile, knownHostsFiles: [s.knownHostsFile], bwlimitKbit: 16_000 } });
    const b = await openBackend(url('cut'), deps);
    const src = join(local, 'cut.bin');
    const sha = randomFile(src, 6 << 20);
    const remoteDir = join(s.dataDir, 'cut');
    let killed = 0;
    const watcher = setInterval(() => {
      if (killed || !existsSync(remoteDir)) return;
      if (readdirSync(remoteDir).some((f) => f.includes('firstaid-tmp'))) {
        for (const p of s.sessionPids()) { try { process.kill(p, 'SIGKILL'); killed++; } catch { /* gone */ } }
      }
    }, 50);
    try {
      await b.put(src, 'cut.bin', { sha256: sha });
    } finally {
      clearInterval(watcher);
    }
    assert.ok(killed > 0, 'the session was killed during the upload');
    assert.ok(deps.log.entries.some((e) => e.kind === 'message' && /try 2 of/.test(e.text)), 'retried');
    assert.deepEqual(readdirSync(remoteDir), ['cut.bin'], 'the cut try\'s temporary was removed');
    assert.equal(sha256Of(join(remoteDir, 'cut.bin')), sha);
  });

  test('an upload damaged on the server\'s disk is caught by the sha256 check: corrupt, nothing under the name, no temporary', async () => {
    const { deps, b, err } = await damagedPut(s, 'damaged');
    assert.match(String((err as Error).message), /sha256/);
    // The hash was computed on the server (a shell runs there), not by reading the file back.
    assert.ok(deps.log.entries.some((e) => e.kind === 'command' && e.argv[0] === 'ssh' && e.argv.some((a) => a.includes('firstaid-commit'))), 'sha256 on the server through ssh');
    assert.equal(deps.log.entries.filter((e) => e.kind === 'command' && e.argv[0] === 'sftp').length, 2, 'two sftp sessions: the upload and the removal of its temporary (no read-back)');
    await b.close();
  });

  describe('a server without a shell (ForceCommand internal-sftp): the upload is read back to be checked', () => {
    let n: Sshd;
    before(async () => { n = await startSshd({ extraConfig: ['ForceCommand internal-sftp'] }); });
    after(async () => { await n?.stop(); });
    const nurl = (sub: string) => `sftp://${n.user}@127.0.0.1:${n.port}${join(n.dataDir, sub)}`;

    test('a put lands whole, checked by reading it back', async () => {
      const deps = storageDeps(n);
      const b = await openBackend(nurl('noshell'), deps);
      const src = join(local, 'noshell.bin');
      const sha = randomFile(src, 2 << 20);
      await b.put(src, 'noshell.bin');
      assert.deepEqual(readdirSync(join(n.dataDir, 'noshell')), ['noshell.bin']);
      assert.equal(sha256Of(join(n.dataDir, 'noshell', 'noshell.bin')), sha);
      const ssh = deps.log.entries.filter((e) => e.kind === 'command' && e.argv[0] === 'ssh' && e.argv.some((a) => a.includes('firstaid-')));
      assert.ok(ssh.length > 0 && ssh.every((e) => e.kind === 'command' && e.exitCode !== 0), 'the server ran no command of ours');
      // The upload, the read-back, the rename.
      assert.equal(deps.log.entries.filter((e) => e.kind === 'command' && e.argv[0] === 'sftp').length, 3, 'read back and renamed over sftp');
      await b.close();
    });

    test('an upload damaged on its disk is caught by the read-back: corrupt, nothing under the name', async () => {
      const { b } = await damagedPut(n, 'noshell-damaged');
      await b.close();
    });
  });

  test('a put (upload, sha256 on the server, rename) is one ssh login; close() ends the shared connection', async () => {
    const deps = storageDeps(s);
    const b = await openBackend(url('one-login'), deps);
    const src = join(local, 'one-login.bin');
    const sha = randomFile(src, 1 << 20);
    const logins = () => (readFileSync(s.logFile, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    const socketDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('fa-sftp-'));
    const others = new Set(socketDirs());
    await b.put(src, 'one-login.bin');
    assert.equal(logins() - before, 1, 'one login for the three sessions');
    assert.equal(sha256Of(join(s.dataDir, 'one-login', 'one-login.bin')), sha);
    const mine = socketDirs().filter((n) => !others.has(n));
    assert.equal(mine.length, 1, 'a private socket dir');
    await b.close();
    assert.ok(!socketDirs().includes(mine[0]!), 'the socket dir is removed');
    // [x]yz: the pattern does not match pgrep's own shell.
    const pattern = `ControlPath=${tmpdir()}/[${mine[0]![0]}]${mine[0]!.slice(1)}`;
    assert.equal(execFileSync('sh', ['-c', `pgrep -f "${pattern}" || true`], { encoding: 'utf8' }).trim(), '', 'no master left running');
  });
});
