/**
 * A big tree's copies on two threads (src/backup/copy/share-work.ts): the helper really takes part,
 * results come back in order, its failures surface with their code and path, and a helper
 * that cannot start leaves the work to this thread. Real files, a real worker thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { BlobStore } from '../../src/backup/objects/blobs.js';
import { EARLY_SYNC_BYTES } from '../../src/backup/objects/early-sync.js';
import { shareWork, SHARE_MIN_ITEMS, type ShareOptions } from '../../src/backup/copy/share-work.js';
import { copyTasks, endCopyBatch, type CopyContext } from '../../src/backup/copy/copy-tasks.js';
import { PACK_FILE_MAX } from '../../src/backup/objects/packs.js';
import { bundleOptions } from '../../scripts/bundle-options.mjs';

const twoCores = availableParallelism() > 1;

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A tree of n small files (and one of 1.5 MB, streamed) and a space to copy it into. */
function setup(n: number): { dir: string; tree: string; rels: string[]; blobs: BlobStore; ctx: CopyContext; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fa-share-'));
  const tree = join(dir, 'tree');
  const rels: string[] = [];
  for (let i = 0; i < n; i++) {
    const rel = `d${i % 9}/f${i}`;
    mkdirSync(join(tree, `d${i % 9}`), { recursive: true });
    writeFileSync(join(tree, rel), `file ${i}\n`.repeat(1 + (i % 40)));
    rels.push(rel);
  }
  writeFileSync(join(tree, 'big.bin'), Buffer.alloc(1536 * 1024, 7));
  rels.splice(n >> 1, 0, 'big.bin');
  const blobs = new BlobStore(join(dir, 'space'), async () => undefined);
  const ctx: CopyContext = { spaceDir: blobs.spaceDir, root: tree, deferred: blobs.deferSync() };
  return { dir, tree, rels, blobs, ctx, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function putAll(s: ReturnType<typeof setup>, opts: ShareOptions) {
  return shareWork('put', s.ctx, s.rels, (rel) => copyTasks.put(s.blobs, s.ctx, rel), { endBatch: (ok) => endCopyBatch.put(s.blobs, ok), ...opts });
}

function assertStored(s: ReturnType<typeof setup>, results: Awaited<ReturnType<typeof putAll>>): void {
  assert.equal(results.length, s.rels.length);
  s.rels.forEach((rel, i) => {
    const data = readFileSync(join(s.tree, rel));
    const r = results[i]!;
    assert.equal(r.sha256, sha(data), rel);
    assert.equal(r.size, data.length, rel);
    assert.equal(r.mtimeMs, statSync(join(s.tree, rel)).mtimeMs, rel);
    if (data.length > PACK_FILE_MAX) {
      assert.equal(r.pack, undefined, `${rel} is big: an object file of its own`);
      assert.ok(readFileSync(s.blobs.pathOf(r.sha256)).equals(data), `object of ${rel}`);
      return;
    }
    // A small file: its bytes in a pack, an object named by the sha256 of all its content.
    assert.ok(r.pack, `${rel} is small: packed`);
    const pack = readFileSync(s.blobs.pathOf(r.pack));
    assert.equal(sha(pack), r.pack, `pack of ${rel}`);
    assert.ok(pack.subarray(r.offset!, r.offset! + r.size).equals(data), `bytes of ${rel} in its pack`);
  });
  const packs = new Set(results.map((r) => r.pack).filter(Boolean));
  assert.ok(packs.size >= Math.ceil((s.rels.length - 1) / 64), `${packs.size} packs: one per batch of 64`);
}

test('a big tree is copied on two threads: the helper does part of it, results in item order', async () => {
  const s = setup(900);
  try {
    const stats = { helperItems: 0 };
    const results = await putAll(s, { stats });
    assertStored(s, results);
    if (twoCores) {
      assert.ok(stats.helperItems > 0, 'the helper thread copied nothing');
      assert.ok(stats.helperItems < s.rels.length, 'this thread copied nothing');
    } else assert.equal(stats.helperItems, 0);
  } finally {
    s.dispose();
  }
});

test('the shipped helper (dist/copy-worker.mjs, from npm run build) does the same work', { skip: !twoCores && 'one core: no helper' }, async () => {
  const shipped = new URL('../../dist/copy-worker.mjs', import.meta.url);
  assert.ok(existsSync(shipped), 'dist/copy-worker.mjs is missing: run npm run build');
  const s = setup(600);
  try {
    const stats = { helperItems: 0 };
    const notes: string[] = [];
    assertStored(s, await putAll(s, { stats, helperUrl: shipped, note: (m) => notes.push(m) }));
    assert.deepEqual(notes, []);
    assert.ok(stats.helperItems > 0);
  } finally {
    s.dispose();
  }
});

test('a file the helper cannot read fails the call with its code and path', { skip: !twoCores && 'one core: no helper' }, async () => {
  const s = setup(600);
  try {
    // The helper is handed the first batches before this thread starts: item 10 is its.
    rmSync(join(s.tree, s.rels[10]!));
    const stats = { helperItems: 0 };
    await assert.rejects(putAll(s, { stats }), (e: NodeJS.ErrnoException) => {
      assert.equal(e.code, 'ENOENT');
      assert.equal(e.path, join(s.tree, s.rels[10]!));
      return true;
    });
    assert.ok(stats.helperItems >= 10, 'the failure came from this thread, not the helper');
  } finally {
    s.dispose();
  }
});

test('a helper that cannot start: this thread does everything, and says so once', async () => {
  const s = setup(SHARE_MIN_ITEMS + 100);
  try {
    const stats = { helperItems: 0 };
    const notes: string[] = [];
    const missing = pathToFileURL(join(s.dir, 'no-such-worker.mjs'));
    assertStored(s, await putAll(s, { stats, helperUrl: missing, note: (m) => notes.push(m) }));
    assert.equal(stats.helperItems, 0);
    if (twoCores) {
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, /helper thread .*stopped.*one thread/);
    }
  } finally {
    s.dispose();
  }
});

test('a small tree stays on this thread (a helper start would cost more than it saves)', async () => {
  const s = setup(SHARE_MIN_ITEMS - 10);
  try {
    const stats = { helperItems: 0 };
    assertStored(s, await putAll(s, { stats }));
    assert.equal(stats.helperItems, 0);
  } finally {
    s.dispose();
  }
});

test('the heap bounds a store sets hold after the helper thread starts (without --optimize-for-size, new space grew to 32 MB)', { skip: !twoCores && 'one core: no helper' }, async () => {
  // In a process of its own, bundled like the product: under tsx the loader's own thread is
  // already a worker, and the bounds must hold once the process's first worker starts.
  const work = mkdtempSync(join(tmpdir(), 'fa-heap-bounds-'));
  const s = setup(SHARE_MIN_ITEMS + 10);
  try {
    const { build } = await import('esbuild');
    await build(bundleOptions('child', fileURLToPath(new URL('../integration/fixtures-backup/heap-bounds-child.ts', import.meta.url)), work));
    const out = execFileSync(process.execPath, [join(work, 'child.mjs'), s.tree, join(s.dir, 'space')], { encoding: 'utf8' });
    const got = JSON.parse(out) as { helperItems: number; newSpace: number };
    assert.ok(got.helperItems > 0, 'the helper thread did not start');
    assert.ok(got.newSpace <= 8 << 20, `new space grew to ${(got.newSpace / 1e6).toFixed(1)} MB`);
  } finally {
    s.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});

test('deferred objects start a background syncfs every EARLY_SYNC_BYTES; the commit\'s flush waits for it and syncs again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-early-'));
  try {
    const calls: string[] = [];
    let release!: () => void;
    const blobs = new BlobStore(join(dir, 'space'), async () => {
      calls.push('start');
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      calls.push('end');
    });
    assert.equal(blobs.deferSync(), true);
    const E = EARLY_SYNC_BYTES;
    blobs.wrote(E * 0.6);
    assert.deepEqual(calls, [], 'under the mark: nothing yet');
    blobs.wrote(E * 0.5);
    assert.deepEqual(calls, ['start'], 'over it: a syncfs runs in the background');
    blobs.wrote(E * 2);
    assert.deepEqual(calls, ['start'], 'one at a time');
    const flushing = blobs.flush();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(calls, ['start'], 'flush waits for the early one');
    release();
    await flushing;
    assert.deepEqual(calls, ['start', 'end', 'start', 'end'], 'and then syncs once more itself');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restore entry done twice (a helper stopped mid-batch, its batch redone here) replaces what the first left', async () => {
  const { restoreEntry } = await import('../../src/backup/copy/tree-entry.js');
  const dir = mkdtempSync(join(tmpdir(), 'fa-twice-'));
  try {
    const blobs = new BlobStore(join(dir, 'space'));
    const { sha256, size } = await blobs.putBuffer(Buffer.from('restored content\n'));
    const entry = { name: 'f', type: 'file' as const, origin: null, size, sha256, mode: 0o640, uid: 0, gid: 0, mtime: '2020-01-02T03:04:05.000Z', symlinkTarget: null, xattrs: {}, range: null };
    const at = join(dir, 'f');
    restoreEntry(blobs, entry, at, false);
    writeFileSync(at, 'changed in between'); // whatever the first pass left is replaced
    restoreEntry(blobs, entry, at, false);
    assert.equal(readFileSync(at, 'utf8'), 'restored content\n');
    assert.equal(statSync(at).mode & 0o7777, 0o640);
    assert.equal(statSync(at).mtime.toISOString(), '2020-01-02T03:04:05.000Z');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
