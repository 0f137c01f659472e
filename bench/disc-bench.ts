/**
 * Disc speed and memory, one run: about 300 MB (a backup space and a directory) written to a
 * file pseudo-drive, against a bare xorriso run of the same dirs; the disc verify against
 * `sha256sum` of the image; the peak RSS of this process (xorriso is a child: not counted).
 *   node --import tsx bench/disc-bench.ts [--dir /var/tmp] [--mb 300] [--rounds 3] [--keep]
 * Goals: write <= 1.1x bare xorriso, verify <= 1.3x sha256sum, peak RSS <= 100 MB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { TargetRoot } from '../src/core/target-root.js';
import { openBackupStore } from '../src/backup/spaces/store.js';
import { resolveSources } from '../src/backup/discs/layout.js';
import { writeDisc } from '../src/backup/discs/write.js';
import { verifyDisc } from '../src/backup/discs/verify.js';
import { resolveDrive } from '../src/devices/optical/drives.js';
import { bundleOptions } from '../scripts/bundle-options.mjs';

// Measured as the product runs: bundled, without tsx's loader in the process.
if (!process.env.FA_BENCH_BUNDLED) {
  const { build } = await import('esbuild');
  const out = join(mkdtempSync(join(tmpdir(), 'fa-bench-bundle-')), 'bench.mjs');
  await build({ ...bundleOptions('bench', fileURLToPath(import.meta.url), dirname(out)), external: ['esbuild'] });
  const first = readFileSync(fileURLToPath(new URL('../bin/firstaid', import.meta.url)), 'utf8').split('\n', 1)[0] ?? '';
  const r = spawnSync(process.execPath, [...first.split(/\s+/).filter((w) => w.startsWith('--')), out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FA_BENCH_BUNDLED: '1' } });
  rmSync(dirname(out), { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({ options: { dir: { type: 'string', default: '/var/tmp' }, mb: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } } });
const MB = Number(values.mb);
const ROUNDS = Math.max(1, Number(values.rounds));
const phase = process.env.FA_BENCH_PHASE;
if (!phase) {
  // A child builds the data (its memory must not count), a fresh one measures.
  const dir = mkdtempSync(join(values.dir!, 'fa-disc-bench-'));
  try {
    for (const p of ['build', 'measure']) {
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FA_BENCH_PHASE: p, FA_BENCH_BASE: dir } });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
const base = process.env.FA_BENCH_BASE!;
/** CPU seconds of this process and its waited-for children (xorriso, openssl): /proc/self/stat. */
const cpu = (): number => {
  const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100; // utime stime cutime cstime, in ticks of 1/100 s
};
const cpuOf: number[] = [];
const time = async <T>(fn: () => Promise<T> | T): Promise<[number, T]> => {
  const t = process.hrtime.bigint();
  const c = cpu();
  const r = await fn();
  cpuOf.push(cpu() - c);
  return [Number(process.hrtime.bigint() - t) / 1e9, r];
};

function tree(root: string, bigMb: number): void {
  mkdirSync(join(root, 'small'), { recursive: true });
  for (let i = 0; i < 500; i++) writeFileSync(join(root, 'small', `f${i}.txt`), randomBytes(200 + (i % 40) * 100));
  for (let i = 0; i * 50 < bigMb; i++) writeFileSync(join(root, `big${i}.bin`), randomBytes(Math.min(50, bigMb - i * 50) * 1024 * 1024));
}

