/**
 * Remote and local peers against a real sshd of the test's own on 127.0.0.2 and 127.0.0.3:
 * ready / not ready / unreachable told apart (refused, host key unknown and changed, auth),
 * staging checked file by file and idempotent, awkward names, owner and mode, a link cut
 * mid-copy leaving no stage indicator.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { needs } from '../helpers/env.js';
import { peersFixture, fillCollectDir, type PeersFixture } from './peers-fixture.js';
import { parsePool } from '../../src/backup/peers/pool.js';
import { peerFromSpec, stageOne, stagePool, STAGING_TEMP } from '../../src/backup/peers/stage-pool.js';
import { RemotePeer } from '../../src/backup/peers/remote-peer.js';
import { PeerStageError, PeerUnreachableError } from '../../src/backup/peers/errors.js';
import { peerDayDir } from '../../src/backup/discs/staging-tree.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const DAY = new Date('2026-12-01T12:00:00Z');

function remotePeer(fx: PeersFixture, entry: Record<string, unknown>, over: Record<string, unknown> = {}): RemotePeer {
  const spec = parsePool(JSON.stringify({ peers: [{ ...entry, ...over }] })).peers[0]!;
  return peerFromSpec(spec, fx.runner) as RemotePeer;
}

describe('peers over ssh', needs({ root: true, tools: ['/usr/sbin/sshd', 'ssh', 'scp', 'sha256sum', 'find'] }), () => {
  let fx: PeersFixture;
  before(async () => {
    fx = await peersFixture();
  });
  after(async () => {
    await fx?.dispose();
  });

  test('ready, not ready and unreachable are different answers, with the reason', async () => {
    fillCollectDir(fx.collect.a, 'a');
    fillCollectDir(fx.collect.b, 'b', false);
    assert.deepEqual(await remotePeer(fx, fx.entries.a).checkCollectIndicator(), { state: 'ready' });
    const b = await remotePeer(fx, fx.entries.b).checkCollectIndicator();
    assert.equal(b.state, 'not-ready');
    // Nobody listens on 127.0.0.4.
    const down = await remotePeer(fx, fx.entries.a, { name: '127.0.0.4' }).checkCollectIndicator();
    assert.equal(down.state, 'unreachable');
    assert.equal(down.state === 'unreachable' && down.reason, 'refused');

    const emptyKnown = join(fx.work, 'known_hosts.empty');
    writeFileSync(emptyKnown, '');
    // An option given twice: ssh keeps the first, so ours go first.
    const first = (extra: string[]) => ['scp', extra[0]!, extra[1]!, ...fx.sshd.sftpArgs()];
    const unknown = await remotePeer(fx, fx.entries.a, { rcpCommand: first(['-o', `UserKnownHostsFile=${emptyKnown}`]) }).checkCollectIndicator();
    assert.equal(unknown.state === 'unreachable' && unknown.reason, 'host-key-unknown', JSON.stringify(unknown));

    const otherKey = join(fx.work, 'otherhost');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const changedKnown = join(fx.work, 'known_hosts.changed');
    const otherPub = readFileSync(`${otherKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(changedKnown, `[127.0.0.2]:${fx.sshd.port} ${otherPub}\n`);
    const changed = await remotePeer(fx, fx.entries.a, { rcpCommand: first(['-o', `UserKnownHostsFile=${changedKnown}`]) }).checkCollectIndicator();
    assert.equal(changed.state === 'unreachable' && changed.reason, 'host-key-changed', JSON.stringify(changed));

    const strangerKey = join(fx.work, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
    const auth = await remotePeer(fx, fx.entries.a, { rcpCommand: ['scp', '-i', strangerKey, ...fx.sshd.sftpArgs().filter((a, i, all) => a !== '-i' && all[i - 1] !== '-i')] }).checkCollectIndicator();
    assert.equal(auth.state === 'unreachable' && auth.reason, 'auth-failed', JSON.stringify(auth));
  });

  test('staging checks every file against the peer (size, sha256), includes dotfiles and odd names, and is idempotent', async () => {
    const files = fillCollectDir(fx.collect.a, 'a');
    const peer = remotePeer(fx, fx.entries.a);
    const target = peerDayDir(fx.staging, DAY, peer.name);
    const report = await peer.stage(target, { tempParent: join(fx.staging, STAGING_TEMP) });
    assert.equal(report.files.length, Object.keys(files).length);
    assert.ok(report.files.every((f) => f.checked === 'size+sha256'), JSON.stringify(report.files));
    for (const name of Object.keys(files)) {
      assert.equal(sha(join(target, name)), sha(join(fx.collect.a, name)), name);
    }
    assert.ok(!existsSync(join(target, 'cback.collect')), 'the indicator is a control file, not a backup');
    // Again, into the dir that already holds them: same count, not "no new files".
    assert.equal(await peer.stagePeer(target), Object.keys(files).length);
    assert.deepEqual(readdirSync(join(fx.staging, STAGING_TEMP)), [], 'per-run dirs removed');
    await peer.writeStageIndicator();
    assert.ok(existsSync(join(fx.collect.a, 'cback.stage')));
  });

  test('a peer that cannot run commands is staged by what the copy brought, and says so', async () => {
    fillCollectDir(fx.collect.b, 'b');
    const peer = remotePeer(fx, fx.entries.b, { rshCommand: ['false'] });
    const report = await peer.stage(join(fx.staging, 'nohash', peer.name));
    assert.ok(report.files.length >= 7 && report.files.every((f) => f.checked === 'copy-only'));
    assert.match(report.warnings.join('\n'), /could not list and hash/);
  });

  test('a copy command that exits 0 but brought nothing, or less than the peer listed, fails the staging', async () => {
    fillCollectDir(fx.collect.a, 'a');
    // `true` is the woody-era scp: exit 0, nothing copied.
    const liar = remotePeer(fx, fx.entries.a, { rcpCommand: ['true'] });
    await assert.rejects(liar.stage(join(fx.staging, 'liar', liar.name)), (e: unknown) => e instanceof PeerStageError && /exited 0 but staged nothing/.test(e.message));
    // Real scp, then one file lost on the way (a short copy that still exits 0).
    // Named scp, so it gets scp's SFTP-glob escaping; it runs the real one by its full path.
    mkdirSync(join(fx.work, 'lossy'), { recursive: true });
    const wrapper = join(fx.work, 'lossy', 'scp');
    writeFileSync(wrapper, '#!/bin/sh\n/usr/bin/scp "$@" || exit $?\nfor last; do :; done\nrm -f -- "$last/name with spaces.tar"\n', { mode: 0o755 });
    const lossy = remotePeer(fx, fx.entries.a, { rcpCommand: [wrapper, ...fx.sshd.sftpArgs()] });
    const target = join(fx.staging, 'lossy', lossy.name);
    await assert.rejects(lossy.stage(target), (e: unknown) => e instanceof PeerStageError && /"name with spaces.tar" did not arrive/.test(e.message));
    assert.ok(!existsSync(target), 'nothing reached the target dir');
  });

  test('paths and names that a remote shell would run are staged as names, nothing runs', async () => {
    const marker = join(fx.work, 'INJECTED');
    const dir = join(fx.sshd.dataDir, `inj';touch ${marker};'$(touch ${marker})`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `x;touch\${IFS}${marker.replace(/\//g, '_')}`), 'one');
    writeFileSync(join(dir, '$(touch INJECTED2)'), 'two');
    writeFileSync(join(dir, 'cback.collect'), '');
    const peer = remotePeer(fx, fx.entries.a, { collectDir: dir });
    assert.deepEqual(await peer.checkCollectIndicator(), { state: 'ready' });
    const report = await peer.stage(join(fx.staging, 'inj', peer.name));
    assert.equal(report.files.length, 2);
    assert.ok(report.files.every((f) => f.checked === 'size+sha256'));
    await peer.writeStageIndicator();
    assert.ok(existsSync(join(dir, 'cback.stage')));
    assert.ok(!existsSync(marker) && !existsSync(join(fx.sshd.dataDir, 'INJECTED2')) && !existsSync('/root/INJECTED2'), 'nothing ran on the peer');
  });

  test('owner and mode of staged files are the pool\'s', async () => {
    fillCollectDir(fx.collect.a, 'a');
    const peer = remotePeer(fx, fx.entries.a);
    const target = join(fx.staging, 'owned', peer.name);
    await peer.stagePeer(target, { user: 'nobody', group: 'nogroup' }, 0o640);
    const st = statSync(join(target, 'name with spaces.tar'));
    assert.equal(st.uid, Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })));
    assert.equal(st.gid, Number(execFileSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).split(':')[2]));
    assert.equal(st.mode & 0o7777, 0o640);
  });

  test('a missing collect dir is unreachable with its own reason, not "not ready"', async () => {
    const peer = remotePeer(fx, fx.entries.a, { collectDir: '/nonexistent/collect' });
    await assert.rejects(peer.stage(join(fx.staging, 'missing', peer.name)), (e: unknown) => e instanceof PeerUnreachableError && e.reason === 'no-collect-dir');
  });

  test('a link cut mid-copy fails the staging: no stage indicator, nothing half-copied in the day', async () => {
    const dir = join(fx.sshd.dataDir, 'slow collect');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(6 * 1024 * 1024, 7));
    writeFileSync(join(dir, 'cback.collect'), '');
    // -l 8000 Kbit/s: 6 MiB take about 6 s, time to cut the link.
    const spec = { ...fx.entries.a, name: '127.0.0.3', collectDir: dir, rcpCommand: ['scp', '-l', '8000', ...fx.sshd.sftpArgs()] };
    const pool = parsePool(JSON.stringify({ peers: [spec] }));
    const staging = mkdtempSync(join(fx.work, 'cut-'));
    // Cut the link once the progress shows bytes arriving against the peer's listed total.
    const seen: Array<{ bytes: number; total?: number; etaSeconds?: number }> = [];
    let cut = false;
    const onProgress = (_name: string, p: { bytes: number; total?: number; etaSeconds?: number }) => {
      seen.push(p);
      if (!cut && p.bytes > 0 && p.total !== undefined) {
        cut = true;
        for (const pid of fx.sshd.sessionPids()) process.kill(pid, 'SIGKILL');
      }
    };
    const [outcome] = await stagePool(pool, fx.runner, { stagingDir: staging, date: DAY, onProgress });
    assert.ok(cut, `the copy was cut mid-way (progress seen: ${JSON.stringify(seen)})`);
    const last = seen[seen.length - 1]!;
    assert.ok(last.total === 6 * 1024 * 1024 && last.bytes < last.total && last.etaSeconds !== undefined, JSON.stringify(last));
    assert.ok(outcome!.state === 'unreachable' || outcome!.state === 'failed', JSON.stringify(outcome));
    assert.match(JSON.stringify(outcome), /connection-lost|Connection closed|lost/, 'reported as a cut link');
    assert.ok(!existsSync(join(dir, 'cback.stage')), 'no stage indicator after a cut copy');
    assert.ok(!existsSync(join(peerDayDir(staging, DAY, '127.0.0.3'), 'big.bin')), 'nothing half-copied under its final name');
    assert.deepEqual(readdirSync(join(staging, STAGING_TEMP)), []);
  });

  test('a pool: two remote peers and a local one under YYYY/MM/DD/<peer>/, a not-ready and an unreachable one reported', async () => {
    fillCollectDir(fx.collect.a, 'a');
    fillCollectDir(fx.collect.b, 'b');
    const local = fillCollectDir(fx.collect.local, 'local');
    const notReady = join(fx.sshd.dataDir, 'not ready');
    fillCollectDir(notReady, 'n', false);
    const pool = parsePool(JSON.stringify({
      permissions: '0600',
      peers: [fx.entries.a, fx.entries.b, fx.entries.local, { ...fx.entries.a, name: 'peer-late', collectDir: notReady, rcpCommand: ['scp', '-o', 'HostName=127.0.0.2', ...fx.sshd.sftpArgs(), '-o', 'HostKeyAlias=[127.0.0.2]:' + fx.sshd.port] }, { ...fx.entries.a, name: '127.0.0.5' }],
    }));
    const staging = mkdtempSync(join(fx.work, 'pool-'));
    const out = await stagePool(pool, fx.runner, { stagingDir: staging, date: DAY });
    assert.deepEqual(out.map((o) => [o.name, o.state]), [['127.0.0.2', 'staged'], ['127.0.0.3', 'staged'], ['localpeer', 'staged'], ['peer-late', 'not-ready'], ['127.0.0.5', 'unreachable']], JSON.stringify(out));
    assert.deepEqual(readdirSync(join(staging, '2026/12/01')).sort(), ['127.0.0.2', '127.0.0.3', 'localpeer']);
    for (const name of Object.keys(local)) assert.equal(sha(join(staging, '2026/12/01/localpeer', name)), sha(join(fx.collect.local, name)));
    assert.equal(statSync(join(staging, '2026/12/01/127.0.0.3/b-etc.tar.gz')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(fx.collect.b, 'cback.stage')) && existsSync(join(fx.collect.local, 'cback.stage')));
    assert.ok(!existsSync(join(notReady, 'cback.stage')));
  });

  test('one peer\'s check, copy, listing and stage indicator share one ssh login, and the master is gone after', async () => {
    const files = fillCollectDir(fx.collect.b, 'shared');
    const logins = () => (readFileSync(fx.sshd.logFile, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    const staging = mkdtempSync(join(fx.work, 'shared-'));
    const spec = parsePool(JSON.stringify({ peers: [fx.entries.b] })).peers[0]!;
    const out = await stageOne(spec, fx.runner, { stagingDir: staging, date: DAY });
    assert.equal(out.state, 'staged', JSON.stringify(out));
    for (const name of Object.keys(files)) assert.equal(sha(join(staging, '2026/12/01/127.0.0.3', name)), sha(join(fx.collect.b, name)));
    assert.ok(existsSync(join(fx.collect.b, 'cback.stage')));
    assert.equal(logins() - before, 1, 'one login for the four commands');
    assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('fa-ssh-')), [], 'the socket dir is removed');
    assert.equal(execFileSync('sh', ['-c', 'pgrep -f "ControlPath=.*[f]a-ssh-" || true'], { encoding: 'utf8' }).trim(), '', 'no master left running');
  });
});
