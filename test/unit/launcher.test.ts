import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'firstaid');
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

before(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(import.meta.dirname, '..', '..') });
});

function run(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  return spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('--version and --help', () => {
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), `firstaid ${pkg.version}`);
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Exit codes:/);
  for (const line of h.stdout.split('\n')) assert.ok(line.length <= 80, `help line over 80 columns: ${line}`);
  assert.ok(/^[\x20-\x7e\n]*$/.test(h.stdout), 'help is plain ASCII');
});

test('the screens without a terminal exit 2 and point at the commands', () => {
  const r = run([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /need a terminal/);
  assert.match(r.stderr, /firstaid systems/);
});

test('global options are accepted before or after the command; bad ones are usage errors', () => {
  const a = run(['--json', 'log']);
  const b = run(['log', '--json']);
  assert.equal(a.status, 0);
  assert.equal(b.status, 0);
  assert.ok(JSON.parse(a.stdout).file);
  const bad = run(['systems', '--no-such-option']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-option/);
  assert.doesNotMatch(bad.stderr, /at .*\.mjs:\d+/, 'no stack trace');
  const unknown = run(['frobnicate']);
  assert.equal(unknown.status, 2);
  const both = run(['systems', '--image', 'x', '--root', 'y']);
  assert.equal(both.status, 2);
});

test('an old Node is refused with a message, not a syntax error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-old-node-'));
  const preload = join(dir, 'old.cjs');
  writeFileSync(preload, "Object.defineProperty(process.versions, 'node', { value: '18.19.0' });\n");
  const r = run(['--version'], {}, ['--require', preload]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /needs Node\.js 20 or newer/);
});

test('NO_COLOR makes the launcher set FORCE_COLOR=0 before the app loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-nocolor-'));
  const probe = join(dir, 'probe.cjs');
  // Runs after the launcher's own code, at exit: reports what the app saw.
  writeFileSync(probe, "process.on('exit', () => process.stderr.write('FORCE_COLOR=' + process.env.FORCE_COLOR + '\\n'));\n");
  const r = run(['--version'], { NO_COLOR: '1' }, ['--require', probe]);
  assert.match(r.stderr, /FORCE_COLOR=0/);
});
