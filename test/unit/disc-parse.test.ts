/** Parsers of xorriso output, against transcripts of real runs (test/fixtures/xorriso/, labelled by source). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCheckMd5, parseCheckMedia, parseProgress, parseSpace, parseToc } from '../../src/devices/optical/parse.js';
import { parseMedia, MEDIA_BLOCKS } from '../../src/devices/optical/capacity.js';
import { assertFits, assertMediaWritable, isForeign, mountsOf } from '../../src/devices/optical/refusals.js';
import type { DiscDrive } from '../../src/devices/optical/types.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xorriso');
const fx = (n: string) => readFileSync(join(FIX, n), 'utf8');
const drive: DiscDrive = { path: '/tmp/d.iso', kind: 'file', address: 'stdio:/tmp/d.iso' };

test('toc of a two-session firstaid disc (stdio)', () => {
  const m = parseToc(fx('toc-two-sessions.stdio.txt'));
  assert.equal(m.status, 'appendable');
  assert.equal(m.rewritable, true);
  assert.deepEqual(m.sessions.map((s) => [s.index, s.startLba, s.blocks, s.volid]), [[1, 32, 89, 'FIRSTAID_20261201'], [2, 128, 42, 'FIRSTAID_20261202']]);
  assert.equal(m.nwa, 192);
  assert.equal(m.volid, 'FIRSTAID_20261202');
  assert.deepEqual(m.offers, ['Rock_Ridge', 'Joliet']);
  assert.equal(isForeign(m), false);
  assert.equal(assertMediaWritable(drive, m, { newDisc: false, closedByFirstaid: false }), 'append');
  assert.throws(() => assertMediaWritable(drive, m, { newDisc: false, closedByFirstaid: true }), /closed/);
});

test('toc of a blank file and of foreign data (closed)', () => {
  const b = parseToc(fx('toc-blank.stdio.txt'));
  assert.equal(b.status, 'blank');
  assert.equal(b.sessions.length, 0);
  assert.equal(assertMediaWritable(drive, b, { newDisc: false, closedByFirstaid: false }), 'new');
  const f = parseToc(fx('toc-foreign-closed.stdio.txt'));
  assert.equal(f.status, 'closed');
  assert.deepEqual(f.sessions.map((s) => s.iso), [false]);
  assert.equal(isForeign(f), true);
  assert.throws(() => assertMediaWritable(drive, f, { newDisc: false, closedByFirstaid: false }), (e: Error & { code?: string }) => e.code === 'disc-closed');
  assert.equal(assertMediaWritable(drive, f, { newDisc: true, closedByFirstaid: false }), 'new', 'rewritable: --new may replace it');
  assert.throws(() => assertMediaWritable(drive, { ...f, rewritable: false, profile: 'CD-R' }, { newDisc: true, closedByFirstaid: false }), /cannot be rewritten/);
});

test('print_size and tell_media_space; too big for a loop device', () => {
  const s = parseSpace(fx('print-size.stdio.txt'));
  assert.ok(s.imageBlocks > 1400 && s.mediaBlocks > 1_000_000, JSON.stringify(s));
  const t = parseSpace(fx('print-size-too-big.loop.txt'));
  assert.deepEqual(t, { imageBlocks: 1696, mediaBlocks: 992, afterCommitBlocks: -704 });
  assert.throws(() => assertFits(drive, t, t.mediaBlocks), /Nothing was written/);
  assert.doesNotThrow(() => assertFits(drive, { imageBlocks: 1000, mediaBlocks: 5000, afterCommitBlocks: 4000 }, 5000));
});

test('check_md5_r and check_media name the damage, all sessions', () => {
  const m = parseCheckMd5(fx('check-md5-mismatch.stdio.txt'));
  assert.deepEqual(m.mismatched, ['/2026/12/01/a/f.txt']);
  assert.equal(m.summaryOk, false);
  const c = parseCheckMedia(fx('check-media-mismatch.stdio.txt'));
  assert.deepEqual(c.tags.map((t) => [t.lba, t.ok]), [[32, false], [128, true]]);
  assert.ok(c.regions.every((r) => r.good));
  assert.ok(c.damagedFiles.includes('/2026/12/01/a/f.txt'));
});

test('progress lines, media sizes, mountinfo', () => {
  assert.deepEqual(parseProgress('xorriso : UPDATE : Writing:      27680s    9.0%   fifo   1%  buf  50%   34.8xD'), { blocks: 27680, percent: 9, fifo: 1, buf: 50, speed: 34.8 });
  assert.equal(parseProgress('xorriso : UPDATE : Thank you for being patient. Working since 0 seconds.'), null);
  assert.equal(parseMedia(undefined).blocks, MEDIA_BLOCKS.dvd);
  assert.equal(parseMedia('cd700').blocks, 360_000);
  assert.equal(parseMedia('10M').blocks, 5120);
  assert.throws(() => parseMedia('floppy'), /not a medium/);
  const mi = '36 25 7:3 / /mnt/x rw,relatime shared:1 - ext4 /dev/loop3 rw\n37 25 0:40 / /mnt/y rw - fuse /srv/a\\040b.iso rw\n';
  assert.deepEqual(mountsOf(mi, '7:3', []), ['/mnt/x']);
  assert.deepEqual(mountsOf(mi, null, ['/srv/a\\040b.iso']), ['/mnt/y']);
  assert.deepEqual(mountsOf(mi, '7:4', ['/dev/loop4']), []);
});

test('a truncated image: no MD5 array, the cut named', async () => {
  const { parseTruncation, parseFindFiles } = await import('../../src/devices/optical/parse.js');
  const t = fx('check-md5-truncated.stdio.txt');
  const m = parseCheckMd5(t);
  assert.equal(m.noChecksums, true);
  assert.deepEqual(m.mismatched, []);
  assert.deepEqual(parseTruncation(t), { imageBlocks: 143, readableBlocks: 137 });
  assert.deepEqual(parseFindFiles("R:1: '/a/b.txt'\nR:1: '/it'\"'\"'s'\nI:1: x"), ['/a/b.txt', "/it's"]);
});
