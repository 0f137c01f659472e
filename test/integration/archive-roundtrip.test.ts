/**
 * Every archive type and provider round-trips through the archiver service and extraction with
 * real GNU tar (and node-tar): content, mode, owner, mtime, symlinks, hard links, long names,
 * names starting with '-' or holding a newline; with the external provider also user.* and
 * trusted.* xattrs, ACLs, FIFOs and sparse files. The internal provider's features say what it
 * lacks, and it is refused for what it cannot do.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { makeTree, describeTree } from '../helpers/archive-tree.js';
import { ArchiverService } from '../../src/backup/archives/service.js';
import { ExternalProvider } from '../../src/backup/archives/external.js';
import { InternalProvider } from '../../src/backup/archives/internal.js';
import { extractChain, planChain } from '../../src/backup/archives/extract.js';
import { manifestsIn } from '../../src/backup/archives/manifest.js';
import { ARCHIVE_TYPES, type ArchiverProvider, type BackupOperationError } from '../../src/backup/archives/types.js';
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';
import { FirstaidError } from '../../src/core/errors.js';

const TOOLS = ['tar', 'gzip', 'bzip2', 'xz', 'zstd', 'setfacl', 'getfacl', 'setfattr', 'getfattr', 'mkfifo'];

describe('archive round trips', needs({ root: true, tools: TOOLS }), () => {
  let base: string;
  let src: string;
  const runner = new Runner({ log: new SessionLog() });
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'firstaid-archive-rt-'));
    src = join(base, 'src');
    makeTree(src);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  async function roundTrip(provider: ArchiverProvider, type: (typeof ARCHIVE_TYPES)[number], tag: string) {
    const service = new ArchiverService({ workDir: join(base, `work-${tag}`), provider });
    const events: BackupOperationError[] = [];
    const added: string[] = [];
    service.on('backupOperationError', (e) => events.push(e));
    service.on('fileAdd', (p) => added.push(p));
    const def = { id: 'rt', type, destination: join(base, `dest-${tag}`), root: src };
    const made = await service.backupFiles(def, type === 'tar' ? undefined : 3);
    assert.equal(made.archivePath, join(def.destination, `rt.${type}`));
    assert.ok(added.includes('-rf') && added.includes('new\nline'), `fileAdd names as they are: ${JSON.stringify(added.slice(0, 5))}`);
    const { manifests } = await manifestsIn(def.destination);
    assert.equal(manifests.length, 1);
    assert.equal(manifests[0]!.archive.size, lstatSync(made.archivePath).size);
    const out = join(base, `out-${tag}`);
    const report = await extractChain(runner, planChain(manifests, 'rt', null), def.destination, out);
    assert.deepEqual(report.levels.map((l) => l.archive), [`rt.${type}`]);
    return { out, events, report };
  }

  for (const type of ARCHIVE_TYPES) {
    test(`external ${type}: everything comes back`, async () => {
      const { out, events } = await roundTrip(new ExternalProvider(runner), type, `ext-${type}`);
      const opts = { xattrs: true, acls: true, sparse: true };
      const want = describeTree(src, opts);
      // The comparison can fail: the source has what a careless extract loses.
      assert.match(want.find((e) => e.path === 'secret')!.xattrs!, /trusted\.firstaid/);
      assert.match(want.find((e) => e.path === 'script.sh')!.acl!, /user:4321:r--/);
      assert.deepEqual(describeTree(out, opts), want);
      assert.deepEqual(events, [], 'no warnings for this tree');
      const sparse = lstatSync(join(out, 'sparse'));
      assert.ok(sparse.blocks * 512 < 1024 * 1024, `sparse file stays sparse (${sparse.blocks} blocks)`);
    });
  }

  for (const type of ['tar', 'tar.gz'] as const) {
    test(`internal ${type}: content, modes, owners, links and names come back; FIFOs skipped with an event`, async () => {
      const { out, events } = await roundTrip(new InternalProvider(), type, `int-${type}`);
      const want = describeTree(src).filter((e) => e.type !== 'fifo');
      assert.deepEqual(describeTree(out), want);
      assert.deepEqual(events.map((e) => [e.kind, e.path]), [['unknown-type-ignored', 'fifo']]);
    });
  }

  test('internal: a wide and deep tree (batches of entries read ahead, directories between files, hard links across batches) comes back byte for byte, with the members GNU tar lists', async () => {
    const wide = join(base, 'wide-src');
    // 3 levels, each directory with 70 entries: files around the 64 KiB read-ahead size and
    // subdirectories among them, so a batch is held while a subdirectory is archived.
    const fill = (dir: string, depth: number) => {
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 70; i++) {
        if (depth < 2 && i % 23 === 5) { fill(join(dir, `d${i}`), depth + 1); continue; }
        const size = [0, 1, 511, 512, 4096, 65535, 65536, 65537, 200_000][i % 9]!;
        writeFileSync(join(dir, `f${i}`), Buffer.alloc(size, (i * 7 + depth) & 0xff));
      }
    };
    fill(wide, 0);
    linkSync(join(wide, 'f1'), join(wide, 'd5', 'link-to-f1'));
    linkSync(join(wide, 'd51', 'f8'), join(wide, 'z-last-link'));
    const service = new ArchiverService({ workDir: join(base, 'work-wide'), provider: new InternalProvider() });
    const def = { id: 'wide', type: 'tar' as const, destination: join(base, 'dest-wide'), root: wide };
    const made = await service.backupFiles(def);
    const listed = execFileSync('tar', ['-tf', made.archivePath], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '').replace(/\/$/, '') || '.');
    assert.deepEqual(made.manifest.members.map((m) => m.path), listed, 'the manifest lists what is in the archive, in order');
    const out = join(base, 'out-wide');
    const { manifests } = await manifestsIn(def.destination);
    await extractChain(runner, planChain(manifests, 'wide', null), def.destination, out);
    assert.deepEqual(describeTree(out), describeTree(wide));
    assert.equal(lstatSync(join(out, 'z-last-link')).ino, lstatSync(join(out, 'd51', 'f8')).ino, 'a hard link stays one file');
  });

  // No SELinux LSM is needed: without one the kernel stores security.selinux as a plain xattr
  // (measured on this 6.18 kernel, ext4 and tmpfs), and GNU tar --selinux reads and sets it.
  test('external: SELinux labels (security.selinux) come back, on a file and a directory', async () => {
    const root = join(base, 'selinux-src');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'shadow'), 'x\n');
    const label = (p: string) => execFileSync('getfattr', ['-h', '--only-values', '-n', 'security.selinux', p], { encoding: 'utf8' }).replace(/\0$/, '');
    execFileSync('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:shadow_t:s0', join(root, 'etc', 'shadow')]);
    execFileSync('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:etc_t:s0', join(root, 'etc')]);
    assert.equal(label(join(root, 'etc', 'shadow')), 'system_u:object_r:shadow_t:s0', 'the kernel kept the label');
    const service = new ArchiverService({ workDir: join(base, 'work-selinux'), provider: new ExternalProvider(runner) });
    const def = { id: 'sel', type: 'tar.gz' as const, destination: join(base, 'dest-selinux'), root };
    await service.backupFiles(def);
    const out = join(base, 'out-selinux');
    const { manifests } = await manifestsIn(def.destination);
    await extractChain(runner, planChain(manifests, 'sel', null), def.destination, out);
    assert.equal(label(join(out, 'etc', 'shadow')), 'system_u:object_r:shadow_t:s0');
    assert.equal(label(join(out, 'etc')), 'system_u:object_r:etc_t:s0');
  });

  test('the internal provider is honest about what it lacks, and refuses it', async () => {
    const p = new InternalProvider();
    assert.deepEqual([...p.features('tar')].sort(), ['hard-links']);
    for (const f of ['xattrs', 'acls', 'selinux', 'sparse', 'incremental'] as const) assert.ok(!p.features('tar.gz').has(f), f);
    const e = new ExternalProvider(runner);
    for (const t of ARCHIVE_TYPES) for (const f of ['xattrs', 'acls', 'selinux', 'sparse', 'incremental'] as const) assert.ok(e.features(t).has(f), `${t} ${f}`);
    const service = new ArchiverService({ workDir: join(base, 'work-refuse'), provider: p });
    const def = { id: 'no', type: 'tar' as const, destination: join(base, 'dest-refuse'), root: src };
    await assert.rejects(service.backupFiles(def, 5), (err: FirstaidError) => err.code === 'archive-unsupported' && /strength/.test(err.message));
    await assert.rejects(service.backupFilesIncrementally(def), (err: FirstaidError) => err.code === 'archive-unsupported' && /incremental/.test(err.message));
    await assert.rejects(service.backupFiles({ ...def, type: 'tar.xz' }), (err: FirstaidError) => err.code === 'archive-unsupported');
    await assert.rejects(service.backupFiles(def, undefined, false).then(() => service.backupFiles({ ...def, include: [] })), /Nothing to back up/);
  });
});
