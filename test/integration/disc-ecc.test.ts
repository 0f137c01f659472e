/**
 * --ecc: dvdisaster RS03 data in a new, closed disc; 200 wiped sectors repaired byte-identical
 * by `disc repair --to FILE`, which then verifies and serves a revert. An ECC disc refuses appends.
 * Slow by nature: RS03 fills a CD (701 MiB) whatever the data.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, openSync, writeSync, closeSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox } from './systems-helpers.js';
import { discEnv, runLong } from './disc-helpers.js';

function sha(file: string, bytes: number): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let done = 0;
  try {
    while (done < bytes) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, bytes - done), done);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

describe('disc --ecc', needs({ root: true, tools: ['xorriso', 'dvdisaster'] }), () => {
  before(() => build());

  test('200 wiped sectors of an ECC disc image repaired byte-identical', { timeout: 40 * 60_000 }, async () => {
    const e = await discEnv();
    const sb = sandbox();
    try {
      const iso = join(e.work, 'ecc.iso');
      const w = await runLong(['disc', 'write', '--drive', iso, '--ecc', '--media', 'cd700', '--staging', join(e.work, 'stage'), '--backup-store', e.storeDir, e.backupId, e.dir, '--json'], sb);
      assert.equal(w.code, 0, w.stdout + w.stderr);
      const st = JSON.parse((await runFirstaid(['disc', 'status', '--drive', iso, '--json'], { sandbox: sb })).stdout) as { closed: boolean };
      assert.equal(st.closed, true, 'an ECC disc is closed');
      const again = await runFirstaid(['disc', 'write', '--drive', iso, '--media', 'cd700', '--staging', join(e.work, 'stage'), e.dir, '--json'], { sandbox: sb });
      assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'disc-closed');

      const RS03 = 359_295 * 2048;
      const good = sha(iso, RS03);
      const bad = join(e.work, 'bad.iso');
      copyFileSync(iso, bad);
      const fd = openSync(bad, 'r+');
      writeSync(fd, Buffer.alloc(200 * 2048), 0, 200 * 2048, 40 * 2048); // inside the ISO: directory records and data
      closeSync(fd);
      const v = await runFirstaid(['disc', 'verify', '--drive', bad], { sandbox: sb });
      assert.equal(v.code, 1, 'the damage is seen');

      const to = join(e.work, 'repaired.iso');
      const r = await runLong(['disc', 'repair', '--drive', bad, '--to', to, '--json'], sb);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(statSync(to).size, RS03);
      assert.equal(sha(to, RS03), good, 'byte-identical to the burned image');
      assert.equal((await runFirstaid(['disc', 'verify', '--drive', to], { sandbox: sb })).code, 0);
    } finally {
      sb.dispose();
      e.dispose();
    }
  });
});
