/**
 * Levels and faults with real GNU tar: a level chain extracts to the state at each level (files
 * deleted between levels stay deleted, even after the device number changed: --no-check-device),
 * a chain with a gap or a remade lower level is refused, a truncated (at a member boundary:
 * `tar -t` says fine) and a damaged archive are caught before anything is written, a file
 * growing while tar reads it is a warning with the archive kept, a socket is skipped without a
 * hang, a fatal tar exit is never taken for success, and the service contract's bookkeeping.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { needs } from '../helpers/env.js';
import { describeTree } from '../helpers/archive-tree.js';
import { ArchiverService } from '../../src/backup/archives/service.js';
import { ExternalProvider } from '../../src/backup/archives/external.js';
import { InternalProvider } from '../../src/backup/archives/internal.js';
import { extractChain, planChain } from '../../src/backup/archives/extract.js';
import { manifestsIn } from '../../src/backup/archives/manifest.js';
import type { BackupOperationError } from '../../src/backup/archives/types.js';
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';
import type { FirstaidError } from '../../src/core/errors.js';

const runner = new Runner({ log: new SessionLog() });
const opts = { xattrs: true, acls: true };

describe('archive levels and faults', needs({ root: true, tools: ['tar', 'xz', 'gzip', 'setfattr', 'getfattr', 'getfacl'] }), () => {
  let base: string;
  before(() => { base = mkdtempSync(join(tmpdir(), 'firstaid-archive-lv-')); });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('a chain of three levels extracts to the state at each level; deleted files stay deleted', async () => {
    const src = join(base, 'chain-src');
    mkdirSync(join(src, 'dir', 'sub'), { recursive: true });
    writeFileSync(join(src, 'keep'), 'kept all along\n');
    writeFileSync(join(src, 'dir', 'gone-at-1'), 'deleted before level 1\n');
    writeFileSync(join(src, 'dir', 'sub', 'changes'), 'v0\n');
    writeFileSync(join(src, '-leading'), 'v0\n');
    const service = new ArchiverService({ workDir: join(base, 'chain-work'), provider: new ExternalProvider(runner) });
    const def = { id: 'chain', type: 'tar.xz' as const, destination: join(base, 'chain-dest'), root: src };
    const states: ReturnType<typeof describeTree>[] = [];
    assert.equal(await service.getMaxBackupLevel('chain'), 0);
    await service.backupFilesIncrementally(def, 1);
    states.push(describeTree(src, opts));
    rmSync(join(src, 'dir', 'gone-at-1'));
    writeFileSync(join(src, 'dir', 'sub', 'changes'), 'v1 longer\n');
    writeFileSync(join(src, 'new-at-1'), 'added at 1\n');
    execFileSync('setfattr', ['-n', 'user.level', '-v', '1', join(src, 'keep')]);
    assert.equal(await service.getMaxBackupLevel('chain'), 1);
    const l1 = await service.backupFilesIncrementally(def, 1);
    assert.ok(l1.manifest.members.length < 8, `level 1 holds only what changed: ${l1.manifest.members.map((m) => m.path)}`);
    states.push(describeTree(src, opts));
    rmSync(join(src, 'dir', 'sub'), { recursive: true });
    rmSync(join(src, '-leading'));
    writeFileSync(join(src, 'new-at-2'), 'added at 2\n');
    await service.backupFilesIncrementally(def, 1);
    states.push(describeTree(src, opts));
    assert.equal(await service.getMaxBackupLevel('chain'), 3);
    const { manifests } = await manifestsIn(def.destination);
    assert.deepEqual(manifests.map((m) => [m.archive.name, m.level]).sort(), [['chain.1.tar.xz', 1], ['chain.2.tar.xz', 2], ['chain.tar.xz', 0]]);
    for (const level of [0, 1, 2]) {
      const out = join(base, `chain-out-${level}`);
      const r = await extractChain(runner, planChain(manifests, 'chain', null, level), def.destination, out);
      assert.equal(r.levels.length, level + 1);
      assert.deepEqual(describeTree(out, opts), states[level], `state at level ${level}`);
    }
    assert.ok(!existsSync(join(base, 'chain-out-2', 'dir', 'sub')), 'a directory deleted before level 2 stays deleted');
  });

  test('a chain with a gap, or with a level remade under a higher one, is refused', async () => {
    const src = join(base, 'gap-src');
    mkdirSync(src);
    writeFileSync(join(src, 'a'), 'a\n');
    const service = new ArchiverService({ workDir: join(base, 'gap-work'), provider: new ExternalProvider(runner) });
    const def = { id: 'gap', type: 'tar' as const, destination: join(base, 'gap-dest'), root: src };
    await service.backupFilesIncrementally(def);
    writeFileSync(join(src, 'b'), 'b\n');
    await service.backupFilesIncrementally(def);
    writeFileSync(join(src, 'c'), 'c\n');
    await service.backupFilesIncrementally(def);
    const all = (await manifestsIn(def.destination)).manifests;
    const withoutOne = all.filter((m) => m.level !== 1);
    assert.throws(() => planChain(withoutOne, 'gap', null, 2), (e: FirstaidError) => e.code === 'archive-chain-gap' && /Level 1 of "gap" is missing/.test(e.message));
    assert.throws(() => planChain(all, 'gap', null, 5), (e: FirstaidError) => e.code === 'archive-chain-gap');
    // Level 1 made again: level 2 was made on the old level 1 and must not be restored on top of the new one.
    writeFileSync(join(src, 'd'), 'd\n');
    await service.backupFilesIncrementally(def, undefined, 1);
    assert.equal(await service.getMaxBackupLevel('gap'), 2, 'snapshots above the remade level are dropped');
    const after = (await manifestsIn(def.destination)).manifests;
    assert.throws(() => planChain(after, 'gap', null, 2), (e: FirstaidError) => /was not made on top/.test(e.message));
    assert.equal(planChain(after, 'gap', null, 1).chain.length, 2);
    await assert.rejects(service.backupFilesIncrementally(def, undefined, 3), /highest level that can is 2/);
  });

  test('a truncated archive (tar -t says fine) and a damaged one are caught before anything is written', async () => {
    const src = join(base, 'cut-src');
    mkdirSync(src);
    for (let i = 0; i < 40; i++) writeFileSync(join(src, `f${i}`), Buffer.alloc(3000, i));
    const service = new ArchiverService({ workDir: join(base, 'cut-work'), provider: new ExternalProvider(runner) });
    const def = { id: 'cut', type: 'tar' as const, destination: join(base, 'cut-dest'), root: src };
    const made = await service.backupFiles(def);
    const { manifests } = await manifestsIn(def.destination);
    const good = readFileSync(made.archivePath);
    // Cut right before the 21st member's headers, as GNU tar numbers its blocks.
    const lines = spawnSync('tar', ['-tvf', made.archivePath, '--block-number'], { encoding: 'utf8' }).stdout.split('\n');
    const b = lines.map((l) => /^block (\d+):/.exec(l)).filter(Boolean).map((m) => Number(m![1]));
    const boundary = b[20]! * 512;
    writeFileSync(made.archivePath, good.subarray(0, boundary));
    const listed = spawnSync('tar', ['-tf', made.archivePath], { encoding: 'utf8' });
    assert.equal(listed.status, 0, 'GNU tar lists an archive cut at a member boundary without complaint');
    assert.ok(listed.stdout.split('\n').filter(Boolean).length < 41);
    const out = join(base, 'cut-out');
    await assert.rejects(extractChain(runner, planChain(manifests, 'cut', null), def.destination, out), (e: FirstaidError) => e.code === 'archive-corrupt' && /cut short/.test(e.message));
    assert.deepEqual(readdirSync(out), [], 'nothing extracted');
    const damaged = Buffer.from(good);
    const at = damaged.length - 4096 - 700;
    damaged[at] = damaged[at]! ^ 0xff;
    writeFileSync(made.archivePath, damaged);
    await assert.rejects(extractChain(runner, planChain(manifests, 'cut', null), def.destination, out), (e: FirstaidError) => e.code === 'archive-corrupt' && /damaged/.test(e.message));
    assert.deepEqual(readdirSync(out), []);
  });

  test('a file growing while it is read: a file-changed warning from both providers, the archive kept and complete', async () => {
    const src = join(base, 'grow-src');
    mkdirSync(src);
    const big = join(src, 'growing.log');
    const fd = openSync(big, 'w');
    const chunk = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 200; i++) writeSync(fd, chunk);
    closeSync(fd);
    writeFileSync(join(src, 'still'), 'still\n');
    // A writer appending all the time, as a log on a live system.
    const writer = spawn('sh', ['-c', `while :; do echo line >> '${big}'; done`], { stdio: 'ignore' });
    try {
      for (const provider of [new ExternalProvider(runner), new InternalProvider()]) {
        const service = new ArchiverService({ workDir: join(base, `grow-work-${provider.name}`), provider });
        const events: BackupOperationError[] = [];
        service.on('backupOperationError', (e) => events.push(e));
        const def = { id: 'grow', type: 'tar' as const, destination: join(base, `grow-dest-${provider.name}`), root: src };
        const made = await service.backupFiles(def);
        assert.deepEqual(events.map((e) => [e.operation, e.kind, e.path]), [['read', 'file-changed', 'growing.log'], ['finish', 'some-files-changed', undefined]], provider.name);
        assert.equal(made.manifest.warnings.length, 2, 'the manifest records the warning');
        assert.equal(statSync(made.archivePath).size, made.manifest.archive.size);
        const listed = execFileSync('tar', ['-tf', made.archivePath], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
        assert.deepEqual(listed, ['./', './growing.log', './still'], `${provider.name}: GNU tar reads the whole archive`);
      }
    } finally {
      writer.kill('SIGKILL');
    }
  });

  test('a socket in the tree is skipped with an event by both providers, never a hang', async () => {
    const src = join(base, 'sock-src');
    mkdirSync(join(src, 'run'), { recursive: true });
    writeFileSync(join(src, 'a'), 'a\n');
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(src, 'run', 'daemon.sock'), () => r()));
    try {
      for (const provider of [new ExternalProvider(runner), new InternalProvider()]) {
        const service = new ArchiverService({ workDir: join(base, `sock-work-${provider.name}`), provider });
        const events: BackupOperationError[] = [];
        service.on('backupOperationError', (e) => events.push(e));
        const made = await service.backupFiles({ id: 'sock', type: 'tar.gz', destination: join(base, `sock-dest-${provider.name}`), root: src });
        assert.deepEqual(events.map((e) => [e.kind, e.path]), [['socket-ignored', 'run/daemon.sock']], provider.name);
        assert.deepEqual(made.manifest.members.map((m) => m.path).sort(), ['.', 'a', 'run'], provider.name);
      }
    } finally {
      server.close();
    }
  });

  test('a fatal tar exit is a failure: no archive under the final name, no working file, the snapshot kept', async () => {
    const src = join(base, 'fatal-src');
    mkdirSync(src);
    writeFileSync(join(src, 'a'), 'a\n');
    const service = new ArchiverService({ workDir: join(base, 'fatal-work'), provider: new ExternalProvider(runner) });
    const events: BackupOperationError[] = [];
    service.on('backupOperationError', (e) => events.push(e));
    const def = { id: 'fatal', type: 'tar' as const, destination: join(base, 'fatal-dest'), root: src };
    await service.backupFilesIncrementally(def);
    await assert.rejects(service.backupFilesIncrementally({ ...def, include: ['a', 'missing-file'] }), (e: FirstaidError) => e.code === 'archive-failed' && /exit 2/.test(e.message));
    // (tar says it twice in listed-incremental mode: once while collecting, once while dumping.)
    assert.deepEqual([...new Set(events.map((e) => `${e.operation}:${e.path}`))], ['stat:missing-file'], 'the per-file error was reported and still did not make it a success');
    assert.deepEqual(readdirSync(def.destination).sort(), ['fatal.tar', 'fatal.tar.manifest.json', 'fatal.tar.snar']);
    assert.equal(await service.getMaxBackupLevel('fatal'), 1, 'the level is not increased by a failed run');
  });

  test('keeping ids, exists checks, removing increments, stored ids and purging are exact', async () => {
    const src = join(base, 'keep-src');
    mkdirSync(src);
    writeFileSync(join(src, 'a'), 'a\n');
    const service = new ArchiverService({ workDir: join(base, 'keep-work'), provider: new ExternalProvider(runner) });
    const dest = join(base, 'keep-dest');
    const web = { id: 'web', type: 'tar.gz' as const, destination: dest, root: src };
    const webOld = { ...web, id: 'web-old' };
    for (let i = 0; i < 3; i++) await service.backupFilesIncrementally(web);
    await service.backupFilesIncrementally(webOld);
    assert.deepEqual(await service.getStoredBackupIds(), ['web', 'web-old']);
    assert.ok(await service.doesBackupExist(web, 2));
    assert.ok(!(await service.doesBackupExist(web, 3)));
    assert.ok(await service.doesAnyBackupLevelExist(web, 2));
    assert.ok(!(await service.doesAnyBackupLevelExist(web, 3)));
    const kept = await service.keepBackup(web, null, 'a', 0);
    assert.equal(kept.archivePath, join(dest, 'web.a.tar.gz'));
    assert.equal(kept.manifest.keepingId, 'a');
    assert.ok(await service.doesBackupExist(web, 0, 'a'));
    assert.ok(!(await service.doesBackupExist(web, 0)));
    await assert.rejects(service.keepBackup(web, null, 'a', 0), /no archive web.tar.gz/);
    assert.deepEqual(await service.removeBackupIncrements(web, 1), [1, 2]);
    assert.ok(!(await service.doesAnyBackupLevelExist(web, 1)));
    assert.equal(await service.getMaxBackupLevel('web'), 1);
    await service.purgeStoredBackupData('web');
    assert.deepEqual(await service.getStoredBackupIds(), ['web-old'], "purging web leaves web-old's snapshots alone");
    assert.ok(await service.doesBackupExist(webOld, 0));
    // overwriteAtStart writes the final name directly and leaves a manifest that matches.
    const over = await service.backupFiles(webOld, 1, true);
    assert.equal(over.manifest.incremental, false);
    assert.ok(!readdirSync(dest).some((n) => n.endsWith('._partial')));
    assert.throws(() => service.getBackupFilePath({ ...web, id: 'web.1' }), /not an archive id/);
  });
});
