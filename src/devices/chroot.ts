/** A chroot environment over a mounted target root: private /dev, /proc, /sys, /run. */
import type { Runner } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown } from '../core/teardown.js';
import type { ChrootEnv } from '../rescue-plugins/types.js';

export async function createChroot(o: { runner: Runner; log: SessionLog; teardown: Teardown; rootHostPath: string; devices: string[] }): Promise<ChrootEnv & { close(): Promise<void> }> {
  void o;
  throw new Error('createChroot: not implemented yet');
}
