/**
 * The members read from a plain tar's headers (src/backup/archives/tar-headers.ts) against GNU
 * tar's own -vv listing of the same archive, on a tree with every kind of entry, long and odd
 * names, a sparse file bigger than 8 GiB, and an incremental level's dumpdirs; fed in chunk
 * sizes that split headers and pax records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync, truncateSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarHeaderParser } from '../../src/backup/archives/tar-headers.js';
import { createArgv, parseVerboseLine } from '../../src/backup/archives/gnu-tar.js';
import type { ArchiveMember } from '../../src/backup/archives/types.js';

const base = mkdtempSync(join(tmpdir(), 'fa-tar-headers-'));
test.after(() => rmSync(base, { recursive: true, force: true }));

function tree(root: string): void {
  const long = join(root, 'a'.repeat(90), 'b'.repeat(90), 'c'.repeat(120));
  mkdirSync(long, { recursive: true });
  writeFileSync(join(long, 'd'.repeat(200)), 'deep\n');
  writeFileSync(join(root, 'empty'), '');
  writeFileSync(join(root, '-starts-with-dash'), 'x');
  writeFileSync(join(root, 'new\nline'), 'nl');
  writeFileSync(join(root, 'ünïcödé name'), 'u');
  writeFileSync(join(root, 'big'), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
  symlinkSync('t'.repeat(150), join(root, 'long-link'));
  linkSync(join(root, 'big'), join(root, 'hard'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  if (process.getuid?.() === 0) execFileSync('mknod', [join(root, 'null'), 'c', '1', '3']);
  // Sparse and over 8 GiB: its real size only fits a pax record.
  const fd = openSync(join(root, 'sparse'), 'w');
  writeSync(fd, 'head', 0);
  closeSync(fd);
  truncateSync(join(root, 'sparse'), 9 * 1024 ** 3);
}

function viaHeaders(archive: string, chunk: number): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  const p = tarHeaderParser((m) => out.push(m));
  const data = readFileSync(archive);
  for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
  assert.ok(p.ended, 'the end-of-archive blocks are seen');
  return out;
}

function viaListing(archive: string): ArchiveMember[] {
  const text = execFileSync('tar', ['-tvv', '--quoting-style=c', '--full-time', '--numeric-owner', '-f', archive], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return text.split('\n').map(parseVerboseLine).filter((m): m is ArchiveMember => m !== null)
    .map((m) => ({ ...m, path: m.path.replace(/^\.\//, '') || '.' }));
}

for (const incremental of [false, true]) {
  test(`members from the headers match GNU tar's listing (${incremental ? 'incremental level 0: dumpdirs' : 'full'}), any chunk size`, () => {
    const root = join(base, `src-${incremental}`);
    mkdirSync(root);
    tree(root);
    const archive = join(base, `a-${incremental}.tar`);
    const list = join(base, 'list');
    writeFileSync(list, '.\0');
    execFileSync('tar', createArgv({ file: archive, root, listFile: list, type: 'tar', ...(incremental ? { snapshot: join(base, 'snar') } : {}) }), { env: { ...process.env, LC_ALL: 'C' } });
    const want = viaListing(archive);
    assert.ok(want.length >= 12, `listing has the tree (${want.length})`);
    assert.ok(want.some((m) => m.path === 'sparse' && m.size === 9 * 1024 ** 3), 'the sparse file is listed at its real size');
    for (const chunk of [1 << 20, 511, 7]) assert.deepEqual(viaHeaders(archive, chunk), want, `chunk ${chunk}`);
  });
}

test('a truncated archive never reports its end', () => {
  const root = join(base, 'src-trunc');
  mkdirSync(root);
  writeFileSync(join(root, 'f'), Buffer.alloc(100_000, 1));
  const archive = join(base, 'trunc.tar');
  execFileSync('tar', ['--format=posix', '-cf', archive, '-C', root, '.']);
  const data = readFileSync(archive).subarray(0, 50_000);
  const seen: string[] = [];
  const p = tarHeaderParser((m) => seen.push(m.path));
  p.push(data);
  assert.equal(p.ended, false);
  assert.deepEqual(seen, ['.', 'f']);
});
