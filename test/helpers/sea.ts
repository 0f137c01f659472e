/**
 * The single executable (npm run package -> dist/firstaid-linux-x64), built once per test file,
 * and run as on a machine without Node.js: in a private mount namespace whose every `node` on
 * the PATH is covered by an empty, non-executable file (the real files stay as they are).
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const EXECUTABLE = join(REPO, 'dist', 'firstaid-linux-x64');

// scripts/run-tests.mjs builds it once before the test lanes run side by side (FIRSTAID_PREBUILT).
let built = process.env.FIRSTAID_PREBUILT === '1';
/** Runs npm run package (scripts/package.mjs) once per process. */
export function buildExecutable(): string {
  if (!built) execFileSync(process.execPath, [join(REPO, 'scripts', 'package.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
  return EXECUTABLE;
}

const HIDE_NODE = `
i=0
while n=$(command -v node); do
  mount --bind "$EMPTY" "$(readlink -f "$n")" || exit 97
  i=$((i + 1)); [ $i -lt 5 ] || exit 98
done
exec "$0" "$@"`;

/** `firstaid ARGS` by the executable where no `node` can be run. */
export function runWithoutNode(args: string[], opts: { timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const empty = join(mkdtempSync(join(tmpdir(), 'no-node-')), 'node');
  writeFileSync(empty, '', { mode: 0o644 });
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', HIDE_NODE, EXECUTABLE, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EMPTY: empty },
    timeout: opts.timeoutMs ?? 120_000,
  });
}
