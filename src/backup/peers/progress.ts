/**
 * Progress of a staging: bytes arrived in the per-run dir (polled: scp reports nothing we
 * could read), against the peer's listed total once it is known, with an ETA from the rate
 * so far. Pure parts here; the poller is a thin timer.
 */
import { listTree } from './listing.js';

export interface StageProgress {
  bytes: number;
  /** Sum of the peer's listed sizes; undefined until the listing arrived (or when it cannot list). */
  total?: number;
  /** Seconds left at the rate so far; undefined when it cannot be told yet. */
  etaSeconds?: number;
}

export function progressOf(bytes: number, total: number | undefined, elapsedMs: number): StageProgress {
  const p: StageProgress = { bytes, ...(total !== undefined ? { total } : {}) };
  if (total !== undefined && bytes > 0 && elapsedMs > 0) p.etaSeconds = Math.max(0, Math.round(((total - bytes) * elapsedMs) / bytes / 1000));
  return p;
}

/** Polls `dir` every `everyMs` and reports; stop() ends it. */
export function pollArrived(dir: string, total: () => number | undefined, report: (p: StageProgress) => void, everyMs = 1000): { stop(): void } {
  const started = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    listTree(dir)
      .then((t) => report(progressOf(t.files.reduce((n, f) => n + f.size, 0), total(), Date.now() - started)))
      .catch(() => undefined)
      .finally(() => { busy = false; });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
