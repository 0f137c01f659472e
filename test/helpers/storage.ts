/** Shared bits of the storage tests: deps for a test sshd, files with known content, counting commands. */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readdirSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Damages an upload on the server's disk while it is written: once a file in `dir` whose name
 * matches `isTemp` holds 1 MiB, its first byte is flipped (the writer is past it, so the damage
 * stays; the size does not change). Slow the upload (bwlimit) so it is caught mid-way.
 */
export function damageUpload(dir: string, isTemp: (name: string) => boolean): { damaged(): string | null; stop(): void } {
  let hit: string | null = null;
  const t = setInterval(() => {
    if (hit) return;
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { return; }
    for (const n of names.filter(isTemp)) {
      const p = join(dir, n);
      try {
        if (statSync(p).size < 1 << 20) continue;
        const fd = openSync(p, 'r+');
        const b = Buffer.alloc(1);
        readSync(fd, b, 0, 1, 0);
        b[0] = b[0]! ^ 0xff;
        writeSync(fd, b, 0, 1, 0);
        closeSync(fd);
        hit = n;
        return;
      } catch { /* renamed meanwhile: next tick */ }
    }
  }, 10);
  return { damaged: () => hit, stop: () => clearInterval(t) };
}
