/**
 * End to end: `firstaid peers stage` two remote peers (the test sshd on 127.0.0.2 and
 * 127.0.0.3), then `firstaid disc write` stores the day's staging dir on a file pseudo-drive,
 * `firstaid disc verify` passes, and each peer's files are on the disc under /YYYY/MM/DD/<peer>/
 * (read back with xorriso, byte for byte).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';
import { peersFixture, fillCollectDir, type PeersFixture } from './peers-fixture.js';
import { dayPath } from '../../src/backup/discs/staging-tree.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('peers to disc', needs({ root: true, tools: ['/usr/sbin/sshd', 'ssh', 'scp', 'xorriso'] }), () => {
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

  test('stage two peers, write the day to a disc, verify it, find each peer under /YYYY/MM/DD/<peer>/', async () => {
    const files = { '127.0.0.2': fillCollectDir(fx.collect.a, 'a'), '127.0.0.3': fillCollectDir(fx.collect.b, 'b') };
    const collect = { '127.0.0.2': fx.collect.a, '127.0.0.3': fx.collect.b };
    const pool = join(fx.work, 'pool.json');
    writeFileSync(pool, JSON.stringify({ peers: [fx.entries.a, fx.entries.b] }));
    const staging = join(fx.work, 'staging');
    const stage = await runFirstaid(['peers', 'stage', '--peers', pool, '--staging', staging], { sandbox: sb });
    assert.equal(stage.code, 0, stage.stdout + stage.stderr);

    const iso = join(fx.work, 'disc.iso');
    const day = dayPath(new Date());
    const w = await runFirstaid(['disc', 'write', '--drive', iso, '--staging', staging, '--json'], { sandbox: sb });
    assert.equal(w.code, 0, w.stdout + w.stderr);
    const v = await runFirstaid(['disc', 'verify', '--drive', iso, '--json'], { sandbox: sb });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal((JSON.parse(v.stdout) as { verify: { ok: boolean } }).verify.ok, true);

    const out = join(fx.work, 'from-disc');
    mkdirSync(out);
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', `/${day}`, out], { stdio: 'pipe' });
    for (const [peer, fs] of Object.entries(files)) {
      for (const name of Object.keys(fs)) {
        assert.equal(sha(join(out, peer, name)), sha(join(collect[peer as keyof typeof collect], name)), `${peer}/${name} on the disc`);
      }
    }
  });
});
