/**
 * What a write puts on the disc, CedarBackup's layout: a day at /YYYY/MM/DD/, backup spaces at
 * /YYYY/MM/DD/<pluginId>/<space>/, directories under their own names, a staged day's entries
 * (peers) beside them. Everything is mapped as it is (xorriso -map), nothing is copied.
 */
import { lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { FirstaidError, UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { parseSpaceId } from '../spaces/ids.js';
import type { MapEntry } from './disc-manifest.js';
import { dayDir, dayPath } from './staging-tree.js';

/** Files firstaid keeps in a staged day dir; never mapped onto a disc themselves. */
export const SOURCES_FILE = 'firstaid.sources.json';
export const STORE_INDICATOR = 'firstaid.store';
const OWN_FILES = new Set([SOURCES_FILE, STORE_INDICATOR, 'cback.stage', 'cback.store']);

/** `disc write` SOURCE: a backup id from the store, or a directory. */
export async function resolveSources(sources: string[], storeDir: string | null, date: Date): Promise<MapEntry[]> {
  const day = `/${dayPath(date)}`;
  const out: MapEntry[] = [];
  for (const src of sources) {
    const id = parseSpaceId(src);
    if (id && !src.startsWith('/') && !src.startsWith('.')) {
      if (!storeDir) throw new UsageError(`${src} is a backup id, but no backup store is known.`, 'Give the store with --backup-store DIR, or --root/--image for the installation\'s own.');
      const host = join(storeDir, id.pluginId, `${id.stamp}-${id.shortId}`);
      const st = await stat(join(host, 'manifest.json')).catch(() => null);
      if (!st) throw new FirstaidError('no-such-backup', `There is no complete backup ${src} in ${storeDir}.`, 'See the backups with: firstaid backups list');
      out.push({ hostPath: host, discPath: posix.join(day, id.pluginId, `${id.stamp}-${id.shortId}`), backup: src });
      continue;
    }
    const host = resolve(src);
    const st = await lstat(host).catch(() => null);
    if (!st?.isDirectory()) throw new UsageError(`"${src}" is neither a backup id nor a directory.`, 'Give backup ids (firstaid backups list) or directories.');
    out.push({ hostPath: host, discPath: posix.join(day, basename(host) || 'root'), backup: null });
  }
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.discPath)) throw new UsageError(`Two sources would land at ${e.discPath} on the disc.`, 'Give each directory once, or rename one.');
    seen.add(e.discPath);
  }
  return out;
}

/** A staged day's own entries (peers' dirs, files), mapped at /YYYY/MM/DD/<name>. */
export async function stagedEntries(stagingDir: string, date: Date): Promise<MapEntry[]> {
  const dir = dayDir(stagingDir, date);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => !OWN_FILES.has(n)).sort().map((n) => ({ hostPath: join(dir, n), discPath: posix.join(`/${dayPath(date)}`, n), backup: null }));
}

/** The sources a day's writes mapped (recorded so a rebuild can map them again). */
export async function recordedSources(stagingDir: string, date: Date): Promise<MapEntry[]> {
  const text = await readFile(join(dayDir(stagingDir, date), SOURCES_FILE), 'utf8').catch(() => null);
  if (!text) return [];
  try {
    const v = JSON.parse(text) as { entries?: MapEntry[] };
    return (v.entries ?? []).filter((e) => typeof e.hostPath === 'string' && typeof e.discPath === 'string');
  } catch {
    return [];
  }
}

export async function recordSources(stagingDir: string, date: Date, entries: MapEntry[]): Promise<void> {
  const merged = new Map((await recordedSources(stagingDir, date)).map((e) => [e.discPath, e]));
  for (const e of entries) if (!e.discPath.startsWith('/FIRSTAID/')) merged.set(e.discPath, e);
  const dir = dayDir(stagingDir, date);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, SOURCES_FILE), JSON.stringify({ entries: [...merged.values()] }, null, 2));
}

/** CedarBackup's store indicator, written only after the disc passed its check. */
export async function writeStoreIndicator(stagingDir: string, date: Date, volid: string): Promise<string> {
  await mkdir(dayDir(stagingDir, date), { recursive: true, mode: 0o700 });
  const p = join(dayDir(stagingDir, date), STORE_INDICATOR);
  await writeFileAtomic(p, JSON.stringify({ stored: new Date().toISOString(), volid }) + '\n');
  return p;
}

/** Days from the week's first day (Monday, UTC) up to `today`. */
export function weekDays(today: Date): Date[] {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const back = (d.getUTCDay() + 6) % 7;
  const out: Date[] = [];
  for (let i = back; i >= 0; i--) out.push(new Date(d.getTime() - i * 86_400_000));
  return out;
}

export function volidFor(date: Date): string {
  return `FIRSTAID_${dayPath(date).replace(/\//g, '')}`;
}
