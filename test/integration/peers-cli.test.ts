/**
 * `firstaid peers list|check|stage` through the real bundle against the test sshd: states and
 * exit codes, --json, the day's staging dir, usage errors.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';
import { peersFixture, fillCollectDir, type PeersFixture } from './peers-fixture.js';
import { dayDir } from '../../src/backup/discs/staging-tree.js';

describe('firstaid peers', needs({ root: true, tools: ['/usr/sbin/sshd', 'ssh', 'scp'] }), () => {
  let fx: PeersFixture;
  let sb: Sandbox;
  before(async () => {
    build();
    fx = await peersFixture();
    sb = sandbox();
  });
  after(async () => {
    sb?.dispose();
    await fx?.dispose();
  });

  test('check tells ready, not ready and unreachable apart; stage stages the ready ones; exit codes', async () => {
    const files = fillCollectDir(fx.collect.a, 'a');
    fillCollectDir(fx.collect.b, 'b', false);
    fillCollectDir(fx.collect.local, 'l');
    const pool = join(fx.work, 'pool.json');
    writeFileSync(pool, JSON.stringify({ peers: [fx.entries.a, fx.entries.b, fx.entries.local, { ...fx.entries.a, name: '127.0.0.9' }] }));

    const list = await runFirstaid(['peers', 'list', '--peers', pool, '--json'], { sandbox: sb });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { peers: { name: string }[] }).peers.map((p) => p.name), ['127.0.0.2', '127.0.0.3', 'localpeer', '127.0.0.9']);

    const check = await runFirstaid(['peers', 'check', '--peers', pool], { sandbox: sb });
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stdout, /^127\.0\.0\.2: ready$/m);
    assert.match(check.stdout, /^127\.0\.0\.3: not ready\n  no cback\.collect in\s+\S+\s+yet$/m);
    assert.match(check.stdout, /^localpeer: ready$/m);
    assert.match(check.stdout, /^127\.0\.0\.9: unreachable \(refused\)\n  .*Connection refused\n  Check that the peer is up/m);
    // Wrapped at 80 columns; only a single word longer than a line (a path) may stick out.
    for (const l of check.stdout.split('\n')) assert.ok(l.length <= 80 || !/\S\s\S/.test(l.trim()), `too wide: ${l}`);
    const checkJson = JSON.parse((await runFirstaid(['peers', 'check', '--peers', pool, '--json'], { sandbox: sb })).stdout) as { peers: { name: string; state: string; reason?: string }[] };
    assert.deepEqual(checkJson.peers.map((p) => [p.name, p.state]), [['127.0.0.2', 'ready'], ['127.0.0.3', 'not-ready'], ['localpeer', 'ready'], ['127.0.0.9', 'unreachable']]);

    const staging = join(fx.work, 'cli-staging');
    const stage = await runFirstaid(['peers', 'stage', '--peers', pool, '--staging', staging, '--json'], { sandbox: sb });
    assert.equal(stage.code, 1, 'an unreachable peer fails the run');
    const out = JSON.parse(stage.stdout) as { dayDir: string; peers: { name: string; state: string; report?: { files: unknown[] } }[] };
    assert.deepEqual(out.peers.map((p) => p.state), ['staged', 'not-ready', 'staged', 'unreachable']);
    assert.equal(out.peers[0]!.report!.files.length, Object.keys(files).length);
    assert.equal(out.dayDir, dayDir(staging, new Date()));
    assert.deepEqual(readdirSync(out.dayDir).sort(), ['127.0.0.2', 'localpeer']);
    assert.ok(existsSync(join(fx.collect.a, 'cback.stage')) && !existsSync(join(fx.collect.b, 'cback.stage')));

    const listed = JSON.parse((await runFirstaid(['peers', 'list', '--peers', pool, '--staging', staging, '--json'], { sandbox: sb })).stdout) as { peers: { name: string; stagedToday: { files: number } | null }[] };
    assert.deepEqual(listed.peers.map((p) => [p.name, p.stagedToday?.files ?? null]), [['127.0.0.2', Object.keys(files).length], ['127.0.0.3', null], ['localpeer', 7], ['127.0.0.9', null]]);

    const good = join(fx.work, 'pool-good.json');
    writeFileSync(good, JSON.stringify({ peers: [fx.entries.a] }));
    assert.equal((await runFirstaid(['peers', 'check', '--peers', good], { sandbox: sb })).code, 0);
    const again = await runFirstaid(['peers', 'stage', '--peers', good, '--staging', staging], { sandbox: sb });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`127\\.0\\.0\\.2: staged ${Object.keys(files).length} files, .*each checked \\(size, sha256\\)`));
  });

  test('usage: no pool, a bad pool, an unknown verb exit 2 with a message', async () => {
    const none = await runFirstaid(['peers', 'check'], { sandbox: sb });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--peers FILE/);
    const bad = join(fx.work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ peers: [{ name: 'x', type: 'remote', collectDir: '/c', rcpCommand: 'scp -O -q' }] }));
    const b = await runFirstaid(['peers', 'list', '--peers', bad], { sandbox: sb });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /rcpCommand must be a non-empty list of strings/);
    const verb = await runFirstaid(['peers', 'burn', '--peers', bad], { sandbox: sb });
    assert.equal(verb.code, 2);
    assert.match(verb.stderr, /Unknown peers command "burn"/);
  });
});
