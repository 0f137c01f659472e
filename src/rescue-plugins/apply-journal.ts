/**
 * The "apply in progress" journal: the flow engine's promise (a failed apply restores the
 * backup at once) must hold when the process is killed too. Before apply, a record naming the
 * (complete, verified) backup space is written atomically into the store's ".in-progress"
 * directory; it is removed once the fix is verified and recorded, or restored. A record left
 * behind means a fix was interrupted: the next start finds it, reports it, and the backup it
 * names reverts it. The store's listing skips dot-directories, so the journal is never a space.
 */
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../core/atomic-write.js';
import { readManifest } from '../backup/spaces/manifest.js';
import type { Finding, Plan } from './types.js';
import { pidAlive } from '../core/process-alive.js';

export const JOURNAL_DIR = '.in-progress';

export interface ApplyJournal {
  version: 1;
  backupId: string;
  backupDir: string;
  pluginId: string;
  /** The plan's summary: what was being done. */
  summary: string;
  /** ISO time apply started. */
  started: string;
  host: string;
  pid: number;
}

export interface InterruptedFix extends ApplyJournal {
  /** Where the journal record is (host path). */
  journalPath: string;
}

function fileName(backupId: string): string {
  return `${backupId.replace('/', '__')}.json`;
}

/** Records that apply of this plan starts now (atomic: the record is complete or absent). */
export async function beginApply(storeDir: string, space: { id: string; dir: string }, plan: Plan): Promise<void> {
  const dir = join(storeDir, JOURNAL_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await fsyncDir(storeDir);
  const rec: ApplyJournal = {
    version: 1, backupId: space.id, backupDir: space.dir, pluginId: plan.pluginId, summary: plan.summary,
    started: new Date().toISOString(), host: hostname(), pid: process.pid,
  };
  await writeFileAtomic(join(dir, fileName(space.id)), JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
}

/** The fix ended (verified and recorded, or restored): its record goes. */
export async function endApply(storeDir: string, backupId: string): Promise<void> {
  const dir = join(storeDir, JOURNAL_DIR);
  await rm(join(dir, fileName(backupId)), { force: true });
  await fsyncDir(dir).catch(() => undefined);
}

function parse(text: string): ApplyJournal | null {
  try {
    const j = JSON.parse(text) as Partial<ApplyJournal>;
    if (j.version !== 1 || typeof j.backupId !== 'string' || typeof j.pluginId !== 'string' || typeof j.pid !== 'number') return null;
    return { version: 1, backupId: j.backupId, backupDir: String(j.backupDir ?? ''), pluginId: j.pluginId, summary: String(j.summary ?? ''), started: String(j.started ?? ''), host: String(j.host ?? ''), pid: j.pid };
  } catch {
    return null;
  }
}

/**
 * Fixes whose apply was interrupted (read-only). Not listed: a fix still running in a live
 * process of this host, one whose backup was since reverted, recorded as fixed, or deleted.
 */
export async function findInterrupted(storeDir: string): Promise<InterruptedFix[]> {
  const dir = join(storeDir, JOURNAL_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: InterruptedFix[] = [];
  for (const n of names) {
    const j = parse(await readFile(join(dir, n), 'utf8').catch(() => ''));
    if (!j) continue;
    if (j.host === hostname() && j.pid !== process.pid && pidAlive(j.pid) && (await readFile(`/proc/${j.pid}/cmdline`, 'utf8').catch(() => '')).includes('firstaid')) continue;
    if (j.pid === process.pid) continue;
    const m = await readManifest(join(storeDir, j.backupId), j.backupId).catch(() => undefined);
    if (!m || m.reverted !== null || m.fix !== null) continue;
    out.push({ ...j, journalPath: join(dir, n) });
  }
  return out;
}

/** The finding the interrupted fix's plugin reports at the next diagnose (a warning: a person decides). */
export function interruptedFinding(j: InterruptedFix): Finding {
  return {
    id: `${j.pluginId}.interrupted-fix:${j.backupId.split('/')[1]}`,
    pluginId: j.pluginId,
    title: `A ${j.pluginId} fix was interrupted while it was being applied (backup ${j.backupId})`,
    state: 'detected',
    severity: 'warning',
    evidence: [
      `Started ${j.started} by process ${j.pid} on ${j.host}: "${j.summary}"; it never finished, so it was not verified.`,
      `Everything it touches was backed up first, complete and verified, in ${j.backupDir}.`,
      `Put everything back as it was before: firstaid revert ${j.backupId}. To keep what it did: firstaid backups delete ${j.backupId}.`,
    ],
    fixable: false,
    data: { backupId: j.backupId, interrupted: true },
  };
}

/** One line per interrupted fix, for listings. */
export function formatInterrupted(list: readonly InterruptedFix[]): string[] {
  if (list.length === 0) return [];
  const out = ['', `Interrupted fixes (stopped while applying; revert them from their backup):`];
  for (const j of list) out.push(`  ${j.backupId}  started ${j.started}: ${j.summary}`, `    firstaid revert ${j.backupId}`);
  return out;
}
