/**
 * The whole "copy off this machine" job, shared by the CLI and the screens: make the archive in
 * a scratch directory with the archiver service (continuing a level chain from the
 * destination's snapshot), send it through the storage Backend, drop levels that were built on
 * a replaced archive. And its twin for extraction.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import { FirstaidError } from '../../core/errors.js';
import type { Backend } from '../storage/types.js';
import { ArchiverService } from './service.js';
import { ExternalProvider } from './external.js';
import { InternalProvider } from './internal.js';
import { assertArchiveId, workSnapshotName } from './names.js';
import { countTree, extractChain, type ExtractReport } from './extract.js';
import { fetchChain, fetchParent, listRemote, removeRemote, uploadArchive, type RemoteListing } from './remote.js';
import type { ArchiveManifest, ArchiveType, ArchiverProvider, BackupOperationError, ProviderName } from './types.js';

export interface JobProgress {
  phase: 'counting' | 'archiving' | 'sending' | 'fetching' | 'extracting';
  bytesDone: number;
  /** 0 when unknown. */
  bytesTotal: number;
}

export interface CreateJob {
  runner: Runner;
  log: SessionLog;
  backend: Backend;
  /** A private scratch directory (the archive is made here before it is sent). */
  scratch: string;
  root: string;
  id: string;
  type: ArchiveType;
  strength?: number;
  /** null: a full archive without a snapshot; 'next': the next level of the chain there; N: level N. */
  level: number | 'next' | null;
  provider: ProviderName;
  /** Replace an archive of the same id and level. */
  replace: boolean;
  /** Walk the source first so progress has a total (and an ETA). */
  countFirst?: boolean;
  onProgress?: (p: JobProgress) => void;
  onWarning?: (e: BackupOperationError) => void;
  signal?: AbortSignal;
}

export interface CreateOutcome {
  manifest: ArchiveManifest;
  url: string;
  warnings: BackupOperationError[];
  removedLevels: number[];
}

export function providerFor(name: ProviderName, runner: Runner): ArchiverProvider {
  return name === 'internal' ? new InternalProvider() : new ExternalProvider(runner);
}

export async function runCreateJob(j: CreateJob): Promise<CreateOutcome> {
  assertArchiveId(j.id);
  const provider = providerFor(j.provider, j.runner);
  const listing = await listRemote(j.backend, j.scratch);
  const mine = listing.manifests.filter((m) => m.id === j.id && m.keepingId === null);
  let level: number | null = j.level === 'next' ? 0 : j.level;
  if (j.level === 'next') {
    const levels = new Set(mine.filter((m) => m.incremental).map((m) => m.level));
    while (levels.has(level!)) level!++;
  }
  const existing = mine.find((m) => m.level === (level ?? 0));
  if (existing && !j.replace) {
    throw new FirstaidError('archive-exists', `${existing.archive.name} is already at ${j.backend.displayUrl}.`, `Give another name, ${j.level === 'next' ? '' : 'make the next level (--incremental), '}or replace it (--yes).`);
  }
  const stage = join(j.scratch, 'stage');
  const work = join(j.scratch, 'work');
  await mkdir(join(work, 'snapshots'), { recursive: true });
  await mkdir(stage, { recursive: true });
  if (level !== null && level > 0) await fetchParent(j.backend, listing, j.id, level, stage, join(work, 'snapshots', workSnapshotName(j.id, level - 1)));
  const service = new ArchiverService({ workDir: work, provider });
  const warnings: BackupOperationError[] = [];
  service.on('backupOperationError', (e) => {
    warnings.push(e);
    j.log.warn(`archive ${j.id}: ${e.operation}/${e.kind}: ${e.message}`);
    j.onWarning?.(e);
  });
  let total = 0;
  if (j.countFirst) {
    j.onProgress?.({ phase: 'counting', bytesDone: 0, bytesTotal: 0 });
    total = (await countTree(j.root)).bytes;
  }
  service.on('progress', (p) => j.onProgress?.({ phase: 'archiving', bytesDone: p.bytesDone, bytesTotal: total }));
  const def = { id: j.id, type: j.type, destination: stage, root: j.root };
  const made = level === null ? await service.backupFiles(def, j.strength) : await service.backupFilesIncrementally(def, j.strength, level);
  await uploadArchive(j.backend, made, (p) => j.onProgress?.({ phase: 'sending', bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }));
  // Levels above a replaced one were made on the old one: they would not extract any more.
  const stale = mine.filter((m) => m.level > (level ?? 0));
  if (stale.length) await removeRemote(j.backend, { ...listing, manifests: stale }, j.id, null, Math.min(...stale.map((m) => m.level)));
  return { manifest: made.manifest, url: j.backend.displayUrl, warnings, removedLevels: stale.map((m) => m.level) };
}

export interface ExtractJob {
  runner: Runner;
  backend: Backend;
  scratch: string;
  id: string;
  keepingId: string | null;
  level?: number;
  dir: string;
  listing?: RemoteListing;
  onProgress?: (p: JobProgress) => void;
}

export async function runExtractJob(j: ExtractJob): Promise<ExtractReport> {
  const listing = j.listing ?? (await listRemote(j.backend, j.scratch));
  const plan = await fetchChain(j.backend, listing, j.id, j.keepingId, j.level, j.scratch, (p) => j.onProgress?.({ phase: 'fetching', bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }));
  j.onProgress?.({ phase: 'extracting', bytesDone: 0, bytesTotal: 0 });
  return extractChain(j.runner, plan, j.scratch, j.dir);
}
