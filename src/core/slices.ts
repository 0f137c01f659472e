/**
 * Long runs of synchronous system calls, cut into short slices. Through fs/promises a small
 * file costs about ten thread-pool round trips (open, fstat, read, close, ...), several times
 * what `cp -a` spends on the same calls; made synchronously they cost what cp's do. Between
 * slices the event loop runs: the screens' spinner, signal handlers and the lock's refresh
 * timer never wait longer than one slice.
 */
const SLICE_MS = 12;

let deadline = 0;

function nextSlice(resolve: () => void): void {
  deadline = performance.now() + SLICE_MS;
  resolve();
}

/**
 * Call between two pieces of synchronous work (a file, a 1 MB chunk): nothing inside a
 * slice, a turn of the event loop once the slice is used up. `await breathe()` either way.
 */
export function breathe(): Promise<void> | undefined {
  if (performance.now() < deadline) return undefined;
  return new Promise((resolve) => setImmediate(nextSlice, resolve));
}
