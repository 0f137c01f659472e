/**
 * The staging tree CedarBackup's store action writes from: `<staging>/YYYY/MM/DD/` a day, a
 * staged peer under `YYYY/MM/DD/<peer>/`. Discs store a day's dir at `/YYYY/MM/DD/` on the disc;
 * peers stage into it. Pure path rules here; I/O is the callers'.
 */
import { join } from 'node:path';

/** Where staged days live when --staging is not given: beside the live system's own backups, not on a target disk. */
export const DEFAULT_STAGING_DIR = '/var/lib/firstaid/staging';

/** `YYYY/MM/DD` of a date, in UTC (the same day on every machine of a pool). */
export function dayPath(date: Date): string {
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}`;
}

/** The day's staging dir. */
export function dayDir(stagingDir: string, date: Date): string {
  return join(stagingDir, dayPath(date));
}

/** Where one peer's files land for a day. */
export function peerDayDir(stagingDir: string, date: Date, peerName: string): string {
  return join(dayDir(stagingDir, date), peerName);
}
