// The registry, URLs and the file backend (plain paths too): put/get/list/query/delete, the
// temporary-then-rename rule, and errors with kinds the retry wrapper can tell apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { openBackend, registeredSchemes } from '../../src/backup/storage/registry.js';
import { displayUrl, parseStorageUrl } from '../../src/backup/storage/url.js';
import { StorageError } from '../../src/backup/storage/errors.js';

const log = new SessionLog();
const deps = { runner: new Runner({ log }), log };

test('displayUrl removes the password; parse decodes user, host, port, path', () => {
  assert.equal(displayUrl('sftp://bob:s3cr%40t@host:2222/a%20b'), 'sftp://bob@host:2222/a%20b');
  const u = parseStorageUrl('sftp://bob:s3cr%40t@host:2222/a%20b?x=1', 'sftp');
  assert.deepEqual([u.user, u.password, u.host, u.port, u.path, u.params.x], ['bob', 's3cr@t', 'host', 2222, '/a b', '1']);
  assert.equal(u.display.includes('s3cr'), false);
  assert.throws(() => parseStorageUrl('sftp:///nohost', 'sftp'), (e: unknown) => e instanceof StorageError && e.kind === 'bad-url');
  assert.throws(() => parseStorageUrl('sftp://-oProxyCommand=x/p', 'sftp'), (e: unknown) => e instanceof StorageError && e.kind === 'bad-url');
});

test('registry: file, sftp, rsync, rsync+ssh, s3 schemes and the par2 prefix; unknown schemes refused', async () => {
  await openBackend('/tmp', deps).catch(() => undefined);
  const r = registeredSchemes();
  assert.deepEqual(r, { schemes: ['file', 'rsync', 'rsync+ssh', 's3', 'sftp'], prefixes: ['par2'] });
  await assert.rejects(openBackend('gopher://x/y', deps), (e: unknown) => e instanceof StorageError && e.kind === 'bad-url' && /not known/.test(e.message));
  await assert.rejects(openBackend('nope+file:///tmp/x', deps), (e: unknown) => e instanceof StorageError && e.kind === 'bad-url');
});

for (const form of ['plain', 'file://'] as const) {
  test(`file backend (${form}): put, list, query, get, delete; nothing left under a temporary name`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'fa-storage-'));
    try {
      const dest = join(root, 'usb', 'backups');
      const b = await openBackend(form === 'plain' ? dest : `file://${dest}`, deps);
      const src = join(root, 'a b.bin');
      const data = Buffer.alloc(3 << 20, 7);
      data[12345] = 1;
      writeFileSync(src, data);
      const sha = createHash('sha256').update(data).digest('hex');
      await b.put(src, 'home.tar.xz', { sha256: sha });
      await b.put(src, '-leading dash;$(x)');
      assert.deepEqual(await b.list(), ['-leading dash;$(x)', 'home.tar.xz']);
      assert.deepEqual(readdirSync(dest).sort(), ['-leading dash;$(x)', 'home.tar.xz']);
      assert.equal(await b.query('home.tar.xz'), data.length);
      assert.equal(await b.query('missing'), -1);
      const m = await b.queryList(['home.tar.xz', 'missing']);
      assert.deepEqual([...m], [['home.tar.xz', data.length], ['missing', -1]]);
      const back = join(root, 'back.bin');
      await b.get('home.tar.xz', back);
      assert.equal(createHash('sha256').update(readFileSync(back)).digest('hex'), sha);
      await assert.rejects(b.get('missing', join(root, 'x')), (e: unknown) => e instanceof StorageError && e.kind === 'not-found');
      assert.equal(existsSync(join(root, 'x')), false);
      await b.delete('home.tar.xz');
      await assert.rejects(b.delete('home.tar.xz'), (e: unknown) => e instanceof StorageError && e.kind === 'not-found');
      await b.deleteList(['home.tar.xz', '-leading dash;$(x)']);
      assert.deepEqual(await b.list(), []);
      await assert.rejects(b.put(src, 'a/b'), (e: unknown) => e instanceof StorageError && e.kind === 'bad-url');
      await b.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('file backend: a wrong sha256 given with put keeps nothing (not under the final name, no temporary)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fa-storage-'));
  try {
    const b = await openBackend(root + '/d', deps);
    writeFileSync(join(root, 'f'), 'hello');
    await assert.rejects(b.put(join(root, 'f'), 'f', { sha256: '0'.repeat(64) }), (e: unknown) => e instanceof StorageError && e.kind === 'corrupt');
    assert.deepEqual(readdirSync(join(root, 'd')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
