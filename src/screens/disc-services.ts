/**
 * The services side of the Discs screens, over app/disc.ts and app/peers.ts (the CLI's twins):
 * drives, a drive's status, the store's backups, the size of a choice, write (progress from
 * xorriso's percentage lines), verify, rebuild, eject, staging from peers. The revert from a
 * disc needs the flow engine's deps: RealServices passes it in.
 */
import { lstat } from 'node:fs/promises';
import type { CliContext } from '../cli/context.js';
import type { MountedSystem } from '../devices/types.js';
import { FirstaidError } from '../core/errors.js';
import { resolveDrive } from '../devices/optical/drives.js';
import { parseMedia } from '../devices/optical/capacity.js';
import { ejectDrive } from '../devices/optical/eject.js';
import { discDeps, discStatus, driveRows, rebuildDisc, writeAndRecord, writeEntries, type OnDiscProgress } from '../app/disc.js';
import { stagedToday } from '../app/peers.js';
import { openStore } from '../app/store.js';
import { verifyDisc } from '../backup/discs/verify.js';
import type { WriteResult } from '../backup/discs/write.js';
import { dayDir } from '../backup/discs/staging-tree.js';
import { listTree } from '../backup/peers/listing.js';
import { readPoolFile } from '../backup/peers/pool-file.js';
import { stagePool, type StageOutcome } from '../backup/peers/stage-pool.js';
import { unreachableHint } from '../backup/peers/errors.js';
import type { OnProgress, RevertResult } from './services.js';
import { bytes } from './labels.js';
import type { DiscJob, SizeValue, SourceBackup, StageLine, WriteSources, WriteSummary } from './discs-state.js';

export interface DiscWhere {
  system: MountedSystem | null;
  /** The store backup ids are read from (null: none known). */
  storeDir: string | null;
  /** Reverts a backup space read off the disc: (drive path, id, force). */
  revertFromDisc(drive: string, backupId: string, force: boolean, onProgress: OnProgress, signal: AbortSignal): Promise<RevertResult>;
}

/** A file pseudo-drive's capacity, from the medium chosen on the drives screen (the CLI's --media). */
const blocksOf = (job: { media: string }) => parseMedia(job.media).blocks;

function discReporter(onProgress: OnProgress): OnDiscProgress {
  return (p) => {
    if (p.stage === 'write' && p.progress) {
      const speed = p.progress.speed ? `, ${p.progress.speed.toFixed(1)}x` : '';
      onProgress({ step: `Writing: ${p.progress.percent.toFixed(1)}%${speed}`, fraction: Math.min(1, p.progress.percent / 100) });
      return;
    }
    // The write's own words ("hashing 2 source(s)", "checking the disc (every block, ...)").
    onProgress({ step: p.message.charAt(0).toUpperCase() + p.message.slice(1) });
  };
}

function summary(r: WriteResult, extra: Partial<WriteSummary> = {}): WriteSummary {
  return {
    mode: r.mode, volid: r.volid, imageBlocks: r.space.imageBlocks, freeBlocks: r.freeBlocks, files: r.manifest.files, bytes: r.manifest.bytes,
    backups: r.manifest.backups, directories: r.manifest.directories, check: r.check, indicators: r.indicators, ...extra,
  };
}

/** Backup ids as they are; directories as the installation sees them, made host paths. */
async function hostSources(where: DiscWhere, s: WriteSources): Promise<string[]> {
  const dirs = await Promise.all(s.dirs.map((d) => (where.system ? where.system.target.resolve(d) : Promise.resolve(d))));
  return [...s.backups, ...dirs];
}

function stageLine(o: StageOutcome): StageLine {
  switch (o.state) {
    case 'staged':
      return { name: o.name, state: o.state, text: `${o.name}: ${o.report.files.length} file(s), ${bytes(o.report.bytes)}${o.report.files.some((f) => f.checked !== 'size+sha256') ? ' (not all checked against the peer)' : ', each checked'}` };
    case 'not-ready':
      return { name: o.name, state: o.state, text: `${o.name}: ${o.reason}` };
    case 'unreachable':
      return { name: o.name, state: o.state, text: `${o.name}: ${o.message} ${unreachableHint(o.reason)}` };
    case 'failed':
      return { name: o.name, state: o.state, text: `${o.name}: ${o.message} ${o.hint}` };
  }
}

