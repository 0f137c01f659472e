/**
 * Extraction: the chain of levels 0..L of one archive id is planned from the manifests (pure:
 * a missing level or a level remade after the one above it was made is refused), every archive
 * is checked against its manifest before anything is written, then the levels are extracted in
 * order with GNU tar; --listed-incremental=/dev/null makes files deleted between levels stay
 * deleted.
 */
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { FirstaidError, UsageError } from '../../core/errors.js';
import type { ArchiveManifest } from './types.js';
import { extractArgv } from './gnu-tar.js';
import { verifyArchive } from './manifest.js';

export interface ChainPlan {
  id: string;
  keepingId: string | null;
  /** Levels 0..level, in extraction order. */
  chain: ArchiveManifest[];
}

/** The chain to extract for `id` up to `level` (default: the highest level present). */
export function planChain(manifests: readonly ArchiveManifest[], id: string, keepingId: string | null, level?: number): ChainPlan {
  const mine = manifests.filter((m) => m.id === id && m.keepingId === keepingId);
  if (mine.length === 0) {
    throw new FirstaidError('no-such-archive', `There is no archive "${id}"${keepingId ? ` kept as ${keepingId}` : ''} there.`, 'List the archives with: firstaid archive list URL');
  }
  const byLevel = new Map<number, ArchiveManifest>();
  for (const m of mine) byLevel.set(m.level, m);
  const top = level ?? Math.max(...byLevel.keys());
  if (!byLevel.has(top)) throw new FirstaidError('archive-chain-gap', `Archive "${id}" has no level ${top}.`, `Levels there: ${[...byLevel.keys()].sort((a, b) => a - b).join(', ')}.`);
  const chain: ArchiveManifest[] = [];
  for (let l = 0; l <= top; l++) {
    const m = byLevel.get(l);
    if (!m) throw new FirstaidError('archive-chain-gap', `Level ${l} of "${id}" is missing, so level ${top} cannot be restored: it only holds what changed since level ${l}.`, l === 0 ? 'Nothing can be restored without level 0.' : `Extract level ${l - 1} instead (--level ${l - 1}), or find the missing archive.`);
    if (l > 0 && (!m.incremental || m.parentSha256 !== chain[l - 1]!.archive.sha256)) {
      throw new FirstaidError('archive-chain-gap', `Level ${l} of "${id}" was not made on top of the level ${l - 1} that is there (level ${l - 1} was made again later).`, `Extract level ${l - 1} (--level ${l - 1}), or make level ${l} again.`);
    }
    chain.push(m);
  }
  return { id, keepingId, chain };
}

export interface ExtractReport {
  id: string;
  keepingId: string | null;
  level: number;
  dir: string;
  /** Each level extracted, in order, with what its archive held. */
  levels: { level: number; archive: string; members: number; bytes: number }[];
  /** What the directory holds afterwards (files, directories, links below it; bytes of files). */
  entries: number;
  bytes: number;
}

/** Refuses a destination that has anything in it: a level's extraction deletes what its snapshot lacks. */
export async function assertEmptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  if (names.length) {
    throw new UsageError(`${dir} is not empty.`, 'Extract into a new or empty directory: restoring levels removes files the archive does not hold.');
  }
}

/** Extracts a planned chain whose archives are in `archiveDir` into `dir`. */
export async function extractChain(runner: Runner, plan: ChainPlan, archiveDir: string, dir: string, opts: { allowNonEmpty?: boolean } = {}): Promise<ExtractReport> {
  if (!opts.allowNonEmpty) await assertEmptyDir(dir);
  else await mkdir(dir, { recursive: true });
  // Every archive is checked first: a damaged level 2 must not leave half a restore.
  for (const m of plan.chain) await verifyArchive(join(archiveDir, m.archive.name), m);
  await runner.require('tar');
  const levels: ExtractReport['levels'] = [];
  for (const m of plan.chain) {
    const r = await runner.run('tar', extractArgv({ file: join(archiveDir, m.archive.name), dir, type: m.type, incremental: m.incremental }), { allowFailure: true, timeoutMs: 7 * 24 * 3600 * 1000 });
    if (r.exitCode !== 0) {
      const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new FirstaidError('archive-extract-failed', `GNU tar could not extract ${m.archive.name} (exit ${r.exitCode}): ${tail}`, `${dir} holds a partial restore; remove it and try again, or extract a lower level.`);
    }
    levels.push({ level: m.level, archive: m.archive.name, members: m.members.length, bytes: m.totalBytes });
  }
  const { entries, bytes } = await countTree(dir);
  const top = plan.chain[plan.chain.length - 1]!;
  return { id: plan.id, keepingId: plan.keepingId, level: top.level, dir, levels, entries, bytes };
}

/** Counts what a directory holds (the restore's result, not what the manifests promise). */
export async function countTree(dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      entries++;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) bytes += (await lstat(p)).size;
    }
  };
  await walk(dir);
  return { entries, bytes };
}
