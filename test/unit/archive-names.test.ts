/** The backup file path rule, ids and keeping ids, GNU tar's argv, listing and stderr parsers: pure parts of src/backup/archives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archiveIdFrom, archiveName, backupFilePath, isArchiveId, nextKeepingId, parseWorkSnapshotName, workSnapshotName } from '../../src/backup/archives/names.js';
import { classifyStderr, compressor, createArgv, extractArgv, parseVerboseLine, unquoteC } from '../../src/backup/archives/gnu-tar.js';

test('path rule: <id>[.<level>][.<keepingId>].<ext>, level 0 without a token', () => {
  assert.equal(backupFilePath('/d', 'home', 'tar.xz'), '/d/home.tar.xz');
  assert.equal(archiveName('home', 'tar.gz', 2), 'home.2.tar.gz');
  assert.equal(archiveName('home', 'tar', 0, 'b'), 'home.b.tar');
  assert.equal(archiveName('home', 'tar.zst', 3, 'zz'), 'home.3.zz.tar.zst');
});

test('ids cannot hold dots (the seed read "host.1" as level 1) nor start with "-"', () => {
  for (const bad of ['host.1', 'web.old', '-rf', '', 'a/b', 'x'.repeat(101)]) assert.ok(!isArchiveId(bad), bad);
  for (const good of ['web', 'web-old', 'home_2026', 'grub-20261122T205400Z-ab12cd']) assert.ok(isArchiveId(good), good);
  assert.throws(() => archiveName('web.old', 'tar'), /not an archive id/);
  assert.throws(() => archiveName('web', 'tar', 0, 'A'), /not a keeping id/);
  assert.equal(archiveIdFrom('grub/20261122T205400Z-ab12cd'), 'grub-20261122T205400Z-ab12cd');
  assert.equal(archiveIdFrom('/home'), 'home');
  assert.equal(archiveIdFrom('/'), 'root');
});

test('work snapshots parse back only for the exact id', () => {
  assert.deepEqual(parseWorkSnapshotName(workSnapshotName('web', 2)), { id: 'web', level: 2 });
  assert.deepEqual(parseWorkSnapshotName('web-old.0.snar'), { id: 'web-old', level: 0 });
  assert.equal(parseWorkSnapshotName('.web.0.1234.tmp'), null);
});

test('keeping ids run a..z, aa..zz', () => {
  assert.equal(nextKeepingId(null), 'a');
  assert.equal(nextKeepingId('a'), 'b');
  assert.equal(nextKeepingId('z'), 'aa');
  assert.equal(nextKeepingId('az'), 'ba');
  assert.throws(() => nextKeepingId('zz'), /No keeping id after/);
});

test('create argv: names from a NUL list, compression as a program with its level, never an env var; device numbers ignored', () => {
  const a = createArgv({ file: '/o/x.tar.xz', root: '/src', listFile: '/o/.l', indexFile: '/o/.i', type: 'tar.xz', strength: 6, snapshot: '/w/s', exclude: ['-x', 'tmp/*'] });
  assert.ok(a.includes('--use-compress-program=xz -T0 -6'));
  assert.ok(a.includes('--no-check-device') && a.includes('--listed-incremental=/w/s'));
  assert.deepEqual(a.slice(-3), ['--null', '--verbatim-files-from', '--files-from=/o/.l']);
  assert.ok(a.includes('--exclude=-x'), 'an exclude pattern starting with - stays the option value');
  for (const x of ['--xattrs', '--xattrs-include=*', '--sparse', '--format=posix', '-vv', '--index-file=/o/.i']) assert.ok(a.includes(x), x);
  assert.ok(!createArgv({ file: 'x.tar', root: '/s', listFile: '/l', type: 'tar' }).includes('-vv'), 'no listing without an index file');
  assert.deepEqual(compressor('tar.gz', 0), ['gzip', '-1'], 'gzip has no level 0');
  assert.deepEqual(compressor('tar.xz', 0), ['xz', '-T0', '-0']);
  assert.equal(compressor('tar', 9), null);
  const x = extractArgv({ file: 'f', dir: 'd', type: 'tar.zst', incremental: true });
  assert.ok(x.includes('--listed-incremental=/dev/null') && x.includes('--xattrs-include=*') && x.includes('--use-compress-program=zstd'));
  assert.ok(!extractArgv({ file: 'f', dir: 'd', type: 'tar', incremental: false }).some((s) => s.startsWith('--listed')));
});

test('-vv listing lines with C quoting parse to members, names with newlines and arrows included', () => {
  assert.deepEqual(parseVerboseLine('-rw-r--r-- 0/0               3 2026-12-01 22:02:09.099746433 "./a b"'), { path: './a b', kind: '-', size: 3 });
  assert.deepEqual(parseVerboseLine('-rw-r--r-- 0/0               1 2026-12-01 22:02:09.108546227 "new\\nline"'), { path: 'new\nline', kind: '-', size: 1 });
  assert.deepEqual(parseVerboseLine('lrwxrwxrwx 0/0               0 2026-12-01 22:02:09.108546227 "x -> y" -> "a"'), { path: 'x -> y', kind: 'l', size: 0 });
  assert.deepEqual(parseVerboseLine('hrw-r--r-- 0/0               0 2026-12-01 22:02:09.099746433 "hl" link to "a"'), { path: 'hl', kind: 'h', size: 0 });
  assert.deepEqual(parseVerboseLine('drwxr-xr-x 0/0               0 2026-12-01 22:02:09.096546226 "d/"'), { path: 'd', kind: 'd', size: 0 });
  assert.deepEqual(parseVerboseLine('crw-rw-rw- 0/0             1,3 2026-12-01 22:02:09 "dev/null"'), { path: 'dev/null', kind: 'c', size: 0 });
  assert.equal(parseVerboseLine('tar: something'), null);
  assert.deepEqual(unquoteC('"\\303\\251t\\303\\251"', 0), { value: 'été', end: 19 });
});

test('stderr maps to the seed\'s operations and kinds; fatal lines are fatal', () => {
  assert.deepEqual(classifyStderr('tar: "./run/s": socket ignored'), { path: 'run/s', message: '"./run/s": socket ignored', operation: 'open', kind: 'socket-ignored' });
  assert.equal((classifyStderr('tar: "./log": file changed as we read it') as { kind: string }).kind, 'file-changed');
  assert.equal((classifyStderr('tar: "./d": directory has been renamed from "./e"') as { kind: string }).kind, 'directory-renamed');
  assert.deepEqual(classifyStderr('tar: "x": Cannot open: Permission denied'), { path: 'x', message: '"x": Cannot open: Permission denied', operation: 'open', kind: 'permission-denied' });
  assert.equal((classifyStderr('tar: "x": Cannot stat: No such file or directory') as { kind: string }).kind, 'unknown-os-error');
  assert.deepEqual(classifyStderr('tar: "/o/x.tar": Cannot write: No space left on device'), { fatal: '"/o/x.tar": Cannot write: No space left on device' });
  assert.ok('fatal' in classifyStderr('tar: Error is not recoverable: exiting now')!);
  assert.equal(classifyStderr('tar: ".": Directory is new'), null);
  assert.equal((classifyStderr('gzip: stdout: broken pipe') as { kind: string }).kind, 'unknown-error');
});
