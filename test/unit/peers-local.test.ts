/** The local peer on real dirs (no ssh): readiness, checked and idempotent staging, mode; progress figures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LocalPeer } from '../../src/backup/peers/local-peer.js';
import { PeerStageError } from '../../src/backup/peers/errors.js';
import { progressOf } from '../../src/backup/peers/progress.js';
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';

test('local peer: not ready, ready, staged twice (same count), dotfiles, mode, indicator only after', async () => {
  const d = mkdtempSync(join(tmpdir(), 'peers-local-'));
  try {
    const collect = join(d, 'collect');
    mkdirSync(join(collect, 'sub'), { recursive: true });
    const runner = new Runner({ log: new SessionLog() });
    const missing = new LocalPeer({ name: 'gone', collectDir: join(d, 'nope') }, runner);
    assert.equal((await missing.checkCollectIndicator()).state, 'unreachable');
    const peer = new LocalPeer({ name: 'local', collectDir: collect }, runner);
    await assert.rejects(peer.stage(join(d, 'empty')), (e: unknown) => e instanceof PeerStageError && /holds no files/.test(e.message));
    writeFileSync(join(collect, '.dot'), 'dot');
    writeFileSync(join(collect, '-dash file'), 'dash');
    writeFileSync(join(collect, 'sub', 'x.tar'), 'x'.repeat(5000));
    assert.equal((await peer.checkCollectIndicator()).state, 'not-ready');
    writeFileSync(join(collect, 'cback.collect'), '');
    assert.deepEqual(await peer.checkCollectIndicator(), { state: 'ready' });
    const target = join(d, 'staging', 'local');
    const seen: number[] = [];
    const r = await peer.stage(target, { permissions: 0o600, onProgress: (p) => seen.push(p.bytes) });
    assert.deepEqual(r.files.map((f) => f.path).sort(), ['-dash file', '.dot', 'sub/x.tar']);
    assert.equal(seen[seen.length - 1], 5007);
    assert.equal(statSync(join(target, '.dot')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(target, 'sub', 'x.tar'), 'utf8').length, 5000);
    assert.ok(!existsSync(join(target, 'cback.collect')) && !existsSync(join(collect, 'cback.stage')));
    assert.equal(await peer.stagePeer(target), 3, 'staging again over the same files');
    await peer.writeStageIndicator();
    assert.ok(existsSync(join(collect, 'cback.stage')));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('progress: ETA from the rate so far, none before the total is known', () => {
  assert.deepEqual(progressOf(50, 200, 10_000), { bytes: 50, total: 200, etaSeconds: 30 });
  assert.deepEqual(progressOf(50, undefined, 10_000), { bytes: 50 });
  assert.deepEqual(progressOf(0, 200, 10_000), { bytes: 0, total: 200 });
});
