/** `firstaid archive list URL`: the archives at a storage URL, from their manifests. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { listRemote } from '../../../backup/archives/remote.js';
import { human, needArgs, openArchiveBackend, scratchDir } from './common.js';

export async function archiveList(ctx: CliContext): Promise<ExitCode> {
  const [url] = needArgs(ctx, 'list', 1, 'archive list URL');
  const backend = await openArchiveBackend(ctx, url!);
  const listing = await listRemote(backend, await scratchDir(ctx));
  const archives = listing.manifests
    .sort((a, b) => a.id.localeCompare(b.id) || (a.keepingId ?? '').localeCompare(b.keepingId ?? '') || a.level - b.level)
    .map((m) => ({ id: m.id, level: m.level, keepingId: m.keepingId, type: m.type, incremental: m.incremental, name: m.archive.name, size: m.archive.size, sha256: m.archive.sha256, created: m.created, members: m.members.length, bytes: m.totalBytes, warnings: m.warnings.length }));
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ url: backend.displayUrl, archives, broken: listing.broken, orphans: listing.orphans }, null, 2));
  } else {
    ctx.out(`Archives at ${backend.displayUrl}:`);
    if (!archives.length) ctx.out('  (none)');
    for (const a of archives) {
      ctx.out(`  ${a.id}${a.keepingId ? ` (kept ${a.keepingId})` : ''} level ${a.level}  ${a.type}  ${human(a.size)}  ${a.members} entries  ${a.created.slice(0, 19).replace('T', ' ')}`);
    }
    for (const b of listing.broken) ctx.out(`  unreadable manifest: ${b}`);
    for (const o of listing.orphans) ctx.out(`  no manifest (unfinished?): ${o}`);
  }
  return listing.broken.length ? 1 : 0;
}
