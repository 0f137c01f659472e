// Runs every test file under test/unit, test/integration and test/e2e (in that order) with
// node's test runner through tsx, one file at a time (loop devices and QEMU boots share a
// 2-core machine). Arguments narrow the run to files whose path contains one of them.
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
