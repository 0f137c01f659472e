/**
 * Backup speed and memory: a tree of 20,000 small files + 4 x 50 MB, timed against `cp -a`.
 *   node --import tsx bench/backup-bench.ts [--dir /var/tmp/fa-bench] [--small 20000] [--big 4] [--keep]
 * Prints cp -a, backupPath (whole tree, hashing and fsyncing every object) and restorePath
 * (to a fresh target) times, their ratios to cp -a, and the peak RSS of this process.
 * Goal: <= 1.5x cp -a, peak RSS <= 120 MB. Not part of npm test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync, readFileSync, rmSync, mkdtempSync, openSync, writeSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { TargetRoot } from '../src/core/target-root.js';
import { openBackupStore } from '../src/backup/spaces/store.js';
import { bundleOptions } from '../scripts/bundle-options.mjs';

// Measured as the product runs: bundled, without tsx's loader in the process (its ~60 MB
// would swamp the RSS figure). Under tsx, build the bundle and run that instead.
if (!process.env.FA_BENCH_BUNDLED) {
  const { build } = await import('esbuild');
  const out = join(mkdtempSync(join(tmpdir(), 'fa-bench-bundle-')), 'bench.mjs');
  await build({ ...bundleOptions('bench', fileURLToPath(import.meta.url), dirname(out)), external: ['esbuild'] });
  const r = spawnSync(process.execPath, [...launcherNodeFlags(), ...(process.env.FA_BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean), out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FA_BENCH_BUNDLED: '1' } });
  rmSync(dirname(out), { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/var/tmp' },
    small: { type: 'string', default: '20000' },
    big: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const SMALL = Number(values.small);
const BIG = Number(values.big);
const BIG_SIZE = 50 * 1024 * 1024;
const ROUNDS = Math.max(1, Number(values.rounds));

const rssAtStart = process.resourceUsage().maxRSS / 1024;
// Three processes: this one makes the directory, a child builds the tree (its garbage must
// not count), another child measures (its peak RSS is the figure).
const phase = process.env.FA_BENCH_PHASE;
if (!phase) {
  const dir = mkdtempSync(join(values.dir!, 'fa-bench-'));
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
const root = join(base, 'root');
const tree = join(root, 'tree');

function buildTree(): void {
  for (let i = 0; i < SMALL; i++) {
    const d = join(tree, `d${i % 200}`, `e${i % 7}`);
    if (i < 1400) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}.mod`), randomBytes(100 + ((i * 7919) % 4000)));
  }
  for (let b = 0; b < BIG; b++) {
    const fd = openSync(join(tree, `big${b}.bin`), 'w');
    const chunk = randomBytes(1 << 20);
    for (let off = 0; off < BIG_SIZE; off += chunk.length) {
      chunk[0] = b; // differing content, so no object is shared
      chunk[1] = off >> 20;
      writeSync(fd, chunk);
    }
    closeSync(fd);
  }
  execFileSync('sync');
}

function time<T>(fn: () => T): [number, T] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

if (phase === 'build') {
  process.stdout.write(`building ${SMALL} small files + ${BIG} x 50 MB in ${tree} ... `);
  const [buildMs] = time(buildTree);
  process.stdout.write(`${(buildMs / 1000).toFixed(1)} s\n`);
  process.exit(0);
}

{
  // FA_BENCH_MEMLOG=1: heap spaces and RSS every second, and the biggest mappings after each
  // phase (where does the peak come from?).
  const memlog = process.env.FA_BENCH_MEMLOG
    ? setInterval(() => {
        const m = process.memoryUsage();
        const spaces = getHeapSpaceStatistics().map((s) => `${s.space_name.replace('_space', '')} ${(s.physical_space_size / 1e6).toFixed(0)}`).join(' ');
        process.stderr.write(`mem rss ${(m.rss / 1e6).toFixed(0)} heap ${(m.heapUsed / 1e6).toFixed(0)}/${(m.heapTotal / 1e6).toFixed(0)} external ${(m.external / 1e6).toFixed(0)} | ${spaces}\n`);
      }, Number(process.env.FA_BENCH_MEMLOG_MS ?? 1000))
    : undefined;
  const mark = (what: string): void => {
    if (!memlog) return;
    process.stderr.write(`maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB after ${what}\n`);
    const rows: [number, string][] = [];
    let head = '';
    for (const l of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(l)) head = l;
      else if (l.startsWith('Rss:')) rows.push([Number(l.split(/\s+/)[1]), head.replace(/\s+/g, ' ').slice(0, 100)]);
    }
    rows.sort((a, b) => b[0] - a[0]);
    for (const [kb, h] of rows.slice(0, Number(process.env.FA_BENCH_MEMLOG_TOP ?? 6))) process.stderr.write(`   ${(kb / 1024).toFixed(1)} MB ${h}\n`);
  };

  // The page cache holds the tree for every contender (read once, nothing written).
  execFileSync('sh', ['-c', 'tar -cf - "$1" | cat >/dev/null', 'sh', tree]);
  // Nothing is deleted between measured phases: on a disk mounted with `discard` (like this
  // one) a deletion's discards slow whatever runs next for seconds. Everything measured starts
  // after a sync, so no phase pays for another's writeback.
  const log = new SessionLog();
  const runner = new Runner({ log });
  const target = await TargetRoot.open(root, runner);
  const store = await openBackupStore(join(base, 'store'), { runner, log });
  const rounds: { cp: number; cpSync: number; backup: number; verify: number; restoreVerify: number; restore: number }[] = [];
  let rssAfterBackup = 0;
  for (let r = 0; r < ROUNDS; r++) {
    execFileSync('sync');
    const [cp] = time(() => execFileSync('cp', ['-a', tree, join(base, `cp-${r}`)]));
    // The backup's data is on disk when it returns; cp's is not: its sync is timed apart.
    const [cpSync] = time(() => execFileSync('sync', ['-f', base]));

    // In a block: a revert runs later, in another process, without the space that made it.
    let spaceId: string;
    let backup: number;
    let verify: number;
    {
      const space = await store.getBackup('bench', target, { persistent: true, description: 'benchmark' });
      [backup] = await timeAsync(async () => {
        await space.backupPath('/tree');
        await space.commit();
      });
      if (r === 0) rssAfterBackup = process.resourceUsage().maxRSS / 1024;
      mark(`backup ${r + 1}`);
      const [verifyMs, v] = await timeAsync(() => space.verify());
      if (!v.ok) throw new Error(`verify failed: ${v.problems.slice(0, 3).join('; ')}`);
      verify = verifyMs;
      mark(`verify ${r + 1}`);
      spaceId = space.id;
      await store.closeBackup(space.id);
    }

    execFileSync('sync');
    const freshRoot = join(base, `fresh-${r}`);
    mkdirSync(freshRoot);
    const fresh = await TargetRoot.open(freshRoot, runner);
    const again = await store.openSpace(spaceId, fresh);
    mark(`open ${r + 1}`);
    // A restore verifies every object first (nothing is restored unverified): measured apart.
    const [restoreVerify] = await timeAsync(() => again.verify());
    mark(`verify before restore ${r + 1}`);
    const [restore] = await timeAsync(() => again.restorePath('/tree'));
    await store.closeBackup(spaceId);
    mark(`restore ${r + 1}`);
    // Sanity: the restored tree equals the original (content, and cp's copy the same way).
    execFileSync('diff', ['-rq', tree, join(freshRoot, 'tree')]);
    rounds.push({ cp, cpSync, backup, verify, restoreVerify, restore });
  }

  const med = (k: keyof (typeof rounds)[number]): number => {
    const xs = rounds.map((x) => x[k]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (ms: number[], ref: number[]): string => {
    const rs = ms.map((m, i) => m / ref[i]!).sort((a, b) => a - b);
    return `${rs[Math.floor(rs.length / 2)]!.toFixed(2)}x`;
  };
  const col = (k: keyof (typeof rounds)[number]): number[] => rounds.map((x) => x[k]);
  const cpPlusSync = rounds.map((x) => x.cp + x.cpSync);
  const lines = [
    `tree: ${SMALL} small files (100-4100 B) + ${BIG} x 50 MB, on ${values.dir}; ${ROUNDS} rounds, medians`,
    ...rounds.map((x, i) => `  round ${i + 1}: cp -a ${f(x.cp)} (+${f(x.cpSync)} sync)  backup ${f(x.backup)}  restore ${f(x.restore)}`),
    `cp -a                     ${f(med('cp'))}   (+ ${f(med('cpSync'))} for its data to reach the disk: sync -f)`,
    `backupPath + commit       ${f(med('backup'))}   ${ratio(col('backup'), col('cp'))} cp -a, ${ratio(col('backup'), cpPlusSync)} cp -a + sync   (sha256 of everything, durable)`,
    `verify (re-hash all)      ${f(med('verify'))}`,
    `restorePath (fresh root)  ${f(med('restore'))}   ${ratio(col('restore'), col('cp'))} cp -a, ${ratio(col('restore'), cpPlusSync)} cp -a + sync   (+ ${f(med('restoreVerify'))} verify first)`,
    `peak RSS                  ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB   (${rssAtStart.toFixed(0)} MB after start-up, ${rssAfterBackup.toFixed(0)} MB peak up to the end of the first backup)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (memlog) clearInterval(memlog);
}

/** The Node flags bin/firstaid starts the product with (its shebang line): measured as it runs. */
function launcherNodeFlags(): string[] {
  const first = readFileSync(fileURLToPath(new URL('../bin/firstaid', import.meta.url)), 'utf8').split('\n', 1)[0] ?? '';
  return first.split(/\s+/).filter((w) => w.startsWith('--'));
}
