/**
 * `firstaid archive create SOURCE --to URL [--type T] [--strength N] [--level N|--incremental]
 * [--name ID] [--provider external|internal] [--yes]`: the archive is made in a scratch
 * directory by the archiver service, then sent through the storage Backend (archive, snapshot,
 * manifest last). A level after 0 fetches the level below's snapshot from the destination, so
 * a chain can be continued from any live CD. An existing archive of the same id and level is
 * replaced only with --yes; higher levels built on it are removed then (they would not extract).
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { CliContext } from '../../context.js';
import { FirstaidError, UsageError, type ExitCode } from '../../../core/errors.js';
import { ArchiverService, type BackupResult } from '../../../backup/archives/service.js';
import { ExternalProvider } from '../../../backup/archives/external.js';
import { InternalProvider } from '../../../backup/archives/internal.js';
import { assertArchiveId, isArchiveType, workSnapshotName } from '../../../backup/archives/names.js';
import { countTree } from '../../../backup/archives/extract.js';
import { fetchParent, listRemote, removeRemote, uploadArchive } from '../../../backup/archives/remote.js';
import type { BackupOperationError } from '../../../backup/archives/types.js';
import { flagInt, flagString, human, openArchiveBackend, progressLine, scratchDir } from './common.js';
import { resolveSource } from './source.js';

const USAGE = 'archive create SOURCE --to URL [--type T] [--strength N] [--level N|--incremental] [--name ID] [--provider external|internal] [--yes]';

export async function archiveCreate(ctx: CliContext): Promise<ExitCode> {
  const rest = ctx.args.slice(1);
  if (rest.length !== 1) throw new UsageError('archive create takes one SOURCE (a backup id, a path inside the target, or a directory).', `Use: firstaid ${USAGE}`);
  const url = flagString(ctx, 'to');
  if (!url) throw new UsageError('archive create needs --to URL.', 'e.g. --to /media/usb/backups or --to sftp://user@host/srv/backups');
  const type = flagString(ctx, 'type') ?? 'tar.gz';
  if (!isArchiveType(type)) throw new UsageError(`Unknown archive type "${type}".`, 'Use one of: tar, tar.gz, tar.bz2, tar.xz, tar.zst.');
  const strength = flagInt(ctx, 'strength', 0, 9);
  const levelFlag = flagInt(ctx, 'level', 0, 999);
  const incremental = ctx.flags.incremental === true;
  if (levelFlag !== undefined && incremental) throw new UsageError('Give --level N or --incremental, not both.');
  const providerName = flagString(ctx, 'provider') ?? 'external';
  if (providerName !== 'external' && providerName !== 'internal') throw new UsageError(`Unknown provider "${providerName}".`, 'Use --provider external (GNU tar) or internal (node-tar).');

  const provider = providerName === 'internal' ? new InternalProvider() : new ExternalProvider(ctx.runner);
  if (!provider.types.includes(type)) throw new UsageError(`The ${providerName} provider cannot make ${type} archives.`, `It makes ${provider.types.join(', ')}; use --provider external for the others.`);
  if (providerName === 'internal' && (levelFlag !== undefined || incremental)) throw new UsageError('The internal provider cannot make incremental levels.', 'Use --provider external (GNU tar) for levels.');

  const source = await resolveSource(ctx, rest[0]!);
  const id = flagString(ctx, 'name') ?? source.defaultId;
  assertArchiveId(id);
  const backend = await openArchiveBackend(ctx, url);
  const scratch = await scratchDir(ctx);
  const listing = await listRemote(backend, scratch);
  const mine = listing.manifests.filter((m) => m.id === id && m.keepingId === null);
  let level: number | null = levelFlag ?? null;
  if (incremental) {
    // The next level of the chain there (0 when there is none).
    const levels = new Set(mine.filter((m) => m.incremental).map((m) => m.level));
    let next = 0;
    while (levels.has(next)) next++;
    level = next;
  }
  const existing = mine.find((m) => m.level === (level ?? 0));
  if (existing && !ctx.options.yes) {
    throw new FirstaidError('archive-exists', `${existing.archive.name} is already at ${backend.displayUrl}.`, `Give another --name, ${incremental ? '' : 'use --incremental for the next level, '}or replace it with --yes.`);
  }
  if (ctx.options.dryRun) {
    ctx.out(ctx.options.json ? JSON.stringify({ dryRun: true, source, id, type, level, url: backend.displayUrl }, null, 2) : `Would archive ${source.label} as "${id}" (${type}${level !== null ? `, level ${level}` : ''}) to ${backend.displayUrl}.`);
    return 0;
  }

  const stage = join(scratch, 'stage');
  const work = join(scratch, 'work');
  await mkdir(join(work, 'snapshots'), { recursive: true });
  await mkdir(stage, { recursive: true });
  if (level !== null && level > 0) await fetchParent(backend, listing, id, level, stage, join(work, 'snapshots', workSnapshotName(id, level - 1)));
  const service = new ArchiverService({ workDir: work, provider });
  const warnings: BackupOperationError[] = [];
  service.on('backupOperationError', (e) => {
    warnings.push(e);
    ctx.log.warn(`archive ${id}: ${e.operation}/${e.kind}: ${e.message}`);
  });
  const showProgress = !ctx.options.json && process.stderr.isTTY === true;
  const total = showProgress ? (await countTree(source.root)).bytes : 0;
  const started = Date.now();
  let last = 0;
  service.on('progress', (p) => {
    if (!showProgress || Date.now() - last < 500) return;
    last = Date.now();
    ctx.err(progressLine('archiving', p.bytesDone, total, started));
  });
  const def = { id, type, destination: stage, root: source.root };
  let made: BackupResult;
  made = level === null ? await service.backupFiles(def, strength) : await service.backupFilesIncrementally(def, strength, level);
  const upStart = Date.now();
  await uploadArchive(backend, made, (p) => {
    if (!showProgress || Date.now() - last < 500) return;
    last = Date.now();
    ctx.err(progressLine('sending', p.bytesDone, p.bytesTotal, upStart));
  });
  // Levels above a replaced one were made on the old one: they would not extract any more.
  const stale = level === null ? mine.filter((m) => m.level > 0) : mine.filter((m) => m.level > level!);
  if (stale.length) await removeRemote(backend, { ...listing, manifests: stale }, id, null, Math.min(...stale.map((m) => m.level)));
  const m = made.manifest;
  const changed = warnings.filter((w) => w.kind === 'file-changed').map((w) => w.path ?? w.message);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ url: backend.displayUrl, source, archive: m.archive, id, level: m.level, incremental: m.incremental, type, provider: providerName, members: m.members.length, bytes: m.totalBytes, warnings, removedLevels: stale.map((s) => s.level) }, null, 2));
  } else {
    ctx.out(`Archived ${source.label} to ${backend.displayUrl}/${m.archive.name}${m.incremental ? ` (level ${m.level})` : ''}:`);
    ctx.out(`  ${m.members.length} entries, ${human(m.totalBytes)} read, archive ${human(m.archive.size)}, sha256 ${m.archive.sha256.slice(0, 16)}...`);
    for (const w of warnings.filter((x) => x.kind !== 'file-changed' && x.kind !== 'some-files-changed')) ctx.out(`  warning: ${w.message}`);
    if (changed.length) ctx.out(`  ${changed.length} file(s) changed while read (archived, but maybe inconsistent): ${changed.slice(0, 5).join(', ')}`);
    if (stale.length) ctx.out(`  removed level(s) ${stale.map((s) => s.level).join(', ')}: they were made on the archive just replaced`);
  }
  return 0;
}
