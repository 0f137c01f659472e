/**
 * The disc manifest's hashes: a backup space's object files take their sha256 from their names
 * (as the space's manifest names them, sizes matching), everything else is read and hashed, on
 * two threads when there is enough of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { TargetRoot } from '../../src/core/target-root.js';
import { openBackupStore } from '../../src/backup/spaces/store.js';
import { hashPlanned, manifestOf, planFiles } from '../../src/backup/discs/disc-manifest.js';
import { hashFiles } from '../../src/backup/copy/hash-files.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a space\'s objects are named by their sha256: not read; its manifest, stray files and directories are hashed', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fa-dm-'));
  try {
    const root = join(base, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'big.bin'), randomFillSync(Buffer.alloc(200_000)));
    writeFileSync(join(root, 'etc', 'small.txt'), 'small\n');
    const log = new SessionLog();
    const runner = new Runner({ log });
    const store = await openBackupStore(join(base, 'store'), { runner, log });
    const space = await store.getBackup('grub', await TargetRoot.open(root, runner), { persistent: true });
    await space.backupPath('/etc');
    await space.commit();
    // Bit rot in an object after the backup: its name still gives the sha256 the file should have
    // (the check after the write reads the disc back and fails); a stray file is hashed as it is.
    const objects = join(space.dir, 'objects');
    const big = join(objects, sha(readFileSync(join(root, 'etc', 'big.bin'))).slice(0, 2), sha(readFileSync(join(root, 'etc', 'big.bin'))));
    const rotten = readFileSync(big);
    rotten[7]! ^= 1;
    writeFileSync(big, rotten);
    const stray = join(objects, 'ab', 'ab'.padEnd(64, '0'));
    mkdirSync(join(objects, 'ab'), { recursive: true });
    writeFileSync(stray, 'not named by its content');
    const dir = join(base, 'docs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'A');

    const entries = [{ hostPath: space.dir, discPath: '/2026/12/03/grub/x', backup: space.id }, { hostPath: dir, discPath: '/2026/12/03/docs', backup: null }];
    const files = await planFiles(entries);
    const byHost = new Map(files.map((f) => [f.hostPath, f]));
    assert.equal(byHost.get(big)!.sha256, big.split('/').pop(), 'taken from the name, not read');
    assert.equal(byHost.get(stray)!.sha256, '', 'not in the space manifest: hashed');
    assert.equal(byHost.get(join(space.dir, 'manifest.json'))!.sha256, '');
    assert.equal(byHost.get(join(dir, 'a.txt'))!.sha256, '');
    const placeholder = JSON.stringify(manifestOf(entries, files, 'V', false, new Date(0), true));
    assert.throws(() => manifestOf(entries, files, 'V', false), /was not hashed/);
    await hashPlanned(files);
    for (const f of files) if (f.hostPath !== big) assert.equal(f.sha256, sha(readFileSync(f.hostPath)), f.hostPath);
    const final = JSON.stringify(manifestOf(entries, files, 'V', false, new Date(0)));
    assert.equal(final.length, placeholder.length, 'the sizing run saw the final size');
    assert.deepEqual(manifestOf(entries, files, 'V', false).backups, [{ id: space.id, dir: '/2026/12/03/grub/x' }]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('many bytes are hashed on two threads, the results in order', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fa-dm-'));
  try {
    const files = [20, 1, 15, 0, 12].map((mb, i) => {
      const p = join(base, `f${i}`);
      writeFileSync(p, randomFillSync(Buffer.alloc(mb * 1024 * 1024 + i)));
      return { path: p, size: mb * 1024 * 1024 + i };
    });
    const stats = { helperFiles: 0 };
    const got = await hashFiles(files, { stats });
    assert.deepEqual(got, files.map((f) => sha(readFileSync(f.path))));
    assert.ok(stats.helperFiles > 0 && stats.helperFiles < files.length, `the helper hashed ${stats.helperFiles}`);
    await assert.rejects(hashFiles([...files, { path: join(base, 'gone'), size: 1 }]), /ENOENT/);

    // Big files through openssl (a runner given); one it cannot read is hashed here and reported.
    const runner = new Runner({ log: new SessionLog() });
    const viaOpenssl = { helperFiles: 0, opensslFiles: 0 };
    assert.deepEqual(await hashFiles(files, { runner, stats: viaOpenssl }), files.map((f) => sha(readFileSync(f.path))));
    assert.equal(viaOpenssl.opensslFiles, 3, 'the three files of 4 MB and more');
    await assert.rejects(hashFiles([...files, { path: join(base, 'gone'), size: 5 << 20 }], { runner }), /ENOENT.*gone/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
