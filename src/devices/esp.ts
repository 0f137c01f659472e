/** ESP access: kernel vfat mount when available, else mtools on the partition device. */
import type { Runner } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown } from '../core/teardown.js';
import type { EspAccess, PartitionRef } from './types.js';

export async function openEsp(o: { runner: Runner; log: SessionLog; teardown: Teardown; partition: PartitionRef; writable: boolean }): Promise<EspAccess> {
  void o;
  throw new Error('openEsp: not implemented yet');
}
