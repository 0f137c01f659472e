/**
 * What both twins do with discs, above backup/discs/: the drives with their media, a drive's
 * status (media state, sessions, room, the backups it holds), a write of chosen sources plus the
 * day's staged files (recorded for a rebuild), and a rebuild. The CLI prints these, the screens
 * draw them.
 */
import type { Runner } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import { listDrives, resolveDrive, type DriveInfo } from '../devices/optical/drives.js';
import { readMedia } from '../devices/optical/media.js';
import { isForeign } from '../devices/optical/refusals.js';
import type { DiscDrive, DiscSession, WriteProgress } from '../devices/optical/types.js';
import { readContents } from '../backup/discs/disc-read.js';
import { discBackups, type DiscBackup } from '../backup/discs/from-disc.js';
import { recordSources, resolveSources, stagedEntries } from '../backup/discs/layout.js';
import { planRebuild } from '../backup/discs/rebuild.js';
import { writeDisc, type DiscDeps, type WriteResult } from '../backup/discs/write.js';
import type { MapEntry } from '../backup/discs/disc-manifest.js';

export { mib } from '../devices/optical/capacity.js';

export function discDeps(ctx: { runner: Runner; log: SessionLog }): DiscDeps {
  return { runner: ctx.runner, log: ctx.log };
}

export type DriveRow = DriveInfo & { media: string; status: string; sessions: number; volid: string; problem?: string };

/** The real drives the kernel knows, each with what is in it (an unreadable one says why). */
export async function driveRows(runner: Runner, sysBlock?: string): Promise<DriveRow[]> {
  const drives = await listDrives(sysBlock);
  return Promise.all(drives.map(async (d) => {
    try {
      const r = await readMedia(runner, await resolveDrive(d.path), 0);
      return { ...d, media: r.media.profile, status: r.media.status, sessions: r.media.sessions.length, volid: r.media.volid };
    } catch (e) {
      return { ...d, media: '', status: 'unreadable', sessions: 0, volid: '', problem: (e as Error).message };
    }
  }));
}

export interface DiscStatus {
  drive: string;
  kind: DiscDrive['kind'];
  profile: string;
  status: string;
  closed: boolean;
  foreign: boolean;
  rewritable: boolean;
  volid: string;
  sessions: DiscSession[];
  usedBlocks: number;
  freeBlocks: number;
  capacityBlocks: number | null;
  backups: DiscBackup[];
  directories: string[];
  problems: string[];
}

export async function discStatus(runner: Runner, drive: DiscDrive, mediaBlocks: number): Promise<DiscStatus> {
  const c = await readContents(runner, drive, mediaBlocks);
  return {
    drive: drive.path, kind: drive.kind, profile: c.media.profile, status: c.media.status,
    closed: c.media.status === 'closed' || c.manifests.at(-1)?.closed === true, foreign: isForeign(c.media),
    rewritable: c.media.rewritable, volid: c.media.volid, sessions: c.media.sessions,
    usedBlocks: c.media.dataBlocks, freeBlocks: c.freeBlocks, capacityBlocks: c.capacityBlocks,
    backups: discBackups(c), directories: c.manifests.flatMap((m) => m.directories), problems: c.manifestProblems,
  };
}

/** A status that is a problem (exit 1): a firstaid disc whose manifests do not read. */
export function statusProblem(s: DiscStatus): boolean {
  return s.problems.length > 0 && !s.foreign;
}

/** The sources of a write: backup ids and directories, then the day's staged entries (peers). */
export async function writeEntries(sources: string[], storeDir: string | null, staging: string, date: Date): Promise<MapEntry[]> {
  return [...(await resolveSources(sources, storeDir, date)), ...(await stagedEntries(staging, date))];
}

export type DiscStage = 'check' | 'hash' | 'size' | 'write' | 'verify';
export type OnDiscProgress = (p: { stage: DiscStage; message: string; progress?: WriteProgress }) => void;

export interface WriteJob {
  drive: DiscDrive;
  mediaBlocks: number;
  entries: MapEntry[];
  newDisc: boolean;
  close?: boolean;
  ecc?: boolean;
  staging: string;
  date: Date;
  onProgress?: OnDiscProgress;
}

/** The write, its check, the store indicators; then the sources recorded in the day dir for a rebuild. */
export async function writeAndRecord(deps: DiscDeps, j: WriteJob): Promise<WriteResult> {
  const r = await writeDisc(deps, {
    drive: j.drive, mediaBlocks: j.mediaBlocks, entries: j.entries, newDisc: j.newDisc, close: j.close ?? false, ecc: j.ecc === true, date: j.date,
    staged: { stagingDir: j.staging, days: [j.date] }, ...(j.onProgress ? { onProgress: j.onProgress } : {}),
  });
  if (!r.dryRun) await recordSources(j.staging, j.date, j.entries.filter((e) => !e.hostPath.startsWith(`${j.staging}/`)));
  return r;
}

export interface RebuildResult {
  days: Date[];
  gone: string[];
  write: WriteResult;
}

/** CedarBackup's rebuild: this week's staged days and writes onto a new disc. */
export async function rebuildDisc(deps: DiscDeps, drive: DiscDrive, mediaBlocks: number, staging: string, today: Date, onProgress?: OnDiscProgress): Promise<RebuildResult> {
  const plan = await planRebuild(staging, today);
  const write = await writeDisc(deps, {
    drive, mediaBlocks, entries: plan.entries, newDisc: true, close: false, date: today,
    staged: { stagingDir: staging, days: plan.days }, ...(onProgress ? { onProgress } : {}),
  });
  return { days: plan.days, gone: plan.gone, write };
}
