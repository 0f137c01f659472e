/**
 * Fixture disk images: real Debian 12 systems with GRUB, built by test/fixtures/make-image.sh.
 * Pristine images are built once per fixture-script version and copied (sparse) for each test,
 * so tests may break and repair their copy freely.
 */
import { execFileSync, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pexec = promisify(execFile);
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const TESTBED = process.env.FIRSTAID_TESTBED ?? '/var/tmp/firstaid-testbed';

export type ImageType = 'bios' | 'uefi' | 'hybrid';

export interface ImageInfo {
  TYPE: ImageType;
  ROOT_PART: string;
  ROOT_UUID: string;
  ESP_PART: string;
  ESP_UUID: string;
  DATA_PART: string;
  DATA_UUID: string;
  KERNEL: string;
  /** The guest's systemd DefaultDeviceTimeoutSec, in seconds. */
  DEVICE_TIMEOUT: string;
}

export interface FixtureImage {
  path: string;
  info: ImageInfo;
  /** Removes the copy. */
  dispose(): void;
}

function scriptHash(): string {
  const h = createHash('sha256');
  h.update(readFileSync(join(FIXTURES, 'make-image.sh')));
  return h.digest('hex').slice(0, 12);
}

export function readInfo(path: string): ImageInfo {
  const info: Record<string, string> = {};
  for (const line of readFileSync(`${path}.info`, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) info[m[1]!] = m[2]!;
  }
  return info as unknown as ImageInfo;
}

/** Path of the pristine image of that type, building it when absent (never modify it). */
export function pristineImage(type: ImageType, opts: { data?: boolean } = {}): string {
  const dir = join(TESTBED, `images-${scriptHash()}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${type}${opts.data === false ? '-nodata' : ''}.img`);
  if (!existsSync(out) || !existsSync(`${out}.info`)) {
    const args = ['-t', type, '-o', out, ...(opts.data === false ? ['-D'] : [])];
    execFileSync(join(FIXTURES, 'make-image.sh'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return out;
}

/** A private, writable copy of a pristine image. */
export function fixtureImage(type: ImageType, opts: { data?: boolean } = {}): FixtureImage {
  const src = pristineImage(type, opts);
  const dir = mkdtempSync(join(TESTBED, 'copy-'));
  const path = join(dir, `${type}.img`);
  execFileSync('cp', ['--sparse=always', src, path]);
  execFileSync('cp', [`${src}.info`, `${path}.info`]);
  return { path, info: readInfo(path), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Damages an image the way test/fixtures/break-image.sh MODE does. */
export async function breakImage(path: string, mode: string): Promise<void> {
  await pexec(join(FIXTURES, 'break-image.sh'), [path, mode]);
}

export type BootVerdict = string;

/**
 * Boots the image in QEMU (snapshot mode) and returns the verdict line, e.g. "BOOT-OK".
 * firmware: SeaBIOS or OVMF (default: by the image's type; a hybrid image boots either way).
 * timeoutSec: leave it unset - boot-check.sh sizes its limit to the image's device timeout, so
 * a slow (loaded) host still boots, and a device that never comes still ends in EMERGENCY-MODE.
 */
export async function bootCheck(path: string, opts: { timeoutSec?: number; firmware?: 'bios' | 'uefi' } = {}): Promise<BootVerdict> {
  const args = ['-q', ...(opts.firmware ? [opts.firmware === 'bios' ? '-b' : '-u'] : []), ...(opts.timeoutSec ? ['-t', String(opts.timeoutSec)] : []), path];
  try {
    // boot-check.sh enforces its own limit; this one only catches boot-check.sh itself hanging.
    const { stdout } = await pexec(join(FIXTURES, 'boot-check.sh'), args, { timeout: ((opts.timeoutSec ?? 900) + 60) * 1000 });
    return stdout.trim();
  } catch (err) {
    const out = (err as { stdout?: string }).stdout;
    return (out ?? String(err)).trim();
  }
}