const log = new SessionLog();
const runner = new Runner({ log });
const info = join(base, 'info.json');
if (phase === 'build') {
  const root = join(base, 'root');
  tree(join(root, 'data'), MB / 2);
  tree(join(base, 'home'), MB / 2);
  const target = await TargetRoot.open(root, runner);
  const store = await openBackupStore(join(base, 'store'), { runner, log });
  const space = await store.getBackup('bench', target, { persistent: true });
  await space.backupPath('/data');
  await space.commit();
  writeFileSync(info, JSON.stringify({ id: space.id, spaceDir: space.dir, storeDir: store.dir }));
  process.exit(0);
}
{
  const { id, spaceDir, storeDir } = JSON.parse(readFileSync(info, 'utf8')) as { id: string; spaceDir: string; storeDir: string };
  const dir = join(base, 'home');
  execFileSync('sync');
  // Warm the page cache for both runs alike.
  execFileSync('sh', ['-c', 'find "$1" "$2" -type f -exec cat {} + > /dev/null', 'sh', spaceDir, dir]);
  process.env.FIRSTAID_WORK_DIR = base;

  const date = new Date();
  const entries = await resolveSources([id, dir], storeDir, date);
  const loadBefore = loadavg();
  // Rounds of the four phases, alternated: on a shared 2-core machine one run swings by a third
  // (others' work); the medians are compared. Nothing is deleted until the end (ext4 with
  // discard: deleting 300 MB slowed whatever ran next).
  const rounds: { bare: number; write: number; sha: number; verify: number; cpuBare: number; cpuWrite: number; cpuSha: number; cpuVerify: number }[] = [];
  let v: Awaited<ReturnType<typeof verifyDisc>> | undefined;
  let iso = '';
  for (let r = 0; r < ROUNDS; r++) {
    const bareIso = join(base, `bare-${r}.iso`);
    const [bare] = await time(() => execFileSync('xorriso', ['-abort_on', 'FAILURE', '-md5', 'on', '-outdev', `stdio:${bareIso}`, '-volid', 'BARE', '-joliet', 'on', '-map', spaceDir, '/a', '-map', dir, '/b', '-commit'], { stdio: 'ignore' }));
    execFileSync('sync');
    iso = join(base, `disc-${r}.iso`);
    const drive = await resolveDrive(iso);
    const [write] = await time(() => writeDisc({ runner, log }, { drive, mediaBlocks: 2_295_104, entries, newDisc: false, close: false, date, staged: null, check: false }));
    execFileSync('sync');
    const [sha] = await time(() => execFileSync('sha256sum', [iso], { stdio: 'ignore' }));
    const [verify, result] = await time(() => verifyDisc({ runner, log }, { drive, mediaBlocks: 2_295_104 }));
    if (!result.ok) throw new Error(`verify failed: ${result.summary}`);
    v = result;
    execFileSync('sync'); // the verify's extracted copy, written and deleted: not the next round's cost
    const [cpuBare, cpuWrite, cpuSha, cpuVerify] = cpuOf.splice(0) as [number, number, number, number];
    rounds.push({ bare, write, sha, verify, cpuBare, cpuWrite, cpuSha, cpuVerify });
  }
  const median = (k: keyof (typeof rounds)[number]) => {
    const xs = rounds.map((r) => r[k]).sort((x, y) => x - y);
    return xs.length % 2 ? xs[(xs.length - 1) / 2]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2;
  };
  const [bare, write, sha, verify] = (['bare', 'write', 'sha', 'verify'] as const).map(median) as [number, number, number, number];
  const rss = process.resourceUsage().maxRSS / 1024;
  const imageMb = Number(execFileSync('stat', ['-c', '%s', iso], { encoding: 'utf8' })) / 1048576;
  const f = (x: number) => x.toFixed(2);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const each = (k: keyof (typeof rounds)[number]) => rounds.map((r) => f(r[k])).join(' ');
  console.log(`disc-bench: ${imageMb.toFixed(0)} MB image (${v!.filesChecked} files: a backup space and a directory), ${ROUNDS} round(s), medians`);
  console.log(`  bare xorriso write  ${f(bare)} s   (${each('bare')})`);
  console.log(`  firstaid write      ${f(write)} s   ratio ${f(write / bare)}x  (goal <= 1.1x; hashing for the disc manifest included, check excluded) (${each('write')}; per round ${rounds.map((r) => f(r.write / r.bare)).join(' ')})`);
  console.log(`  sha256sum image     ${f(sha)} s   (${each('sha')})`);
  console.log(`  firstaid verify     ${f(verify)} s   ratio ${f(verify / sha)}x  (goal <= 1.3x; check_media + check_md5_r + read-back + space verify) (${each('verify')}; per round ${rounds.map((r) => f(r.verify / r.sha)).join(' ')})`);
  const [cb, cw, cs, cv] = (['cpuBare', 'cpuWrite', 'cpuSha', 'cpuVerify'] as const).map(median) as [number, number, number, number];
  console.log(`  CPU (with children) bare ${f(cb)} s, write ${f(cw)} s (${f(cw / cb)}x), sha256sum ${f(cs)} s, verify ${f(cv)} s (${f(cv / cs)}x): what load does not change`);
  console.log(`  write + check       ${f(write + verify)} s   ratio ${f((write + verify) / bare)}x to the bare write`);
  console.log(`  peak RSS            ${rss.toFixed(0)} MB  (goal <= 100 MB; xorriso's own not counted)`);
  console.log(`  load average        ${load(loadBefore)} before, ${load(loadavg())} after (2 cores here: other work skews one run)`);
}
