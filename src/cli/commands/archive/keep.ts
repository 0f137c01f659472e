/** `firstaid archive keep URL ID KEEPING_ID`: the current archives of ID (every level) kept under KEEPING_ID. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { assertArchiveId, assertKeepingId } from '../../../backup/archives/names.js';
import { keepRemote, listRemote } from '../../../backup/archives/remote.js';
import { needArgs, openArchiveBackend, scratchDir } from './common.js';

export async function archiveKeep(ctx: CliContext): Promise<ExitCode> {
  const [url, id, keeping] = needArgs(ctx, 'keep', 3, 'archive keep URL ID KEEPING_ID');
  assertArchiveId(id!);
  assertKeepingId(keeping!);
  const backend = await openArchiveBackend(ctx, url!);
  const scratch = await scratchDir(ctx);
  const kept = await keepRemote(backend, await listRemote(backend, scratch), id!, keeping!, scratch);
  if (ctx.options.json) ctx.out(JSON.stringify({ url: backend.displayUrl, id, keepingId: keeping, kept: kept.map((m) => ({ level: m.level, name: m.archive.name })) }, null, 2));
  else ctx.out(`Kept "${id}" as ${keeping} at ${backend.displayUrl}: ${kept.map((m) => m.archive.name).join(', ')}.`);
  return 0;
}
