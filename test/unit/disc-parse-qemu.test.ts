/**
 * The real-drive read path: parsers against transcripts of xorriso on a QEMU guest's /dev/sr0
 * (ide-cd, the kernel's sr driver; recipe in test/fixtures/xorriso/qemu-sr0-init.sh and the
 * field notes). sr0 holds a two-session firstaid disc, sr1 the same with a flipped byte in session 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCheckMd5, parseCheckMedia, parseFindFiles, parseToc, splitPackets } from '../../src/devices/optical/parse.js';
import { assertMediaWritable, isForeign } from '../../src/devices/optical/refusals.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xorriso');
const fx = (n: string) => readFileSync(join(FIX, n), 'utf8');
const sr0 = { path: '/dev/sr0', kind: 'drive' as const, address: 'mmc:/dev/sr0' };

test('toc of a two-session disc in a ROM drive: closed, both sessions, not rewritable', () => {
  const m = parseToc(fx('toc-two-sessions.qemu-sr0.txt'));
  assert.equal(m.profile, 'CD-ROM');
  assert.equal(m.status, 'closed');
  assert.equal(m.rewritable, false);
  assert.deepEqual(m.sessions.map((s) => [s.startLba, s.blocks]), [[32, 46], [96, 47]]);
  assert.equal(isForeign(m), false);
  assert.throws(() => assertMediaWritable(sr0, m, { newDisc: false, closedByFirstaid: false }), /closed/);
  assert.throws(() => assertMediaWritable(sr0, m, { newDisc: true, closedByFirstaid: false }), /cannot be rewritten/);
});

test('check_md5_r and check_media on sr0 (intact) and sr1 (a flipped byte in session 1)', () => {
  const ok = parseCheckMd5(fx('check-md5-ok.qemu-sr0.txt'));
  assert.deepEqual([ok.mismatched, ok.summaryOk], [[], true]);
  const okm = parseCheckMedia(fx('check-media-ok.qemu-sr0.txt'));
  assert.ok(okm.tags.length === 2 && okm.tags.every((t) => t.ok));
  assert.ok(okm.regions.every((r) => r.good));
  const bad = parseCheckMd5(fx('check-md5-mismatch.qemu-sr1.txt'));
  assert.deepEqual(bad.mismatched, ['/2026/12/01/a/one.txt']);
  const badm = parseCheckMedia(fx('check-media-mismatch.qemu-sr1.txt'));
  assert.deepEqual(badm.tags.map((t) => [t.lba, t.ok]), [[32, false], [96, true]]);
  assert.ok(badm.regions.some((r) => r.quality === 'off_track' && r.good), 'gaps between sessions are not damage');
  assert.ok(badm.damagedFiles.includes('/2026/12/01/a/one.txt'));
  assert.match(fx('check-md5-mismatch.qemu-sr1.txt'), /exit: 32/);
});

test('the tree listing, a write refused on ROM, a mounted drive not acquired', () => {
  assert.deepEqual(parseFindFiles(fx('find.qemu-sr0.txt')).filter((p) => !p.startsWith('/FIRSTAID/')), ['/2026/12/01/a/one.txt', '/2026/12/01/b/two.txt']);
  assert.ok(splitPackets(fx('write-rom.qemu-sr0.txt')).some((l) => /Unsuitable target media state/.test(l.text)));
  assert.match(fx('write-rom.qemu-sr0.txt'), /exit: 5/);
  const mounted = parseToc(fx('toc-mounted.qemu-sr0.txt'));
  assert.equal(mounted.profile, '', 'no media state when the drive cannot be acquired');
  assert.ok(splitPackets(fx('toc-mounted.qemu-sr0.txt')).some((l) => /Cannot acquire drive/.test(l.text)));
});
