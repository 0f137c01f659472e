/**
 * CedarBackup's rebuild: every staged day since the week's first day (Monday, UTC) onto a new
 * disc ("recreate a disc that has been trashed"): the sources each day's writes mapped (recorded
 * in the day dir) and the day's staged entries, each under its own /YYYY/MM/DD/.
 */
import { lstat } from 'node:fs/promises';
import { FirstaidError } from '../../core/errors.js';
import type { MapEntry } from './disc-manifest.js';
import { recordedSources, stagedEntries, weekDays } from './layout.js';

export interface RebuildPlan {
  entries: MapEntry[];
  days: Date[];
  /** Recorded sources that no longer exist (reported, not written). */
  gone: string[];
}

export async function planRebuild(stagingDir: string, today: Date): Promise<RebuildPlan> {
  const entries: MapEntry[] = [];
  const days: Date[] = [];
  const gone: string[] = [];
  for (const d of weekDays(today)) {
    const recorded: MapEntry[] = [];
    for (const e of await recordedSources(stagingDir, d)) {
      if (await lstat(e.hostPath).then(() => true, () => false)) recorded.push(e);
      else gone.push(`${e.hostPath} (${e.discPath})`);
    }
    const staged = await stagedEntries(stagingDir, d);
    const byPath = new Map([...recorded, ...staged].map((e) => [e.discPath, e]));
    if (byPath.size > 0) {
      days.push(d);
      entries.push(...byPath.values());
    }
  }
  if (entries.length === 0) {
    throw new FirstaidError('nothing-staged', `Nothing was staged or written this week in ${stagingDir}.`, 'Write backups with: firstaid disc write --drive D SOURCE...');
  }
  return { entries, days, gone };
}
