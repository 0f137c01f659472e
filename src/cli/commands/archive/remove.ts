/** `firstaid archive remove URL ID [--from-level N] [--keeping K]`: levels N, N+1, ... of ID (all: N = 0). */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { assertArchiveId, assertKeepingId } from '../../../backup/archives/names.js';
import { listRemote, removeRemote } from '../../../backup/archives/remote.js';
import { flagInt, flagString, needArgs, openArchiveBackend, scratchDir } from './common.js';

export async function archiveRemove(ctx: CliContext): Promise<ExitCode> {
  const [url, id] = needArgs(ctx, 'remove', 2, 'archive remove URL ID [--from-level N] [--keeping K]');
  assertArchiveId(id!);
  const keeping = flagString(ctx, 'keeping') ?? null;
  if (keeping !== null) assertKeepingId(keeping);
  const from = flagInt(ctx, 'from-level', 0, 999) ?? 0;
  const backend = await openArchiveBackend(ctx, url!);
  const removed = await removeRemote(backend, await listRemote(backend, await scratchDir(ctx)), id!, keeping, from);
  const names = removed.map((m) => m.archive.name).reverse();
  if (ctx.options.json) ctx.out(JSON.stringify({ url: backend.displayUrl, id, keepingId: keeping, removed: names }, null, 2));
  else ctx.out(`Removed from ${backend.displayUrl}: ${names.join(', ')}.`);
  return 0;
}
