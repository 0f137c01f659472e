/**
 * Staging one peer against a plain `scp -r` of the same collect dir, one run each, on the test
 * sshd (127.0.0.2), as a ratio. Goal: stagePeer <= 1.1x scp -r.
 *   node --import tsx bench/peers-bench.ts [--mb 200] [--files 8] [--dir /var/tmp] [--rounds 3]
 * stagePeer = copy + the peer's listing and sha256 (at the same time) + local sha256 of every
 * file (while it arrives) + owner/mode + syncfs + rename; "whole peer" adds the collect-indicator
 * check and the stage indicator (over the same ssh connection). The three run in turn, --rounds
 * times; medians and each round's ratios are printed (on a loaded 2-core machine one run of
 * scp alone swings 1.6-4 s). Not part of npm test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { parsePool } from '../src/backup/peers/pool.js';
import { peerFromSpec, stageOne } from '../src/backup/peers/stage-pool.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '200' }, files: { type: 'string', default: '8' }, dir: { type: 'string', default: '/var/tmp' }, rounds: { type: 'string', default: '3' } } });
const ROUNDS = Math.max(1, Number(values.rounds));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
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

  // CPU seconds of the whole machine (both ends run here), and what the hypervisor took (steal).
  const cpuNow = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: f[0]! + f[1]! + f[2]! + f[5]! + f[6]!, steal: f[7] ?? 0 };
  };
  const cpu: Record<string, number[]> = { plain: [], staged: [], whole: [] };
  let phase = 'plain';
  const time = async (f: () => Promise<unknown> | unknown): Promise<number> => {
    const c = cpuNow();
    const t = process.hrtime.bigint();
    await f();
    const w = Number(process.hrtime.bigint() - t) / 1e9;
    cpu[phase]!.push((cpuNow().busy - c.busy) / 100);
    return w;
  };
  const scpArgs = ['-q', '-p', ...sshd.sftpArgs()];
  const spec = parsePool(JSON.stringify({ peers: [{ name: '127.0.0.2', type: 'remote', collectDir: collect, workingDir: out, remoteUser: sshd.user, rcpCommand: ['scp', ...scpArgs], rshCommand: ['ssh', ...sshd.sshArgs()] }] })).peers[0]!;
  const runner = new Runner({ log: new SessionLog() });
  const peer = peerFromSpec(spec, runner);
  const plain: number[] = [];
  const plainSynced: number[] = [];
  const staged: number[] = [];
  const whole: number[] = [];
  let count = 0;
  for (let r = 0; r < ROUNDS; r++) {
    phase = 'plain';
    execFileSync('sync');
    plain.push(await time(() => execFileSync('scp', [...scpArgs, '-r', `${sshd.user}@127.0.0.2:${collect}`, join(out, `plain-${r}`)])));
    // Staging is on the disk before the stage indicator tells the peer; scp's copy is in the page cache.
    const t = process.hrtime.bigint();
    execFileSync('sync', ['-f', join(out, `plain-${r}`)]);
    plainSynced.push(plain[plain.length - 1]! + Number(process.hrtime.bigint() - t) / 1e9);
    phase = 'staged';
    staged.push(await time(async () => { count = await peer.stagePeer(join(out, `staged-${r}`)); }));
    execFileSync('sync');
    phase = 'whole';
    whole.push(await time(() => stageOne(spec, runner, { stagingDir: join(out, `staging-${r}`), date: new Date() })));
    execFileSync('sync');
  }
  const per = (xs: number[]) => xs.map((x, i) => `${(x / plain[i]!).toFixed(2)}x`).join(', ');
  console.log(`peers bench: ${MB} MB in ${FILES} files from 127.0.0.2 (test sshd, loopback), ${ROUNDS} round(s), medians; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  scp -r          ${median(plain).toFixed(2)} s  (rounds: ${plain.map((x) => x.toFixed(2)).join(', ')}); with its sync -f ${median(plainSynced).toFixed(2)} s`);
  console.log(`  stagePeer / (scp -r + sync -f): ${(median(staged) / median(plainSynced)).toFixed(2)}x`);
  console.log(`  stagePeer       ${median(staged).toFixed(2)} s  ${(median(staged) / median(plain)).toFixed(2)}x  (per round: ${per(staged)}; ${count} files, each size+sha256 checked)`);
  console.log(`  CPU seconds (whole machine, medians): scp -r ${median(cpu.plain!).toFixed(2)}, stagePeer ${median(cpu.staged!).toFixed(2)}, whole peer ${median(cpu.whole!).toFixed(2)}; steal so far ${(cpuNow().steal / 100).toFixed(1)} s`);
  console.log(`  whole peer      ${median(whole).toFixed(2)} s  ${(median(whole) / median(plain)).toFixed(2)}x  (per round: ${per(whole)}; check + stage + stage indicator, one ssh login)`);
} finally {
  await sshd.stop();
  rmSync(out, { recursive: true, force: true });
}
