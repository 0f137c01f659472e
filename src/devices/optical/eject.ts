/**
 * Ejecting on request: `eject` (util-linux) for a real drive, xorriso's `-eject all` where eject
 * is missing or fails. A pseudo-drive (an image file, a loop device) has no tray: nothing is run.
 */
import type { Runner } from '../../core/runner.js';
import { FirstaidError } from '../../core/errors.js';
import { problemLines, xorriso } from './xorriso.js';
import type { DiscDrive } from './types.js';

export interface EjectResult {
  ejected: boolean;
  message: string;
}

export async function ejectDrive(runner: Runner, drive: DiscDrive): Promise<EjectResult> {
  if (drive.kind !== 'drive') {
    return { ejected: false, message: `${drive.path} is a pseudo-drive (${drive.kind === 'file' ? 'an image file' : 'a loop device'}): there is nothing to eject.` };
  }
  const e = await runner.run('eject', [drive.path], { allowFailure: true }).catch(() => null);
  if (e && e.exitCode === 0) return { ejected: true, message: `The disc in ${drive.path} was ejected.` };
  const x = await xorriso(runner, ['-dev', drive.address, '-eject', 'all'], { timeoutMs: 2 * 60_000 });
  if (x.exitCode === 0) return { ejected: true, message: `The disc in ${drive.path} was ejected.` };
  throw new FirstaidError('eject-failed', `The disc in ${drive.path} could not be ejected: ${problemLines(x).join('; ') || `xorriso exit ${x.exitCode}`}`, 'Close anything that uses the drive, then press the drive\'s own button.');
}
