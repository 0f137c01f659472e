// par2+ over file:// and sftp://: recovery files beside each file, hidden from list; a damaged
// file repaired on get; damage beyond repair and missing recovery files fail closed (nothing at
// the local path); delete removes the recovery files too.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { randomFile, sha256Of, storageDeps } from '../helpers/storage.js';
import { openBackend } from '../../src/backup/storage/registry.js';
import { StorageError } from '../../src/backup/storage/errors.js';

const kind = (k: string) => (e: unknown) => e instanceof StorageError && e.kind === k;

function damage(path: string, from: number, count: number): void {
  const b = readFileSync(path);
  for (let i = from; i < from + count && i < b.length; i++) b[i] = b[i]! ^ 0x5a;
  writeFileSync(path, b);
}

describe('par2+ meta backend', needs({ root: true, tools: ['par2', '/usr/sbin/sshd'] }), () => {
  let root: string;
  let s: Sshd;
  before(async () => {
    root = mkdtempSync('/root/.cache/firstaid-test/par2-');
    s = await startSshd();
  });
  after(async () => { rmSync(root, { recursive: true, force: true }); await s?.stop(); });

  test('file://: recovery files beside the file, hidden from list; a damaged file is repaired on get', async () => {
    const store = join(root, 'store');
    const deps = storageDeps();
    const b = await openBackend(`par2+file://${store}`, deps);
    const src = join(root, 'home.tar.xz');
    const sha = randomFile(src, 1 << 20);
    await b.put(src, '-home.tar.xz');
    const files = readdirSync(store).sort();
    assert.ok(files.includes('-home.tar.xz.par2'), files.join(' '));
    assert.ok(files.some((f) => /^-home\.tar\.xz\.vol\d+\+\d+\.par2$/.test(f)), files.join(' '));
    assert.deepEqual(await b.list(), ['-home.tar.xz']);
    damage(join(store, '-home.tar.xz'), 4096, 20_000);
    await b.get('-home.tar.xz', join(root, 'back'));
    assert.equal(sha256Of(join(root, 'back')), sha, 'repaired');
    assert.ok(deps.log.entries.some((e) => e.kind === 'message' && /repaired through par2/.test(e.text)));
    await b.delete('-home.tar.xz');
    assert.deepEqual(readdirSync(store), [], 'recovery files deleted with the file');
  });

  test('damage beyond repair and missing recovery files: refused, nothing written locally', async () => {
    const store = join(root, 'store2');
    const b = await openBackend(`par2+file://${store}`, storageDeps());
    const src = join(root, 'x.bin');
    randomFile(src, 1 << 20);
    await b.put(src, 'x.bin');
    damage(join(store, 'x.bin'), 0, 600_000);
    const out = join(root, 'x.out');
    await assert.rejects(b.get('x.bin', out), (e: unknown) => kind('corrupt')(e) && /beyond what its recovery files can repair/.test((e as Error).message));
    assert.equal(existsSync(out), false);
    await b.put(src, 'y.bin');
    unlinkSync(join(store, 'y.bin.par2'));
    await assert.rejects(b.get('y.bin', out), kind('not-found'));
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(root).filter((f) => f.includes('firstaid-tmp')), []);
  });

  test('par2+sftp://: the same repair through the test sshd', async () => {
    const b = await openBackend(`par2+sftp://${s.user}@127.0.0.1:${s.port}${s.dataDir}/p2`, storageDeps(s));
    const src = join(root, 'z.bin');
    const sha = randomFile(src, 512 * 1024);
    await b.put(src, 'z.bin');
    damage(join(s.dataDir, 'p2', 'z.bin'), 100, 5000);
    await b.get('z.bin', join(root, 'z.out'));
    assert.equal(sha256Of(join(root, 'z.out')), sha);
    assert.deepEqual(await b.list(), ['z.bin']);
  });
});
