// Runs every test file under test/unit, test/integration and test/e2e (in that order) with
// node's test runner through tsx, one file at a time (loop devices and QEMU boots share a
// 2-core machine). Arguments narrow the run to files whose path contains one of them.
//
// The rescue CD's guests (test/e2e/liveiso-*) run one vCPU each and most of their time is that
// one guest's CPU: they run in a second lane beside the rest, which leaves the other core to it
// (FIRSTAID_TEST_LANES=1 runs everything in one lane). The lanes share nothing they build:
// the executable, the CD and the guests' images are built first. The second lane's output is
// kept in a file and printed after the first lane's.
import { readdirSync, existsSync, openSync, closeSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const files = [];
for (const dir of ['unit', 'integration', 'e2e']) {
  const d = `${root}test/${dir}`;
  if (!existsSync(d)) continue;
  for (const f of readdirSync(d).sort()) {
    if (!/\.test\.tsx?$/.test(f)) continue;
    const p = `test/${dir}/${f}`;
    if (filters.length === 0 || filters.some((x) => p.includes(x))) files.push(p);
  }
}
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const testArgs = (list) => ['--import', 'tsx', '--test', '--test-concurrency=1', ...list];
const guests = files.filter((p) => p.startsWith('test/e2e/liveiso-'));
const rest = files.filter((p) => !guests.includes(p));

if (guests.length === 0 || rest.length === 0 || process.env.FIRSTAID_TEST_LANES === '1') {
  const r = spawnSync(process.execPath, testArgs(files), { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const pre = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/prebuild.ts'], { cwd: root, stdio: 'inherit' });
if (pre.status !== 0) {
  console.error('run-tests: building the executable, the rescue CD or the images failed');
  process.exit(1);
}
const env = { ...process.env, FIRSTAID_PREBUILT: '1' };
const logDir = mkdtempSync(join(tmpdir(), 'firstaid-lane-'));
const logPath = join(logDir, 'guests.tap');
const log = openSync(logPath, 'w');
const lane = spawn(process.execPath, testArgs(guests), { cwd: root, env, stdio: ['ignore', log, log] });
const laneDone = new Promise((resolve) => lane.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 1))));
const main = spawnSync(process.execPath, testArgs(rest), { cwd: root, env, stdio: 'inherit' });
console.log(`# run-tests: waiting for the rescue CD lane (${guests.join(', ')})`);
const laneCode = await laneDone;
closeSync(log);
console.log(`# ---- the rescue CD lane (run beside the rest): ${guests.join(', ')}`);
process.stdout.write(readFileSync(logPath, 'utf8'));
rmSync(logDir, { recursive: true, force: true });
console.log(`# run-tests: main lane exit ${main.status}, rescue CD lane exit ${laneCode}`);
process.exit(main.status === 0 && laneCode === 0 ? 0 : 1);
