/**
 * Storage speed and memory: a 200 MB put over sftp:// (firstaid) against scp of the same file
 * to the same test sshd on 127.0.0.1, best of 3 each. Goal: <= 1.1x scp.
 *   node --import tsx bench/storage-bench.ts [--size-mb 200] [--rounds 3]
 * Run bundled, as the product runs (tsx's loader would swamp the RSS figure). Needs root
 * (the test sshd). Not part of npm test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleOptions } from '../scripts/bundle-options.mjs';
import { benchStoragePut } from './storage-put.js';

if (!process.env.FA_BENCH_BUNDLED) {
  const { build } = await import('esbuild');
  const out = join(mkdtempSync(join(tmpdir(), 'fa-bench-bundle-')), 'bench.mjs');
  await build({ ...bundleOptions('bench', fileURLToPath(import.meta.url), dirname(out)), external: ['esbuild'] });
  const r = spawnSync(process.execPath, ['--v8-pool-size=1', out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, FA_BENCH_BUNDLED: '1' } });
  rmSync(dirname(out), { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const f = await benchStoragePut({ sizeMb: Number(values['size-mb']), rounds: Number(values.rounds) });
console.log(`storage put, ${f.sizeMb} MB over sftp to 127.0.0.1, best of ${f.rounds}:`);
console.log(`  scp                 ${f.scpSeconds.toFixed(2)} s`);
console.log(`  firstaid sftp put   ${f.putSeconds.toFixed(2)} s   ratio ${f.ratio.toFixed(2)}x (goal <= 1.10x)`);
console.log(`  peak RSS (node)     ${f.peakRssMb.toFixed(1)} MB`);
