// The retry wrapper: transient errors retried with backoff until success or the limit, with the
// backend's cleanup between tries; permanent kinds (no space, permission, not found, host key,
// auth, corrupt) never retried; the deadline and a cancel stop it. Plus the pure parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRetry, retrying } from '../../src/backup/storage/retry.js';
import { StorageError } from '../../src/backup/storage/errors.js';
import type { Backend } from '../../src/backup/storage/types.js';
import type { StorageErrorKind } from '../../src/backup/storage/types.js';
import { parseSftpLs } from '../../src/backup/storage/sftp.js';
import { parseRsyncList } from '../../src/backup/storage/rsync.js';
import { classifySsh, sftpQuote } from '../../src/backup/storage/ssh-common.js';
import { par2FilesOf } from '../../src/backup/storage/par2.js';
import { checkName } from '../../src/backup/storage/names.js';

/** A backend whose put fails with the given kinds, in order, then succeeds. */
function flaky(kinds: StorageErrorKind[]) {
  const calls = { put: 0, cleanup: 0 };
  const b: Backend & { retryCleanup(): Promise<void> } = {
    displayUrl: 'test://flaky',
    async put() {
      const k = kinds[calls.put++];
      if (k) throw new StorageError(k, `failure ${calls.put} (${k})`);
    },
    async get() {}, async list() { return ['a', 'a', 'b']; }, async delete() {}, async deleteList() {},
    async query() { return 1; }, async queryList() { return new Map(); }, async close() {},
    async retryCleanup() { calls.cleanup++; },
  };
  return { b, calls };
}

test('transient failures are retried, with cleanup between tries, until it works', async () => {
  const { b, calls } = flaky(['transient', 'transient']);
  await withRetry(b, { initialDelayMs: 1 }).put('/x', 'x');
  assert.deepEqual(calls, { put: 3, cleanup: 2 });
});

for (const k of ['no-space', 'permission', 'not-found', 'host-key-unknown', 'host-key-changed', 'auth', 'corrupt', 'bad-url', 'other'] as const) {
  test(`a ${k} error is not retried`, async () => {
    const { b, calls } = flaky([k]);
    await assert.rejects(withRetry(b, { initialDelayMs: 1 }).put('/x', 'x'), (e: unknown) => e instanceof StorageError && e.kind === k);
    assert.equal(calls.put, 1);
  });
}

test('gives up after the attempts, saying so; the deadline stops sooner', async () => {
  const { b, calls } = flaky(Array(10).fill('transient'));
  await assert.rejects(withRetry(b, { attempts: 3, initialDelayMs: 1 }).put('/x', 'x'), /Gave up after 3 tries/);
  assert.equal(calls.put, 3);
  let n = 0;
  const started = Date.now();
  await assert.rejects(retrying('op', async () => { n++; throw new StorageError('transient', 'down'); }, { attempts: 100, initialDelayMs: 50, deadlineMs: 200 }), /Gave up/);
  assert.ok(n < 10 && Date.now() - started < 2000, `${n} tries`);
});

test('a cancelled operation is not retried', async () => {
  const ac = new AbortController();
  let n = 0;
  const p = retrying('op', async () => { n++; ac.abort(); throw new StorageError('transient', 'cut'); }, { initialDelayMs: 1, signal: ac.signal });
  await assert.rejects(p, /cut/);
  assert.equal(n, 1);
});

test('a retried listing has no duplicate names', async () => {
  assert.deepEqual(await withRetry(flaky([]).b).list(), ['a', 'b']);
});

test('parsers: sftp ls -ln, rsync --list-only, OpenSSH stderr, sftp quoting, par2 names, name checks', () => {
  const ls = [
    'sftp> ls -ln /d',
    '-rw-r--r--    ? 0        0          300000 Dec  1 22:07 /d/home.tar.xz',
    '-rw-r--r--    ? 0        0               5 Jan  3  2025 /d/sp ace  x',
    'drwxr-xr-x    ? 0        0            4096 Dec  1 22:07 /d/sub',
  ].join('\n');
  assert.deepEqual(parseSftpLs(ls, '/d'), [
    { name: 'home.tar.xz', size: 300000, isFile: true },
    { name: 'sp ace  x', size: 5, isFile: true },
    { name: 'sub', size: 4096, isFile: false },
  ]);
  assert.deepEqual(parseRsyncList('drwxr-xr-x          4,096 2026/12/01 22:00:00 .\n-rw-------      1,048,576 2026/12/01 22:00:01 a\\#012b c\n'), [{ name: 'a\nb c', size: 1048576, isFile: true }]);
  assert.equal(classifySsh('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.', 255), 'host-key-changed');
  assert.equal(classifySsh('No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.', 255), 'host-key-unknown');
  assert.equal(classifySsh('root@127.0.0.1: Permission denied (publickey).', 255), 'auth');
  assert.equal(classifySsh('Connection closed', 255), 'transient');
  assert.equal(classifySsh('remote open: Permission denied', 1), null);
  assert.equal(sftpQuote('/a b/c*"d\'[e]'), '/a\\ b/c\\*\\"d\\\'\\[e\\]');
  assert.throws(() => sftpQuote('a\nb'));
  assert.deepEqual(par2FilesOf('x.tar', ['x.tar', 'x.tar.par2', 'x.tar.vol00+10.par2', 'x.tar.gz.par2', 'y.par2']), ['x.tar.par2', 'x.tar.vol00+10.par2']);
  for (const bad of ['', '.', '..', 'a/b', 'a\nb', 'x.firstaid-tmp-0011']) assert.throws(() => checkName(bad), StorageError, JSON.stringify(bad));
  assert.equal(checkName('-rf'), '-rf');
});
