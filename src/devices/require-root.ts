import { FirstaidError } from '../core/errors.js';

/** Attaching and mounting need root; say so before touching anything. */
export function requireRoot(): void {
  if (process.getuid && process.getuid() !== 0) {
    throw new FirstaidError('not-root', 'firstaid needs root to attach and mount disks; run it with sudo', 'Run it again as root, e.g.: sudo firstaid ...', 1);
  }
}
