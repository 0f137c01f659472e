/**
 * localUser: when firstaid runs as root, a remote peer's copies run as the pool's local user
 * (runuser with an argv, no shell string), with that user's key, into dirs that user may write.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, chownSync, mkdtempSync, mkdirSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { peersFixture, fillCollectDir, type PeersFixture } from './peers-fixture.js';
import { parsePool } from '../../src/backup/peers/pool.js';
import { peerFromSpec } from '../../src/backup/peers/stage-pool.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const NOBODY = 65534;

describe('peers: localUser', needs({ root: true, tools: ['/usr/sbin/sshd', 'scp', 'ssh', 'runuser'] }), () => {
  let fx: PeersFixture;
  let home: string;
  before(async () => {
    fx = await peersFixture();
    // The local user's own copy of the client key and known_hosts, in a dir it can reach.
    home = mkdtempSync('/tmp/fa-peers-localuser-');
    chmodSync(home, 0o755);
    for (const [from, to, mode] of [[fx.sshd.identityFile, 'id', 0o600], [fx.sshd.knownHostsFile, 'known_hosts', 0o644]] as const) {
      copyFileSync(from, join(home, to));
      chownSync(join(home, to), NOBODY, NOBODY);
      chmodSync(join(home, to), mode);
    }
    mkdirSync(join(home, 'work'), { mode: 0o755 });
  });
  after(async () => {
    if (home) rmSync(home, { recursive: true, force: true });
    await fx?.dispose();
  });

  test('copies run as the local user (files arrive as that user), checked and staged as usual', async () => {
    const files = fillCollectDir(fx.collect.a, 'a');
    const swap = (args: string[]) => args.map((a) => a === fx.sshd.identityFile ? join(home, 'id') : a.replace(fx.sshd.knownHostsFile, join(home, 'known_hosts')));
    const spec = parsePool(JSON.stringify({ peers: [{ ...fx.entries.a, localUser: 'nobody', workingDir: join(home, 'work'), rcpCommand: ['scp', ...swap(fx.sshd.sftpArgs())], rshCommand: ['ssh', ...swap(fx.sshd.sshArgs())] }] })).peers[0]!;
    const peer = peerFromSpec(spec, fx.runner);
    assert.deepEqual(await peer.checkCollectIndicator(), { state: 'ready' });
    const target = join(home, 'staged', 'a');
    const report = await peer.stage(target, { tempParent: join(home, 'staged') });
    assert.equal(report.files.length, Object.keys(files).length);
    assert.ok(report.files.every((f) => f.checked === 'size+sha256'), 'the listing and hashes ran as the local user too');
    for (const name of Object.keys(files)) {
      assert.equal(sha(join(target, name)), sha(join(fx.collect.a, name)));
      assert.equal(statSync(join(target, name)).uid, NOBODY, `${name} was written by the local user`);
    }
    await peer.writeStageIndicator();
    const copies = fx.log.entries.filter((e) => e.kind === 'command' && (e.argv.includes('scp') || e.argv.includes('ssh')));
    assert.ok(copies.length >= 4 && copies.every((e) => e.kind === 'command' && e.argv.slice(0, 4).join(' ') === 'runuser -u nobody --'), 'every ssh/scp ran through runuser');
  });
});
