/**
 * Bounded memory for big backups. By default V8 lets the heap run far ahead of what is live:
 * new space grows from 2 MB to 32 MB (plus its semi-space copy) once many objects survive a
 * scavenge, as a 20,000-entry manifest does, and the old generation may grow to several times
 * its live size before a full collection frees the manifest's transient JSON. On a rescue
 * system booted into RAM those tens of MB are the user's. The start-up flags that cap them
 * (--max-semi-space-size, ...) are read only when the process starts and slow the start-up;
 * these are read at every resize, so setting them here bounds the rest of the run: new space
 * keeps its start size, the old generation grows by 25% of what is live, and in steps of
 * 2 MB rather than 8 (--optimize-for-size: measured 116 MB peak instead of 126 over three
 * backups and restores of 20,000 files, at the same speed).
 * Measured in bench/backup-bench.ts (peak RSS) and bench/first-frame.ts (not called there).
 */
import { setFlagsFromString } from 'node:v8';

let wanted = false;

export function boundHeapGrowth(): void {
  wanted = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=25');
  setFlagsFromString('--optimize-for-size');
}

/**
 * Once a process's first worker thread is online, V8 no longer heeds some of these until they
 * are set again (measured: new space back to 32 MB, the peak RSS of three backups and
 * restores 130 MB instead of 116): call this then.
 */
export function keepHeapBounds(): void {
  if (wanted) boundHeapGrowth();
}
