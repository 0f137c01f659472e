// s3:// against s3rver on 127.0.0.1: round trip (single and multipart), what the server stored is
// byte for byte the file (the aws-chunked framing bug would add bytes), a damaged object is
// caught on get with nothing left locally, bad credentials are not retried, a dead endpoint is.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { randomFile, sha256Of, storageDeps } from '../helpers/storage.js';
import { openBackend } from '../../src/backup/storage/registry.js';
import { StorageError } from '../../src/backup/storage/errors.js';

const kind = (k: string) => (e: unknown) => e instanceof StorageError && e.kind === k;

describe('s3 backend', needs({ root: true }), () => {
  let s3: TestS3;
  let local: string;
  before(async () => {
    s3 = await startS3();
    local = mkdtempSync('/root/.cache/firstaid-test/s3local-');
  });
  after(async () => { await s3?.stop(); rmSync(local, { recursive: true, force: true }); });
  const deps = () => storageDeps(undefined, { s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });

  test('put (single and multipart), list, query, get, delete; the stored bytes are the file', async () => {
    const b = await openBackend('s3://bucket/backups/host1', deps());
    const small = join(local, 'small.bin');
    const big = join(local, 'big.bin');
    const shaSmall = randomFile(small, 3_000_000);
    const shaBig = randomFile(big, 19 << 20);
    await b.put(small, 'home.tar.xz');
    await b.put(big, 'big.tar.zst', { sha256: shaBig });
    const stored = readFileSync(s3.objectFile('backups/host1/home.tar.xz'));
    assert.equal(stored.length, 3_000_000, 'no aws-chunked framing inside the object');
    assert.equal(createHash('sha256').update(stored).digest('hex'), shaSmall);
    assert.deepEqual(await b.list(), ['big.tar.zst', 'home.tar.xz']);
    assert.equal(await b.query('big.tar.zst'), 19 << 20);
    assert.equal(await b.query('missing'), -1);
    assert.deepEqual([...(await b.queryList(['home.tar.xz', 'missing']))], [['home.tar.xz', 3_000_000], ['missing', -1]]);
    await b.get('big.tar.zst', join(local, 'back'));
    assert.equal(sha256Of(join(local, 'back')), shaBig);
    await assert.rejects(b.get('missing', join(local, 'm')), kind('not-found'));
    await b.delete('big.tar.zst');
    await assert.rejects(b.delete('big.tar.zst'), kind('not-found'));
    await b.deleteList(['home.tar.xz', 'missing']);
    assert.deepEqual(await b.list(), []);
    await b.close();
  });

  test('a damaged object is refused on get (sha256 from the metadata), nothing left locally', async () => {
    const b = await openBackend('s3://bucket/dmg', deps());
    const f = join(local, 'd.bin');
    randomFile(f, 100_000);
    await b.put(f, 'd.bin');
    const obj = s3.objectFile('dmg/d.bin');
    const bytes = readFileSync(obj);
    bytes[5000] = bytes[5000]! ^ 0xff;
    writeFileSync(obj, bytes);
    await assert.rejects(b.get('d.bin', join(local, 'd.out')), kind('corrupt'));
    assert.equal(existsSync(join(local, 'd.out')), false);
  });

  test('an unknown access key: auth, not retried (s3rver checks key ids, not v4 signatures); a dead endpoint: transient, retried, then given up', async () => {
    const bad = storageDeps(undefined, { s3: { endpoint: s3.endpoint, accessKeyId: 'NOBODY', secretAccessKey: 'wrong' } });
    const b = await openBackend('s3://bucket/x', bad);
    const err = await b.list().then(() => null, (e: unknown) => e);
    assert.ok(kind('auth')(err), String(err));
    assert.equal(bad.log.entries.some((e) => e.kind === 'message' && /try 2/.test(e.text)), false);
    const dead = storageDeps(undefined, { s3: { endpoint: 'http://127.0.0.1:9', accessKeyId: 'a', secretAccessKey: 'b' }, retry: { attempts: 2, initialDelayMs: 10 } });
    const d = await openBackend('s3://bucket/x', dead);
    await assert.rejects(d.list(), (e: unknown) => kind('transient')(e) && /Gave up after 2 tries/.test((e as Error).message));
  });
});
