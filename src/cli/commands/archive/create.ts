/**
 * `firstaid archive create SOURCE --to URL [--type T] [--strength N] [--level N|--incremental]
 * [--name ID] [--provider external|internal] [--yes]`: the archive is made in a scratch
 * directory by the archiver service, then sent through the storage Backend (archive, snapshot,
 * manifest last). A level after 0 fetches the level below's snapshot from the destination, so
 * a chain can be continued from any live CD. An existing archive of the same id and level is
 * replaced only with --yes; higher levels built on it are removed then (they would not extract).
 */
import type { CliContext } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { assertArchiveId, isArchiveType } from '../../../backup/archives/names.js';
import { providerFor, runCreateJob } from '../../../backup/archives/job.js';
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
  if (providerName !== 'external' && providerName !== 'internal') throw new UsageError(`Unknown provider "${providerName}".`, 'Use --provider external (GNU tar) or internal (in-process, no GNU tar).');

  const provider = providerFor(providerName, ctx.runner);
  if (!provider.types.includes(type)) throw new UsageError(`The ${providerName} provider cannot make ${type} archives.`, `It makes ${provider.types.join(', ')}; use --provider external for the others.`);
  if (providerName === 'internal' && (levelFlag !== undefined || incremental)) throw new UsageError('The internal provider cannot make incremental levels.', 'Use --provider external (GNU tar) for levels.');

  const source = await resolveSource(ctx, rest[0]!);
  const id = flagString(ctx, 'name') ?? source.defaultId;
  assertArchiveId(id);
  const backend = await openArchiveBackend(ctx, url);
  if (ctx.options.dryRun) {
    const level = incremental ? 'next' : levelFlag ?? null;
    ctx.out(ctx.options.json ? JSON.stringify({ dryRun: true, source, id, type, level, url: backend.displayUrl }, null, 2) : `Would archive ${source.label} as "${id}" (${type}${level !== null ? `, level ${level}` : ''}) to ${backend.displayUrl}.`);
    return 0;
  }
  const showProgress = !ctx.options.json && process.stderr.isTTY === true;
  let last = 0;
  let phaseStart = Date.now();
  let phase = '';
  const r = await runCreateJob({
    runner: ctx.runner, log: ctx.log, backend, scratch: await scratchDir(ctx), root: source.root, id, type,
    ...(strength !== undefined ? { strength } : {}),
    level: incremental ? 'next' : levelFlag ?? null, provider: providerName, replace: ctx.options.yes, countFirst: showProgress,
    onProgress: (p) => {
      if (p.phase !== phase) { phase = p.phase; phaseStart = Date.now(); }
      if (!showProgress || Date.now() - last < 500) return;
      last = Date.now();
      ctx.err(progressLine(p.phase, p.bytesDone, p.bytesTotal, phaseStart));
    },
  });
  const m = r.manifest;
  const changed = r.warnings.filter((w) => w.kind === 'file-changed').map((w) => w.path ?? w.message);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ url: r.url, source, archive: m.archive, id, level: m.level, incremental: m.incremental, type, provider: providerName, members: m.members.length, bytes: m.totalBytes, warnings: r.warnings, removedLevels: r.removedLevels }, null, 2));
  } else {
    ctx.out(`Archived ${source.label} to ${r.url}/${m.archive.name}${m.incremental ? ` (level ${m.level})` : ''}:`);
    ctx.out(`  ${m.members.length} entries, ${human(m.totalBytes)} read, archive ${human(m.archive.size)}, sha256 ${m.archive.sha256.slice(0, 16)}...`);
    for (const w of r.warnings.filter((x) => x.kind !== 'file-changed' && x.kind !== 'some-files-changed')) ctx.out(`  warning: ${w.message}`);
    if (changed.length) ctx.out(`  ${changed.length} file(s) changed while read (archived, but maybe inconsistent): ${changed.slice(0, 5).join(', ')}`);
    if (r.removedLevels.length) ctx.out(`  removed level(s) ${r.removedLevels.join(', ')}: they were made on the archive just replaced`);
  }
  return 0;
}
