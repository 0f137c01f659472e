/**
 * The services side of "Copy off this machine": the source resolved (a backup id in the
 * installation's store, a path inside the installation, or a local directory when no system is
 * chosen), the destination opened as a storage Backend, and the shared jobs run with progress
 * in bytes for the screen's gauge and ETA.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliContext } from '../cli/context.js';
import type { TargetRoot } from '../core/target-root.js';
import { FirstaidError } from '../core/errors.js';
import { parseSpaceId } from '../backup/spaces/ids.js';
import { archiveIdFrom } from '../backup/archives/names.js';
import { runCreateJob, runExtractJob, type JobProgress } from '../backup/archives/job.js';
import { listRemote } from '../backup/archives/remote.js';
import type { ArchiveRow, CopyCreateResult, CopyExtractResult, CopyJob } from './copyoff-state.js';
import type { OnProgress } from './services.js';
import { bytes } from './labels.js';

const PHASE: Record<JobProgress['phase'], string> = { counting: 'Counting what to copy', archiving: 'Archiving', sending: 'Sending', fetching: 'Fetching', extracting: 'Extracting' };

function reporter(onProgress: OnProgress): (p: JobProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = Date.now();
    if (p.phase === phase && now - last < 250) return;
    last = now;
    phase = p.phase;
    const amount = p.bytesDone || p.bytesTotal ? `: ${bytes(p.bytesDone)}${p.bytesTotal ? ` of ${bytes(p.bytesTotal)}` : ''}` : '';
    onProgress({ step: `${PHASE[p.phase]}${amount}`, ...(p.bytesTotal > 0 ? { fraction: Math.min(1, p.bytesDone / p.bytesTotal) } : {}), cancellable: true });
  };
}

async function sourceRoot(target: TargetRoot | null, storeDir: string | null, source: string): Promise<{ root: string; id: string }> {
  if (parseSpaceId(source)) {
    if (!storeDir) throw new FirstaidError('no-system', 'A backup id needs the installation whose store holds it.', 'Choose the system first.');
    return { root: join(storeDir, source), id: archiveIdFrom(source) };
  }
  if (target) return { root: await target.resolve(source), id: archiveIdFrom(source === '/' ? 'root' : source) };
  const root = resolve(source);
  return { root, id: archiveIdFrom(root.split('/').pop() || 'root') };
}

export async function runArchive(ctx: CliContext, target: TargetRoot | null, storeDir: string | null, job: CopyJob, onProgress: OnProgress, signal: AbortSignal): Promise<CopyCreateResult | ArchiveRow[] | CopyExtractResult> {
  const { openBackend } = await import('../backup/storage/registry.js');
  onProgress({ step: `Opening ${job.url}` });
  const backend = await openBackend(job.url, { runner: ctx.runner, log: ctx.log });
  const scratch = await mkdtemp(join(tmpdir(), 'firstaid-archive-'));
  try {
    if (job.op === 'list') {
      const l = await listRemote(backend, scratch);
      return l.manifests
        .sort((a, b) => a.id.localeCompare(b.id) || (a.keepingId ?? '').localeCompare(b.keepingId ?? '') || a.level - b.level)
        .map((m) => ({ id: m.id, level: m.level, keepingId: m.keepingId, type: m.type, name: m.archive.name, size: m.archive.size, entries: m.members.length, created: m.created }));
    }
    if (job.op === 'extract') {
      const r = await runExtractJob({ runner: ctx.runner, backend, scratch, id: job.id, keepingId: job.keepingId, level: job.level, dir: resolve(job.dir), onProgress: reporter(onProgress) });
      return { id: r.id, level: r.level, dir: r.dir, levels: r.levels.map((x) => ({ level: x.level, archive: x.archive })), entries: r.entries, bytes: r.bytes };
    }
    const src = await sourceRoot(target, storeDir, job.source);
    const r = await runCreateJob({
      runner: ctx.runner, log: ctx.log, backend, scratch, root: src.root, id: src.id, type: job.type,
      level: job.incremental ? 'next' : null, provider: 'external', replace: !job.incremental, countFirst: true,
      onProgress: reporter(onProgress), signal,
    });
    const m = r.manifest;
    return { url: r.url, name: m.archive.name, level: m.level, incremental: m.incremental, entries: m.members.length, bytes: m.totalBytes, archiveBytes: m.archive.size, sha256: m.archive.sha256, warnings: r.warnings.map((w) => w.message) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await backend.close();
  }
}
