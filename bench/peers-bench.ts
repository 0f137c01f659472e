/**
 * Staging one peer against a plain `scp -r` of the same collect dir, one run each, on the test
 * sshd (127.0.0.2), as a ratio. Goal: stagePeer <= 1.1x scp -r.
 *   node --import tsx bench/peers-bench.ts [--mb 200] [--files 8] [--dir /var/tmp]
 * stagePeer = copy + the peer's listing and sha256 (at the same time) + local sha256 of every
 * file + owner/mode + syncfs + rename; "whole peer" adds the collect-indicator check and the
 * stage indicator (two more ssh connections). Not part of npm test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { parsePool } from '../src/backup/peers/pool.js';
import { peerFromSpec, stageOne } from '../src/backup/peers/stage-pool.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '200' }, files: { type: 'string', default: '8' }, dir: { type: 'string', default: '/var/tmp' } } });
const MB = Number(values.mb);
const FILES = Number(values.files);

const sshd = await startSshd({ addresses: ['127.0.0.2'] });
const out = mkdtempSync(join(values.dir!, 'fa-peers-bench-'));
try {
  const collect = join(sshd.dataDir, 'collect');
  mkdirSync(collect);
  const chunk = randomBytes(1024 * 1024);
  for (let i = 0; i < FILES; i++) {
    const fd = openSync(join(collect, `backup-${i}.tar.gz`), 'w');
    for (let m = 0; m < MB / FILES; m++) {
      chunk[0] = (chunk[0]! + 1) & 0xff;
      writeSync(fd, chunk);
    }
    closeSync(fd);
  }
  writeFileSync(join(collect, 'cback.collect'), '');
  execFileSync('sync');
  execFileSync('sh', ['-c', `cat "${collect}"/* > /dev/null`]);

  const time = async (f: () => Promise<unknown> | unknown): Promise<number> => {
    const t = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const scpArgs = ['-q', '-p', ...sshd.sftpArgs()];
  const plain = await time(() => execFileSync('scp', [...scpArgs, '-r', `${sshd.user}@127.0.0.2:${collect}`, join(out, 'plain')]));
  execFileSync('sync');

  const spec = parsePool(JSON.stringify({ peers: [{ name: '127.0.0.2', type: 'remote', collectDir: collect, workingDir: out, remoteUser: sshd.user, rcpCommand: ['scp', ...scpArgs], rshCommand: ['ssh', ...sshd.sshArgs()] }] })).peers[0]!;
  const runner = new Runner({ log: new SessionLog() });
  const peer = peerFromSpec(spec, runner);
  let count = 0;
  const staged = await time(async () => {
    count = await peer.stagePeer(join(out, 'staged'));
  });
  execFileSync('sync');
  const whole = await time(() => stageOne(spec, runner, { stagingDir: join(out, 'staging'), date: new Date() }));

  console.log(`peers bench: ${MB} MB in ${FILES} files from 127.0.0.2 (test sshd, loopback), one run each`);
  console.log(`  scp -r          ${plain.toFixed(2)} s`);
  console.log(`  stagePeer       ${staged.toFixed(2)} s  ${(staged / plain).toFixed(2)}x  (${count} files, each size+sha256 checked)`);
  console.log(`  whole peer      ${whole.toFixed(2)} s  ${(whole / plain).toFixed(2)}x  (check + stage + stage indicator)`);
} finally {
  await sshd.stop();
  rmSync(out, { recursive: true, force: true });
}
