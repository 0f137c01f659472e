/**
 * The storage half of the archive benchmark, callable from bench/archive-bench.ts:
 * a put over sftp:// (firstaid's backend: put -f with fsync to a temporary, size check, rename)
 * against `scp` of the same file to the same test sshd, alternating, best of N rounds each.
 */
import { execFileSync } from 'node:child_process';
import { openSync, writeSync, closeSync, rmSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { openBackend } from '../src/backup/storage/registry.js';
import { startSshd } from '../test/helpers/sshd.js';

export interface StoragePutFigures {
  sizeMb: number;
  rounds: number;
  scpSeconds: number;
  putSeconds: number;
  ratio: number;
  /** Peak RSS of this (node) process, MB (the bytes move in OpenSSH's sftp, not here). */
  peakRssMb: number;
}

function writeRandom(path: string, mb: number): void {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) { chunk[0] = i & 0xff; writeSync(fd, chunk); }
  closeSync(fd);
}

export async function benchStoragePut(opts: { sizeMb?: number; rounds?: number } = {}): Promise<StoragePutFigures> {
  const sizeMb = opts.sizeMb ?? 200;
  const rounds = opts.rounds ?? 3;
  const s = await startSshd();
  try {
    const src = join(s.dir, 'bench.bin');
    writeRandom(src, sizeMb);
    const log = new SessionLog();
    const b = await openBackend(`sftp://${s.user}@127.0.0.1:${s.port}${s.dataDir}/put`, {
      runner: new Runner({ log }), log, retry: false,
      ssh: { identityFile: s.identityFile, knownHostsFiles: [s.knownHostsFile] },
    });
    mkdirSync(join(s.dataDir, 'scp'));
    let scp = Infinity;
    let put = Infinity;
    for (let i = 0; i < rounds; i++) {
      let t = process.hrtime.bigint();
      execFileSync('scp', [...s.sftpArgs(), '-q', src, `${s.user}@127.0.0.1:${join(s.dataDir, 'scp', 'bench.bin')}`]);
      scp = Math.min(scp, Number(process.hrtime.bigint() - t) / 1e9);
      rmSync(join(s.dataDir, 'scp', 'bench.bin'));
      t = process.hrtime.bigint();
      await b.put(src, 'bench.bin');
      put = Math.min(put, Number(process.hrtime.bigint() - t) / 1e9);
      await b.delete('bench.bin');
    }
    await b.close();
    const ru = process.resourceUsage();
    return {
      sizeMb, rounds,
      scpSeconds: scp, putSeconds: put, ratio: put / scp,
      peakRssMb: ru.maxRSS / 1024,
    };
  } finally {
    await s.stop();
  }
}
