/**
 * Archive speed and memory, one run: a tree of small files and two big ones, archived by the
 * archiver service (external provider: GNU tar plus the verbose listing, the manifest and the
 * sha256 of the archive) against GNU tar alone with the same compressor, for each type; the
 * internal provider (node-tar) against the external one for tar and tar.gz; peak RSS of this
 * process (the tree is built by a child). Goal: <= 1.05x GNU tar, peak RSS <= 100 MB.
 *   node --import tsx bench/archive-bench.ts [--dir /var/tmp] [--small 20000] [--big-mb 100] [--rounds 2] [--types tar,tar.gz,...]
 * Not part of npm test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SessionLog } from '../src/core/log.js';
import { Runner } from '../src/core/runner.js';
import { ArchiverService } from '../src/backup/archives/service.js';
import { ExternalProvider } from '../src/backup/archives/external.js';
import { InternalProvider } from '../src/backup/archives/internal.js';
import { compressor, createArgv } from '../src/backup/archives/gnu-tar.js';
import { writeFileSync } from 'node:fs';
import { ARCHIVE_TYPES, type ArchiveType, type ArchiverProvider } from '../src/backup/archives/types.js';
import { bundleOptions } from '../scripts/bundle-options.mjs';

// Measured bundled, as the product runs (tsx's loader would swamp the RSS figure).
if (!process.env.FA_BENCH_BUNDLED) {
  const { build } = await import('esbuild');
  const out = join(mkdtempSync(join(tmpdir(), 'fa-archive-bench-bundle-')), 'bench.mjs');
  await build({ ...bundleOptions('bench', fileURLToPath(import.meta.url), dirname(out)), external: ['esbuild'] });
  const first = readFileSync(fileURLToPath(new URL('../bin/firstaid', import.meta.url)), 'utf8').split('\n', 1)[0] ?? '';
  const flags = first.split(/\s+/).filter((w) => w.startsWith('--'));
  const r = spawnSync(process.execPath, [...flags, out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FA_BENCH_BUNDLED: '1' } });
  rmSync(dirname(out), { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/var/tmp' },
    // About a /home: 20,000 small files (1-8 KB) and two 100 MiB ones, ~290 MiB. The earlier
    // default (3,000 + 2 x 24 MiB) made a 0.1 s job where fixed costs were most of the ratio.
    small: { type: 'string', default: '20000' },
    'big-mb': { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    types: { type: 'string', default: ARCHIVE_TYPES.join(',') },
  },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const TYPES = values.types!.split(',') as ArchiveType[];

// The tree is made by a child process: its buffers must not count in this one's peak RSS.
const TREE_SCRIPT = `
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const [root, small, bigMb] = process.argv.slice(1);
const words = 'root boot grub kernel fstab mount uuid home user config cache log error warning'.split(' ');
const text = (n) => { let s = ''; while (s.length < n) s += words[(Math.random() * words.length) | 0] + (Math.random() < 0.1 ? '\\n' : ' '); return s.slice(0, n); };
for (let i = 0; i < Number(small); i++) {
  const d = path.join(root, 'd' + (i % 50), 's' + (i % 7));
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'f' + i), text(1000 + ((i * 7919) % 7000)));
}
for (let b = 0; b < 2; b++) {
  const fd = fs.openSync(path.join(root, 'big' + b), 'w');
  for (let m = 0; m < Number(bigMb); m++) fs.writeSync(fd, m % 2 ? crypto.randomBytes(1 << 20) : Buffer.from(text(1 << 20)));
  fs.closeSync(fd);
}`;

function time<T>(f: () => T): [number, T] {
  const t = process.hrtime.bigint();
  const v = f();
  return [Number(process.hrtime.bigint() - t) / 1e9, v];
}
async function timeAsync<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const v = await f();
  return [Number(process.hrtime.bigint() - t) / 1e9, v];
}

const base = mkdtempSync(join(values.dir!, 'fa-archive-bench-'));
try {
  const src = join(base, 'src');
  execFileSync(process.execPath, ['-e', TREE_SCRIPT, src, values.small!, values['big-mb']!]);
  execFileSync('sync');
  const treeMb = Number(execFileSync('du', ['-sm', '--apparent-size', src], { encoding: 'utf8' }).split('\t')[0]);
  execFileSync('tar', ['-cf', '/dev/null', '-C', src, '.']); // warm the cache
  const runner = new Runner({ log: new SessionLog() });
  const external = new ExternalProvider(runner);
  const internal = new InternalProvider();
  const service = (p: ArchiverProvider, tag: string) => new ArchiverService({ workDir: join(base, `work-${tag}`), provider: p });
  const rssStart = process.resourceUsage().maxRSS / 1024;
  console.log(`tree: ${values.small} small files + 2 x ${values['big-mb']} MiB (${treeMb} MiB), ${ROUNDS} round(s), best of each; ${process.platform} ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('type      GNU tar   same flags  service   ratio  (to same flags)  (to GNU tar + sync -f)  archive MiB');
  const results: Record<string, { gnu: number; ext: number }> = {};
  for (const type of TYPES) {
    let gnu = Infinity;
    let gnuSynced = Infinity;
    let same = Infinity;
    let ext = Infinity;
    let size = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const out = join(base, `gnu-${r}.${type}`);
      const z = compressor(type);
      // Each timed run starts with nothing left to write back from the one before (not timed).
      execFileSync('sync');
      const [g] = time(() => execFileSync('tar', ['--create', '--format=posix', ...(z ? ['--use-compress-program=' + z.join(' ')] : []), '-f', out, '-C', src, '.']));
      gnu = Math.min(gnu, g);
      // The service's archive is on the disk when it returns; tar's is in the page cache.
      const [gs] = time(() => execFileSync('sync', ['-f', out]));
      gnuSynced = Math.min(gnuSynced, g + gs);
      rmSync(out);
      // The same argv the service runs (metadata kept: xattrs with ACLs and SELinux labels, sparse; -vv to an index file for compressed types).
      const list = join(base, 'list');
      writeFileSync(list, '.\0');
      execFileSync('sync');
      const [g2] = time(() => execFileSync('tar', createArgv({ file: out, root: src, listFile: list, ...(type === 'tar' ? {} : { indexFile: join(base, 'index') }), type })));
      same = Math.min(same, g2);
      rmSync(out);
      const def = { id: `b${r}`, type, destination: join(base, 'dest-ext'), root: src };
      execFileSync('sync');
      const [e, made] = await timeAsync(() => service(external, 'ext').backupFiles(def));
      ext = Math.min(ext, e);
      size = made.manifest.archive.size;
      rmSync(made.archivePath);
    }
    results[type] = { gnu, ext };
    console.log(`${type.padEnd(9)} ${gnu.toFixed(2).padStart(6)} s  ${same.toFixed(2).padStart(6)} s  ${ext.toFixed(2).padStart(8)} s  ${(ext / gnu).toFixed(2).padStart(5)}x  ${`(${(ext / same).toFixed(2)}x)`.padStart(9)}  ${`(${(ext / gnuSynced).toFixed(2)}x of ${gnuSynced.toFixed(2)} s)`.padStart(22)}  ${(size / 1048576).toFixed(1).padStart(11)}`);
  }
  const rssAfterExternal = process.resourceUsage().maxRSS / 1024;
  console.log('\ninternal (in-process) against external (GNU tar):');
  for (const type of ['tar', 'tar.gz'] as const) {
    let int = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      const def = { id: `i${r}`, type, destination: join(base, 'dest-int'), root: src };
      execFileSync('sync');
      const [t, made] = await timeAsync(() => service(internal, 'int').backupFiles(def));
      int = Math.min(int, t);
      rmSync(made.archivePath);
    }
    const ext = results[type]?.ext;
    console.log(`${type.padEnd(9)} internal ${int.toFixed(2)} s${ext ? `, external ${ext.toFixed(2)} s, ratio ${(int / ext).toFixed(2)}x` : ''}; peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  }
  const rssEnd = process.resourceUsage().maxRSS / 1024;
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`\npeak RSS: ${rssStart.toFixed(0)} MB at start, ${rssAfterExternal.toFixed(0)} MB after the external runs, ${rssEnd.toFixed(0)} MB after the internal ones (goal <= 100 MB)`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
