// `firstaid storage ls|stat|get|put|rm` through the built program against the test sshd and an
// rsync daemon: --json, exit codes 0/1/2, the unknown host key's message, no password in the log.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { startRsyncd, type Rsyncd } from '../helpers/rsyncd.js';
import { randomFile, sha256Of } from '../helpers/storage.js';
import { build, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';

describe('firstaid storage', needs({ root: true, tools: ['/usr/sbin/sshd', 'sftp', 'rsync'] }), () => {
  let s: Sshd;
  let d: Rsyncd;
  let sb: Sandbox;
  let local: string;
  before(async () => {
    build();
    s = await startSshd();
    d = await startRsyncd();
    sb = sandbox();
    local = join(s.dir, 'local');
    mkdirSync(local);
  });
  after(async () => { await s?.stop(); await d?.stop(); sb?.dispose(); });
  const ssh = () => ['--identity', s.identityFile, '--known-hosts', s.knownHostsFile];

  test('put, ls --json, stat, get, rm over sftp; exit codes', async () => {
    const url = `sftp://${s.user}@127.0.0.1:${s.port}${s.dataDir}/cli`;
    const f = join(local, 'home.tar.xz');
    const sha = randomFile(f, 300_000);
    let r = await runFirstaid(['storage', 'put', url, f, ...ssh(), '--json'], { sandbox: sb });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { url, name: 'home.tar.xz', size: 300_000 });
    r = await runFirstaid(['storage', 'ls', url, ...ssh(), '--json'], { sandbox: sb });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).files, [{ name: 'home.tar.xz', size: 300_000 }]);
    r = await runFirstaid(['storage', 'stat', url, 'home.tar.xz', 'missing', ...ssh()], { sandbox: sb });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /home\.tar\.xz: 300000 bytes\nmissing: not found/);
    const back = join(local, 'back.tar.xz');
    r = await runFirstaid(['storage', 'get', url, 'home.tar.xz', back, ...ssh()], { sandbox: sb });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256Of(back), sha);
    r = await runFirstaid(['storage', 'get', url, 'home.tar.xz', back, ...ssh()], { sandbox: sb });
    assert.equal(r.code, 1, 'an existing local file is not replaced without --force');
    r = await runFirstaid(['storage', 'rm', url, 'home.tar.xz', 'missing', ...ssh(), '--json'], { sandbox: sb });
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { deleted: boolean }) => x.deleted), [true, false]);
    assert.equal(existsSync(join(s.dataDir, 'cli', 'home.tar.xz')), false);
    for (const bad of [['storage', 'frob', url], ['storage', 'ls'], ['storage', 'ls', 'gopher://x/y'], ['storage', 'ls', url, '--accept-host-key', 'nope']]) {
      r = await runFirstaid(bad, { sandbox: sb });
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('an unknown host key: exit 1, the fingerprint and --accept-host-key in the message, no stack trace', async () => {
    const kh = join(s.dir, 'cli_known_hosts');
    const url = `sftp://${s.user}@127.0.0.1:${s.port}${s.dataDir}`;
    const r = await runFirstaid(['storage', 'ls', url, '--identity', s.identityFile, '--known-hosts', kh], { sandbox: sb });
    assert.equal(r.code, 1);
    const fp = /SHA256:[A-Za-z0-9+/]+/.exec(r.stderr)?.[0];
    assert.ok(fp, r.stderr);
    assert.match(r.stderr, /--accept-host-key SHA256:/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const ok = await runFirstaid(['storage', 'ls', url, '--identity', s.identityFile, '--known-hosts', kh, '--accept-host-key', fp!], { sandbox: sb });
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('rsync daemon with a password in the URL: works, the password is in neither output nor log', async () => {
    const f = join(local, 'r.bin');
    randomFile(f, 10_000);
    const r = await runFirstaid(['storage', 'put', `${d.url('backup')}/cli`, f, '--json'], { sandbox: sb });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).url, `rsync://fa@127.0.0.1:${d.port}/backup/cli`);
    const bad = await runFirstaid(['storage', 'ls', `${d.url('backup', 'secretwrong')}/cli`], { sandbox: sb });
    assert.equal(bad.code, 1);
    assert.doesNotMatch(bad.stderr + bad.stdout, /secretwrong/);
    assert.doesNotMatch(readFileSync(sb.log, 'utf8'), /secretwrong|fa:pw/);
    rmSync(f);
  });
});
