/** What the fstab plugin's checks and planner share. */
import type { FstabEntry } from '../../devices/fstab-parse.js';

export const FSTAB_PATH = '/etc/fstab';
export const PLUGIN_ID = 'fstab';

export function isSwap(e: FstabEntry): boolean {
  return e.vfstype === 'swap';
}

/** "line 3: UUID=... /srv ext4 defaults 0 2", the evidence line naming an fstab line. */
export function lineTag(e: { lineNo: number; raw: string }): string {
  return `line ${e.lineNo}: ${e.raw.trim()}`;
}
