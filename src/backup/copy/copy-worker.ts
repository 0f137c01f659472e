/**
 * Entry of the helper thread (bundled as dist/copy-worker.mjs): runs batches of copy tasks
 * and answers each with its results, or with the first failure (the rest of that batch is
 * not done; the owner stops sending).
 */
import { parentPort } from 'node:worker_threads';
import { copyTasks, endCopyBatch, helperBlobs, type CopyContext, type CopyTaskKind } from './copy-tasks.js';
import type { BatchReply, BatchRequest } from './share-work.js';

async function runBatch(req: BatchRequest): Promise<BatchReply> {
  const ctx: CopyContext = req.ctx;
  const blobs = helperBlobs(ctx, req.run);
  const task = copyTasks[req.kind as CopyTaskKind] as (b: typeof blobs, c: CopyContext, item: unknown) => unknown;
  const results: unknown[] = [];
  const end = endCopyBatch[req.kind as CopyTaskKind];
  try {
    for (const item of req.items) results.push(await task(blobs, ctx, item));
    end(blobs, true);
  } catch (e) {
    end(blobs, false);
    const err = e as NodeJS.ErrnoException;
    // The results so far go back (the owner counts them), but the failure stops the work.
    return { id: req.id, results, error: { message: String(err?.message ?? e), code: err?.code, path: err?.path, syscall: err?.syscall, errno: err?.errno } };
  }
  return { id: req.id, results };
}

// One batch at a time, in order (the owner keeps at most four in flight).
let chain: Promise<void> = Promise.resolve();
parentPort!.on('message', (req: BatchRequest) => {
  chain = chain.then(async () => parentPort!.postMessage(await runBatch(req)));
});
