/** The disc layout rules: where sources land, the week of a rebuild, the disc manifest's checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { recordSources, resolveSources, stagedEntries, volidFor, weekDays, STORE_INDICATOR } from '../../src/backup/discs/layout.js';
import { buildManifest, parseDiscManifest } from '../../src/backup/discs/disc-manifest.js';
import { planRebuild } from '../../src/backup/discs/rebuild.js';
import { groupOf, latestFiles } from '../../src/backup/discs/reader-check.js';
import { discBackups } from '../../src/backup/discs/from-disc.js';

const day = new Date('2026-12-03T23:59:00Z'); // a Thursday

test('sources: a backup at /YYYY/MM/DD/<plugin>/<space>, a directory under its own name', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fa-layout-'));
  try {
    const store = join(base, 'store');
    mkdirSync(join(store, 'grub', '20261203T204500Z-1a2b3c'), { recursive: true });
    writeFileSync(join(store, 'grub', '20261203T204500Z-1a2b3c', 'manifest.json'), '{}');
    mkdirSync(join(base, 'home'));
    const e = await resolveSources(['grub/20261203T204500Z-1a2b3c', join(base, 'home')], store, day);
    assert.deepEqual(e.map((x) => [x.discPath, x.backup]), [['/2026/12/03/grub/20261203T204500Z-1a2b3c', 'grub/20261203T204500Z-1a2b3c'], ['/2026/12/03/home', null]]);
    await assert.rejects(resolveSources(['grub/20261203T204500Z-ffffff'], store, day), /no complete backup/);
    await assert.rejects(resolveSources([join(base, 'home'), join(base, 'home')], store, day), /Two sources/);
    await assert.rejects(resolveSources([join(base, 'nope')], store, day), (err: { exitCode?: number }) => err.exitCode === 2);
    assert.equal(volidFor(day), 'FIRSTAID_20261203');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('week of a rebuild starts on Monday; staged entries and recorded sources are planned, own files never mapped', async () => {
  assert.deepEqual(weekDays(day).map((d) => d.toISOString().slice(0, 10)), ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']);
  assert.equal(weekDays(new Date('2026-11-30T01:00:00Z')).length, 1);
  const base = mkdtempSync(join(tmpdir(), 'fa-layout-'));
  try {
    const staging = join(base, 'staging');
    mkdirSync(join(staging, '2026', '12', '01', 'peer-a'), { recursive: true });
    writeFileSync(join(staging, '2026', '12', '01', STORE_INDICATOR), '{}');
    mkdirSync(join(base, 'docs'));
    await recordSources(staging, new Date('2026-12-02T10:00:00Z'), [{ hostPath: join(base, 'docs'), discPath: '/2026/12/02/docs', backup: null }, { hostPath: join(base, 'gone'), discPath: '/2026/12/02/gone', backup: null }]);
    assert.deepEqual((await stagedEntries(staging, new Date('2026-12-01T00:00:00Z'))).map((e) => e.discPath), ['/2026/12/01/peer-a']);
    const plan = await planRebuild(staging, day);
    assert.deepEqual(plan.entries.map((e) => e.discPath), ['/2026/12/01/peer-a', '/2026/12/02/docs']);
    assert.equal(plan.days.length, 2);
    assert.equal(plan.gone.length, 1);
    await assert.rejects(planRebuild(join(base, 'empty'), day), /Nothing was staged/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('disc manifest: every file hashed with its backup; damaged manifests rejected; later sessions win', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fa-layout-'));
  try {
    mkdirSync(join(base, 'sp', 'objects'), { recursive: true });
    writeFileSync(join(base, 'sp', 'manifest.json'), '{"x":1}');
    writeFileSync(join(base, 'sp', 'objects', 'a'), 'abc');
    const m = await buildManifest([{ hostPath: join(base, 'sp'), discPath: '/2026/12/03/grub/20261203T204500Z-1a2b3c', backup: 'grub/20261203T204500Z-1a2b3c' }], 'FIRSTAID_20261203', false);
    assert.deepEqual(m.files.map((f) => [f.path, f.size]), [['/2026/12/03/grub/20261203T204500Z-1a2b3c/manifest.json', 7], ['/2026/12/03/grub/20261203T204500Z-1a2b3c/objects/a', 3]]);
    assert.equal(m.files[1]!.sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const again = parseDiscManifest(JSON.stringify(m), 'x');
    assert.deepEqual(discBackups({ manifests: [again] }).map((b) => [b.pluginId, b.files]), [['grub', 2]]);
    assert.throws(() => parseDiscManifest('{"kind":"firstaid-disc-manifest"', 'x'), /not JSON/);
    const evil = { ...m, files: [{ ...m.files[0]!, path: '/2026/../../etc/passwd' }] };
    assert.throws(() => parseDiscManifest(JSON.stringify(evil), 'x'), /damaged entry/);
    const later = { ...m, files: [{ ...m.files[0]!, sha256: '0'.repeat(64) }] };
    assert.equal(latestFiles([m, later]).find((f) => f.path.endsWith('manifest.json'))!.sha256, '0'.repeat(64));
    assert.equal(groupOf('/2026/12/03/grub/x/y'), '/2026/12/03');
    assert.equal(groupOf('/FIRSTAID/session-1.json'), '/FIRSTAID');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
