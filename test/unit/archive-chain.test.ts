/** Planning a level chain from manifests, and reading manifests: the pure checks before any extraction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChain } from '../../src/backup/archives/extract.js';
import { parseManifest } from '../../src/backup/archives/manifest.js';
import { MANIFEST_FORMAT, type ArchiveManifest } from '../../src/backup/archives/types.js';
import type { FirstaidError } from '../../src/core/errors.js';

const sha = (c: string) => c.repeat(64);
function m(level: number, parent: string | null, own: string, keepingId: string | null = null, id = 'home'): ArchiveManifest {
  return {
    format: MANIFEST_FORMAT, id, type: 'tar.xz', level, incremental: true, keepingId, provider: 'external', created: '2026-12-01T00:00:00Z', root: '/src',
    archive: { name: `${id}${level ? `.${level}` : ''}${keepingId ? `.${keepingId}` : ''}.tar.xz`, size: 10, sha256: sha(own) },
    parentSha256: parent ? sha(parent) : null, snapshot: null, members: [], totalBytes: 0, warnings: [],
  };
}

test('the chain runs 0..L in order; the default is the highest level', () => {
  const all = [m(2, 'b', 'c'), m(0, null, 'a'), m(1, 'a', 'b'), m(0, null, 'd', 'a'), m(0, null, 'e', null, 'other')];
  assert.deepEqual(planChain(all, 'home', null).chain.map((x) => x.level), [0, 1, 2]);
  assert.deepEqual(planChain(all, 'home', null, 1).chain.map((x) => x.archive.name), ['home.tar.xz', 'home.1.tar.xz']);
  assert.deepEqual(planChain(all, 'home', 'a').chain.map((x) => x.archive.name), ['home.a.tar.xz']);
});

test('a gap, a missing level, a level made on another parent, an unknown id are refused with the level named', () => {
  const gap = [m(0, null, 'a'), m(2, 'b', 'c')];
  assert.throws(() => planChain(gap, 'home', null), (e: FirstaidError) => e.code === 'archive-chain-gap' && /Level 1/.test(e.message) && /--level 0/.test(e.hint));
  assert.throws(() => planChain([m(1, 'a', 'b')], 'home', null), (e: FirstaidError) => /Level 0/.test(e.message));
  assert.throws(() => planChain([m(0, null, 'a'), m(1, 'x', 'b')], 'home', null), /not made on top/);
  assert.throws(() => planChain([m(0, null, 'a')], 'home', null, 3), /no level 3/);
  assert.throws(() => planChain([m(0, null, 'a')], 'nope', null), (e: FirstaidError) => e.code === 'no-such-archive');
});

test('manifests are checked field by field; a cut or doctored one is refused', () => {
  const good = JSON.stringify(m(1, 'a', 'b'));
  assert.equal(parseManifest(good, 'x').level, 1);
  assert.throws(() => parseManifest(good.slice(0, 40), 'x.manifest.json'), /x\.manifest\.json is not usable: it is not JSON/);
  const doctored = (f: (o: Record<string, unknown>) => void) => { const o = JSON.parse(good); f(o); return JSON.stringify(o); };
  assert.throws(() => parseManifest(doctored((o) => { o.id = 'a.b'; }), 'x'), /bad id/);
  assert.throws(() => parseManifest(doctored((o) => { (o.archive as { name: string }).name = '../etc/passwd'; }), 'x'), /bad archive record/);
  assert.throws(() => parseManifest(doctored((o) => { (o.archive as { sha256: string }).sha256 = 'zz'; }), 'x'), /bad archive record/);
  assert.throws(() => parseManifest(doctored((o) => { o.level = -1; }), 'x'), /bad level/);
  assert.throws(() => parseManifest(doctored((o) => { o.format = 'other'; }), 'x'), /unknown format/);
});
