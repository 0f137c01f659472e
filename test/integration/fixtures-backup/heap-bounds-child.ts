/**
 * heap-bounds-child.ts TREE SPACE: bounds the heap as a store does, copies TREE's files into
 * SPACE on two threads (the process's first worker starts here), then keeps 100,000 objects
 * alive through 300,000 allocations and prints {"helperItems", "newSpace"} (new space's size).
 */
import { readdirSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { boundHeapGrowth } from '../../../src/core/memory.js';
import { BlobStore } from '../../../src/backup/objects/blobs.js';
import { shareWork } from '../../../src/backup/copy/share-work.js';
import { copyTasks, endCopyBatch, type CopyContext } from '../../../src/backup/copy/copy-tasks.js';

const [tree, spaceDir] = process.argv.slice(2) as [string, string];
boundHeapGrowth();
const rels = readdirSync(tree, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => `${d.parentPath.slice(tree.length + 1)}/${d.name}`.replace(/^\//, ''));
const blobs = new BlobStore(spaceDir, async () => undefined);
const ctx: CopyContext = { spaceDir, root: tree, deferred: blobs.deferSync() };
const stats = { helperItems: 0 };
await shareWork('put', ctx, rels, (rel) => copyTasks.put(blobs, ctx, rel), { stats, endBatch: (ok) => endCopyBatch.put(blobs, ok) });
const keep: object[] = [];
for (let i = 0; i < 300_000; i++) {
  keep.push({ a: `x${i}`, b: [i, i + 1] });
  if (keep.length > 100_000) keep.shift();
}
const newSpace = getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')!.space_size;
process.stdout.write(JSON.stringify({ helperItems: stats.helperItems, newSpace }) + '\n');
