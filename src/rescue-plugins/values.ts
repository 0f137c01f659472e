/**
 * Touches that are not files or byte ranges, but state the firmware keeps (NVRAM boot entries):
 * read and saved as values in the backup space before apply, put back on revert and when a
 * failed fix is restored (space.revertAll restores files and ranges only).
 */
import type { BackupSpace } from '../backup/spaces/types.js';
import type { Runner } from '../core/runner.js';
import { NVRAM_VALUE, readNvram, restoreNvram, type NvramState } from '../devices/nvram.js';

/** Saves the NVRAM boot entries and BootOrder (touch kind "nvram"). */
export async function backupNvram(space: BackupSpace, runner: Runner): Promise<void> {
  await space.backupValue(await readNvram(runner), NVRAM_VALUE);
}

/** Puts back every value the space holds; one line a change made. */
export async function restoreValues(space: BackupSpace, runner: Runner): Promise<string[]> {
  const objects = await space.list();
  if (!objects.some((o) => o.type === 'value' && o.name === NVRAM_VALUE)) return [];
  return restoreNvram(runner, await space.restoreValue<NvramState>(NVRAM_VALUE));
}
