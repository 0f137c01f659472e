/**
 * `firstaid archive extract URL ID DIR [--level N] [--keeping K]`: fetches levels 0..N of ID,
 * checks each against its manifest (size, sha256), refuses a chain with a gap, extracts them in
 * order into DIR (new or empty) and says what it put back.
 */
import { resolve } from 'node:path';
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { assertArchiveId, assertKeepingId } from '../../../backup/archives/names.js';
import { assertEmptyDir } from '../../../backup/archives/extract.js';
import { runExtractJob } from '../../../backup/archives/job.js';
import { flagInt, flagString, human, needArgs, openArchiveBackend, scratchDir } from './common.js';

export async function archiveExtract(ctx: CliContext): Promise<ExitCode> {
  const [url, id, dirArg] = needArgs(ctx, 'extract', 3, 'archive extract URL ID DIR [--level N] [--keeping K]');
  assertArchiveId(id!);
  const keeping = flagString(ctx, 'keeping') ?? null;
  if (keeping !== null) assertKeepingId(keeping);
  const level = flagInt(ctx, 'level', 0, 999);
  const dir = resolve(dirArg!);
  // Before any download: a full DIR is refused at once.
  await assertEmptyDir(dir);
  const backend = await openArchiveBackend(ctx, url!);
  const r = await runExtractJob({ runner: ctx.runner, backend, scratch: await scratchDir(ctx), id: id!, keepingId: keeping, ...(level !== undefined ? { level } : {}), dir });
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ url: backend.displayUrl, ...r }, null, 2));
  } else {
    ctx.out(`Extracted "${r.id}"${r.keepingId ? ` (kept ${r.keepingId})` : ''} level ${r.level} into ${r.dir}:`);
    for (const l of r.levels) ctx.out(`  level ${l.level}: ${l.archive}, ${l.members} entries, ${human(l.bytes)}`);
    ctx.out(`  ${r.dir} now holds ${r.entries} entries, ${human(r.bytes)} in files.`);
  }
  return 0;
}