async function sizeOf(paths: string[]): Promise<SizeValue> {
  let files = 0;
  let blocks = 0;
  let total = 0;
  for (const p of paths) {
    const st = await lstat(p);
    const list = st.isDirectory() ? (await listTree(p)).files : [{ size: st.size }];
    for (const f of list) {
      files++;
      total += f.size;
      blocks += Math.ceil(f.size / 2048);
    }
  }
  // The tree (directory records, Rock Ridge, Joliet) and the session's own padding, roughly.
  return { files, bytes: total, blocks: blocks + Math.ceil((files * 300) / 2048) + 200 };
}

export async function runDisc(ctx: CliContext, where: DiscWhere, job: DiscJob, onProgress: OnProgress, signal: AbortSignal): Promise<unknown> {
  const deps = discDeps(ctx);
  const date = new Date();
  switch (job.op) {
    case 'drives':
      return { rows: await driveRows(ctx.runner), staged: await stagedToday(job.staging, date) };
    case 'status':
      return discStatus(ctx.runner, await resolveDrive(job.drive), blocksOf(job));
    case 'sources': {
      const staged = await stagedToday(job.staging, date);
      if (!where.storeDir) return { backups: [], staged };
      const store = await openStore(ctx, { system: where.system }, 'read');
      const backups: SourceBackup[] = (await store.list())
        .filter((b) => b.state === 'complete' || b.state === 'verified')
        .map((b) => ({ id: b.id, pluginId: b.pluginId, created: b.created, size: b.size }));
      return { backups, staged };
    }
    case 'size': {
      const entries = await writeEntries(await hostSources(where, job.sources), where.storeDir, job.staging, date);
      return sizeOf(entries.map((e) => e.hostPath));
    }
    case 'write': {
      const drive = await resolveDrive(job.drive);
      onProgress({ step: 'Reading the sources' });
      const entries = await writeEntries(await hostSources(where, job.sources), where.storeDir, job.staging, date);
      if (entries.length === 0) throw new FirstaidError('nothing-to-write', 'Nothing was chosen, and nothing is staged for today.', 'Choose a backup or a directory.');
      return summary(await writeAndRecord(deps, { drive, mediaBlocks: blocksOf(job), entries, newDisc: job.newDisc, staging: job.staging, date, onProgress: discReporter(onProgress) }));
    }
    case 'verify':
      return verifyDisc(deps, { drive: await resolveDrive(job.drive), mediaBlocks: blocksOf(job), onProgress: (m) => onProgress({ step: `Verifying: ${m}` }) });
    case 'rebuild': {
      const r = await rebuildDisc(deps, await resolveDrive(job.drive), blocksOf(job), job.staging, date, discReporter(onProgress));
      return summary(r.write, { days: r.days.map((d) => d.toISOString().slice(0, 10)), gone: r.gone });
    }
    case 'eject':
      return ejectDrive(ctx.runner, await resolveDrive(job.drive));
    case 'revert':
      return where.revertFromDisc(job.drive, job.backupId, job.force === true, onProgress, signal);
    case 'stage': {
      if (ctx.runner.dryRun) throw new FirstaidError('dry-run', 'Staging cannot be a dry run: it copies files.', 'Start firstaid without --dry-run to stage.');
      onProgress({ step: `Reading the pool file ${job.pool}` });
      const pool = await readPoolFile(job.pool);
      let shown = 0;
      const outcomes = await stagePool(pool, ctx.runner, {
        stagingDir: job.staging, date, signal,
        onPeer: (name, phase) => onProgress({ step: `${name}: ${phase === 'checking' ? 'checking the collect indicator' : phase === 'staging' ? 'staging' : 'done'}` }),
        onProgress: (name, p) => {
          if (Date.now() - shown < 250) return;
          shown = Date.now();
          onProgress({ step: `${name}: staging ${bytes(p.bytes)}${p.total !== undefined ? ` of ${bytes(p.total)}` : ''}`, ...(p.total ? { fraction: Math.min(1, p.bytes / p.total) } : {}) });
        },
      });
      return { lines: outcomes.map(stageLine), dir: dayDir(job.staging, date) };
    }
  }
}
