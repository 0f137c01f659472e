/** Shared bits of the storage tests: deps for a test sshd, files with known content, counting commands. */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import type { StorageDeps } from '../../src/backup/storage/registry.js';
import type { Sshd } from './sshd.js';

export function storageDeps(s?: Sshd, extra: Partial<StorageDeps> = {}): StorageDeps & { log: SessionLog } {
  const log = new SessionLog();
  return {
    runner: new Runner({ log }),
    log,
    retry: { initialDelayMs: 200, maxDelayMs: 1000 },
    ...(s ? { ssh: { identityFile: s.identityFile, knownHostsFiles: [s.knownHostsFile] } } : {}),
    ...extra,
  };
}

/** Writes `size` random bytes to path; returns their sha256. */
export function randomFile(path: string, size: number): string {
  const data = randomBytes(size);
  writeFileSync(path, data);
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** How many times a program ran in this log (to tell a retried failure from a single one). */
export function runsOf(log: SessionLog, cmd: string): number {
  return log.entries.filter((e) => e.kind === 'command' && e.argv[0] === cmd).length;
}
