// The local sha256 taken while a copy writes its files (scp writes one at a time), and the rule
// that such a hash only confirms a match: a wrong one is hashed again from the disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followArrivals } from '../../src/backup/peers/follow-arrivals.js';
import { checkHashes } from '../../src/backup/peers/place.js';
import type { StagedFile } from '../../src/backup/peers/types.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('files written one after another are hashed as they arrive, each whole', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fa-follow-'));
  try {
    // Each file grows in pieces with pauses, as a transfer does; a nested dir and a space too.
    const script = 'cd "$1" && mkdir -p "sub dir" && for f in a "sub dir/b" c; do for i in 1 2 3; do head -c 300000 /dev/urandom >> "$f"; sleep 0.15; done; done';
    const copy = new Promise<void>((resolve, reject) => execFile('sh', ['-c', script, 'sh', root], (e) => (e ? reject(e) : resolve())));
    const got = await followArrivals(root, copy);
    await copy;
    assert.deepEqual([...got.keys()].sort(), ['a', 'c', 'sub dir/b']);
    for (const [p, h] of got) {
      assert.equal(h.size, 900000, p);
      assert.equal(h.sha256, sha(join(root, p)), p);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a hash taken on arrival that does not match the peer is checked again from the disk', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fa-follow-'));
  try {
    await new Promise<void>((resolve, reject) => execFile('sh', ['-c', 'head -c 5000 /dev/urandom > "$1/x"', 'sh', root], (e) => (e ? reject(e) : resolve())));
    const real = sha(join(root, 'x'));
    const files: StagedFile[] = [{ path: 'x', size: 5000, sha256: real, checked: 'size+sha256' }];
    // A follow that read a hole (out-of-order writes) would record a wrong hash: not a failure.
    assert.deepEqual(await checkHashes(root, files, undefined, new Map([['x', { sha256: '0'.repeat(64), size: 5000 }]])), []);
    // And the disk decides the other way too: a peer hash that differs is reported.
    const wrong: StagedFile[] = [{ path: 'x', size: 5000, sha256: 'f'.repeat(64), checked: 'size+sha256' }];
    assert.equal((await checkHashes(root, wrong, undefined, new Map([['x', { sha256: 'f'.repeat(64), size: 4000 }]]))).length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
