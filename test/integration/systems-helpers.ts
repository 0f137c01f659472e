/**
 * Shared by the systems and devices integration tests: build and run bin/firstaid with a private
 * run-time directory and session log, and check that a run left nothing behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIRSTAID = join(REPO, 'bin', 'firstaid');

export function build(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  /** FIRSTAID_RUNTIME_DIR of the runs. */
  runtime: string;
  /** Session log (--log) of the runs. */
  log: string;
  dispose(): void;
}

export function sandbox(): Sandbox {
  const runtime = mkdtempSync('/tmp/firstaid-test-rt-');
  return { runtime, log: join(runtime, 'session.jsonl'), dispose: () => rmSync(runtime, { recursive: true, force: true }) };
}

export function runFirstaid(
  args: string[],
  o: { sandbox?: Sandbox; env?: Record<string, string>; prefix?: string[]; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...o.env };
  const full = [...args];
  if (o.sandbox) {
    env.FIRSTAID_RUNTIME_DIR = o.sandbox.runtime;
    full.push('--log', o.sandbox.log);
  }
  const [cmd, ...pre] = o.prefix ?? [];
  const child = cmd ? spawn(cmd, [...pre, FIRSTAID, ...full], { env }) : spawn(FIRSTAID, full, { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    o.onStderr?.(stderr, child);
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
}

function logArgvs(log: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; argv?: string[] })
    .filter((e) => e.kind === 'command' && e.argv).map((e) => e.argv!);
}

/** No loop device on the image, nothing mounted below the run-time dir or from the run's devices, no private dirs or made nodes left. */
export function assertNothingLeft(image: string | null, sb: Sandbox): void {
  if (image) {
    const loops = execFileSync('losetup', ['-j', image], { encoding: 'utf8' }).trim();
    assert.equal(loops, '', `loop device still attached to ${image}: ${loops}`);
  }
  const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET,SOURCE'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(' '));
  const leftover = mounts.filter(([t]) => t!.startsWith(sb.runtime));
  assert.deepEqual(leftover, [], 'mounts left below the run-time directory');
  const argvs = logArgvs(sb.log);
  const mountedDevices = argvs.filter((a) => a[0] === 'mount' && !a.includes('remount,ro')).map((a) => a[a.length - 2]!).filter((d) => d.startsWith('/dev/loop'));
  for (const d of mountedDevices) assert.ok(!mounts.some(([, s]) => s === d), `${d} is still mounted`);
  for (const a of argvs.filter((x) => x[0] === 'mknod')) assert.ok(!existsSync(a[1]!), `node ${a[1]} made by the run is still there`);
  const mnt = join(sb.runtime, 'mnt');
  if (existsSync(mnt)) assert.deepEqual(readdirSync(mnt), [], 'private mount directories left');
}

/** The commands the run logged (argv), for checks such as "no read-write mount". */
export function loggedCommands(sb: Sandbox): string[][] {
  return logArgvs(sb.log);
}
