/**
 * `revert BACKUP_ID --from-disc D`: the one call the revert command makes. The space comes off
 * the disc checked (from-disc.ts) into a private directory, removed on teardown; its path is a
 * backup ref revertFix takes like any other.
 */
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import type { Teardown } from '../../core/teardown.js';
import { resolveDrive } from '../../devices/optical/drives.js';
import { parseMedia } from '../../devices/optical/capacity.js';
import { extractBackup } from './from-disc.js';

export async function backupFromDisc(
  ctx: { runner: Runner; log: SessionLog; teardown: Teardown },
  id: string,
  drivePath: string,
  media?: unknown,
): Promise<string> {
  const drive = await resolveDrive(drivePath);
  // Reading needs no dry-run: nothing is written to the disc or the target here.
  const x = await extractBackup({ runner: ctx.runner, log: ctx.log }, drive, parseMedia(typeof media === 'string' ? media : undefined).blocks, id);
  ctx.teardown.push(`remove the copy of ${id} read from ${drive.path}`, () => x.dispose());
  return x.spaceDir;
}
