/**
 * Time to the first frame of the screens in a pseudo-terminal, against a bare `node -e 0`
 * started the same way (util-linux `script` gives both a pty), in one run, as a ratio.
 * Goal: <= 2.0x. Run after `npm run build`:  node --import tsx bench/first-frame.ts [runs]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 10);
const FIRST_FRAME = 'firstaid - main menu';

/** ms from spawn until `done(output)` is true (or the process exits, when no predicate). */
function timeIt(cmd: string, until?: (out: string) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // A pty of the console's size: without one Ink thinks the frame is taller than the screen.
    const child = spawn('script', ['-qfec', `stty rows 25 cols 80; ${cmd}`, '/dev/null'], {
      cwd: REPO,
      env: { ...process.env, TERM: 'linux', CI: 'false', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (until && !done && until(out)) {
        finish();
        child.stdin.write('q');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!until) finish();
      else if (!done) reject(new Error(`${cmd} exited (${code}) before its first frame:\n${out}`));
    });
    setTimeout(() => {
      if (!done) {
        child.kill('SIGKILL');
        reject(new Error(`${cmd}: no first frame within 20 s:\n${out}`));
      }
    }, 20_000);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const node = `${JSON.stringify(process.execPath)} -e 0`;
// As a person starts it: the launcher itself, shebang (and its Node flags) included.
// FIRSTAID_BENCH_APP=dist/firstaid-linux-x64: the single executable (npm run package) instead.
const app = `${process.env.FIRSTAID_BENCH_APP ?? './bin/firstaid'} --log /tmp/firstaid-bench.log`;
// Warm the file cache for both, then alternate so drift affects both alike.
await timeIt(node);
await timeIt(app, (o) => o.includes(FIRST_FRAME));
const base: number[] = [];
const first: number[] = [];
for (let i = 0; i < RUNS; i++) {
  base.push(await timeIt(node));
  first.push(await timeIt(app, (o) => o.includes(FIRST_FRAME)));
}
const b = median(base);
const f = median(first);
const ratio = f / b;
console.log(`node -e 0 in a pty:        median ${b.toFixed(1)} ms over ${RUNS} runs`);
console.log(`firstaid first frame:      median ${f.toFixed(1)} ms over ${RUNS} runs`);
console.log(`ratio: ${ratio.toFixed(2)}x (goal <= 2.0x) ${ratio <= 2 ? 'OK' : 'OVER GOAL'}`);
