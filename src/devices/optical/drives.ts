/**
 * Which drive a path names: /dev/srN is a real drive (mmc:), a loop device or an image file is a
 * stdio: pseudo-drive. Any other block device (a real disk) is refused here, so xorriso can never
 * be pointed at one as stdio: (it would overwrite it, mounted or not).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import type { DiscDrive } from './types.js';

export const SR_RE = /^\/dev\/sr\d+$/;
export const LOOP_RE = /^\/dev\/loop\d+$/;

export async function resolveDrive(given: string): Promise<DiscDrive> {
  const path = resolve(given);
  if (SR_RE.test(path)) return { path, kind: 'drive', address: `mmc:${path}` };
  let st;
  try {
    st = await stat(path);
  } catch {
    if (path.startsWith('/dev/')) throw new FirstaidError('no-such-drive', `There is no drive ${path}.`, 'See the drives with: firstaid disc drives');
    // A new image file: written by the first `disc write`.
    return { path, kind: 'file', address: `stdio:${path}` };
  }
  if (st.isFile()) return { path, kind: 'file', address: `stdio:${path}` };
  if (st.isBlockDevice()) {
    if (LOOP_RE.test(path)) return { path, kind: 'loop', address: `stdio:${path}` };
    throw new FirstaidError('not-a-disc-drive', `${path} is a disk, not a CD/DVD drive: writing a disc image there would destroy what it holds.`, 'Give a drive (/dev/srN), a loop device or an image file.', 2);
  }
  throw new FirstaidError('not-a-disc-drive', `${path} is neither a drive, a loop device nor an image file.`, 'Give a drive (/dev/srN), a loop device or an image file.', 2);
}

export interface DriveInfo {
  path: string;
  vendor: string;
  model: string;
}

/** Real optical drives the kernel knows (/sys/block/sr*). */
export async function listDrives(sysBlock = '/sys/block'): Promise<DriveInfo[]> {
  let names: string[];
  try {
    names = (await readdir(sysBlock)).filter((n) => /^sr\d+$/.test(n)).sort();
  } catch {
    return [];
  }
  const read = async (p: string) => (await readFile(p, 'utf8').catch(() => '')).trim();
  return Promise.all(names.map(async (n) => ({
    path: `/dev/${n}`,
    vendor: await read(`${sysBlock}/${n}/device/vendor`),
    model: await read(`${sysBlock}/${n}/device/model`),
  })));
}

export function describeDrive(d: DiscDrive): string {
  if (d.kind === 'drive') return `${d.path} (drive)`;
  return `${d.path} (pseudo-drive, ${d.kind === 'file' ? 'file' : 'loop device'})`;
}
