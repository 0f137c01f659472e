/** Shared by the disc tests: a store with a real backup space, a directory, and disc deps. */
import { mkdirSync, writeFileSync, realpathSync, mkdtempSync, rmSync, readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync, spawn } from 'node:child_process';
import { FIRSTAID, type Run, type Sandbox } from './systems-helpers.js';
import { makeEnv, type Env } from './fixtures-backup/setup.js';
import { resolveDrive } from '../../src/devices/optical/drives.js';
import type { DiscDrive } from '../../src/devices/optical/types.js';

export interface DiscEnv extends Env {
  work: string;
  backupId: string;
  dir: string;
  drive(name: string): Promise<DiscDrive>;
}

export async function discEnv(): Promise<DiscEnv> {
  const env = await makeEnv();
  // A Linux installation as far as `revert --root` is concerned.
  writeFileSync(join(env.root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n');
  const space = await env.store.getBackup('grub', env.target, { persistent: true, description: 'Reinstall GRUB' });
  await space.backupPath('/boot/grub');
  await space.backupPath('/etc/fstab');
  await space.commit();
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'fa-disc-')));
  const dir = join(work, 'home-docs');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'letter.txt'), 'Dear disc,\n'.repeat(200));
  writeFileSync(join(dir, 'sub', 'data.bin'), Buffer.alloc(70_000, 9));
  process.env.FIRSTAID_WORK_DIR = work;
  return {
    ...env, work, backupId: space.id, dir,
    drive: (name) => resolveDrive(join(work, name)),
    dispose: () => { env.dispose(); rmSync(work, { recursive: true, force: true }); },
  };
}

/** Offset of the first occurrence of `needle` in the file. */
export function offsetOf(file: string, needle: Buffer | string, from = 0): number {
  const i = readFileSync(file).indexOf(needle, from);
  if (i < 0) throw new Error(`${String(needle).slice(0, 20)} not in ${file}`);
  return i;
}

export function flipByte(file: string, offset: number): void {
  const b = readFileSync(file).subarray(offset, offset + 1);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([b[0]! ^ 0xff]), 0, 1, offset);
  closeSync(fd);
}

export function losetup(file: string): string {
  return execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
}

export function detach(dev: string): void {
  try { execFileSync('losetup', ['-d', dev]); } catch { /* gone */ }
}

/** bin/firstaid like runFirstaid, for the slow ECC runs (no 2-minute kill). */
export function runLong(args: string[], sb: Sandbox): Promise<Run> {
  const child = spawn(FIRSTAID, [...args, '--log', sb.log], { env: { ...process.env, FIRSTAID_RUNTIME_DIR: sb.runtime } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}
