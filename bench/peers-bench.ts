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
import { DEFAULT_RCP_COMMAND, DEFAULT_RSH_COMMAND } from '../src/backup/peers/commands.js';
import { BULK_CIPHER_OPTIONS } from '../src/core/ssh-ciphers.js';

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
  const cpu: Record<string, number[]> = { plain: [], plainFast: [], staged: [], stagedSame: [], whole: [] };
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
  // The peer as a pool file without rcpCommand/rshCommand gets it (firstaid's defaults), and the
  // same with OpenSSH's default cipher, to show what the cipher preference is worth.
  const cipherOpt = BULK_CIPHER_OPTIONS[1];
  const sameCipher = (argv: readonly string[]) => argv.filter((a, i) => a !== cipherOpt && !(a === '-o' && argv[i + 1] === cipherOpt));
  const specOf = (cipher: 'firstaid' | 'openssh') => {
    const pick = cipher === 'firstaid' ? (a: readonly string[]) => [...a] : sameCipher;
    return parsePool(JSON.stringify({ peers: [{ name: '127.0.0.2', type: 'remote', collectDir: collect, workingDir: out, remoteUser: sshd.user, rcpCommand: [...pick(DEFAULT_RCP_COMMAND), ...sshd.sftpArgs()], rshCommand: [...pick(DEFAULT_RSH_COMMAND), ...sshd.sshArgs()] }] })).peers[0]!;
  };
  const spec = specOf('firstaid');
  const runner = new Runner({ log: new SessionLog() });
  const peer = peerFromSpec(spec, runner);
  const peerSame = peerFromSpec(specOf('openssh'), runner);
  const runs: Record<string, number[]> = { plain: [], plainFast: [], staged: [], stagedSame: [], whole: [] };
  const plainSynced: number[] = [];
  let count = 0;
  const scp = (extra: readonly string[], dest: string) => execFileSync('scp', [...scpArgs, ...extra, '-r', `${sshd.user}@127.0.0.2:${collect}`, dest]);
  for (let r = 0; r < ROUNDS; r++) {
    // Each contender starts from the same disk: the last one's output is gone and synced
    // (kept outputs slowed every later copy, scp alone 0.9 s -> 1.3 s, measured).
    const run = async (name: string, dest: string, f: () => Promise<unknown> | unknown) => {
      phase = name;
      execFileSync('sync');
      runs[name]!.push(await time(f));
      if (name === 'plain') {
        const t = process.hrtime.bigint();
        execFileSync('sync', ['-f', dest]);
        plainSynced.push(runs.plain!.at(-1)! + Number(process.hrtime.bigint() - t) / 1e9);
      }
      rmSync(dest, { recursive: true, force: true });
    };
    // Staging is on the disk before the stage indicator tells the peer; scp's copy is in the
    // page cache, so scp -r is also shown with its sync -f.
    const to = (name: string) => join(out, `${name}-${r}`);
    await run('plain', to('plain'), () => scp([], to('plain')));
    await run('plainFast', to('plain-fast'), () => scp(BULK_CIPHER_OPTIONS, to('plain-fast')));
    await run('staged', to('staged'), async () => { count = await peer.stagePeer(to('staged')); });
    await run('stagedSame', to('staged-same'), () => peerSame.stagePeer(to('staged-same')));
    await run('whole', to('staging'), () => stageOne(spec, runner, { stagingDir: to('staging'), date: new Date() }));
  }
  const plain = runs.plain!;
  const m = (k: string) => median(runs[k]!);
  const per = (xs: number[], base = plain) => xs.map((x, i) => `${(x / base[i]!).toFixed(2)}x`).join(', ');
  const fast = BULK_CIPHER_OPTIONS.length ? BULK_CIPHER_OPTIONS[1]! : 'no AES instructions: OpenSSH defaults';
  console.log(`peers bench: ${MB} MB in ${FILES} files from 127.0.0.2 (test sshd, loopback), ${ROUNDS} round(s), medians; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  scp -r          ${m('plain').toFixed(2)} s  (rounds: ${plain.map((x) => x.toFixed(2)).join(', ')}); with its sync -f ${median(plainSynced).toFixed(2)} s`);
  console.log(`  stagePeer       ${m('staged').toFixed(2)} s  ${(m('staged') / m('plain')).toFixed(2)}x  (per round: ${per(runs.staged!)}; firstaid's default commands, ${fast}; ${count} files, each size+sha256 checked)`);
  console.log(`  stagePeer / (scp -r + sync -f): ${(m('staged') / median(plainSynced)).toFixed(2)}x`);
  console.log(`  same cipher as scp -r: stagePeer ${m('stagedSame').toFixed(2)} s  ${(m('stagedSame') / m('plain')).toFixed(2)}x  (per round: ${per(runs.stagedSame!)})`);
  console.log(`  scp -r with firstaid's cipher ${m('plainFast').toFixed(2)} s; stagePeer against it ${(m('staged') / m('plainFast')).toFixed(2)}x  (per round: ${per(runs.staged!, runs.plainFast!)})`);
  console.log(`  CPU seconds (whole machine, medians): scp -r ${median(cpu.plain!).toFixed(2)}, scp -r fast cipher ${median(cpu.plainFast!).toFixed(2)}, stagePeer ${median(cpu.staged!).toFixed(2)}, same cipher ${median(cpu.stagedSame!).toFixed(2)}, whole peer ${median(cpu.whole!).toFixed(2)}; steal so far ${(cpuNow().steal / 100).toFixed(1)} s`);
  console.log(`  whole peer      ${m('whole').toFixed(2)} s  ${(m('whole') / m('plain')).toFixed(2)}x  (per round: ${per(runs.whole!)}; check + stage + stage indicator, one ssh login)`);
} finally {
  await sshd.stop();
  rmSync(out, { recursive: true, force: true });
}
