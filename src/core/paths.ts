/**
 * Where firstaid keeps its own run-time files on the live system: private mount points and the
 * session log. /run is RAM on a live system, so nothing lands on any disk; the backup store is
 * the only place firstaid writes outside the target.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let cached: string | undefined;

export function runtimeDir(): string {
  if (cached) return cached;
  const candidates = [process.env.FIRSTAID_RUNTIME_DIR, process.getuid?.() === 0 ? '/run/firstaid' : undefined, join(tmpdir(), `firstaid-${process.getuid?.() ?? 'user'}`)];
  for (const c of candidates) {
    if (!c) continue;
    try {
      mkdirSync(c, { recursive: true, mode: 0o700 });
      cached = c;
      return c;
    } catch {
      // try the next
    }
  }
  throw new Error('no writable run-time directory');
}

/** A new session log file name: <runtime>/logs/session-<UTC time>-<pid>.jsonl */
export function sessionLogPath(): string {
  const t = new Date().toISOString().replace(/[:.]/g, '-');
  return join(runtimeDir(), 'logs', `session-${t}-${process.pid}.jsonl`);
}
