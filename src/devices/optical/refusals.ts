/**
 * The checks before any write to a disc. xorriso wipes a mounted block device given as stdio:
 * with exit 0 (field notes), so firstaid looks for mounts and holders itself and opens the
 * device with O_EXCL; then the media decide: closed, foreign, too small.
 */
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import { marginBlocks } from './capacity.js';
import type { DiscDrive, MediaState, SpaceReport } from './types.js';

/** Mount points in /proc/self/mountinfo whose device is `majMin` ("7:3") or whose source is one of `paths`. */
export function mountsOf(mountinfo: string, majMin: string | null, paths: string[]): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 10) continue;
    const dash = f.indexOf('-');
    const source = dash > 0 ? f[dash + 2] : undefined;
    if ((majMin && f[2] === majMin) || (source && paths.includes(source))) out.push(f[4]!.replace(/\\040/g, ' '));
  }
  return out;
}

function majMinOf(rdev: number): string {
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | (Math.floor(rdev / 4096) & 0xfff00);
  return `${major}:${minor}`;
}

/** Loop devices whose backing file is `file` (an image attached elsewhere may be mounted). */
async function loopsBacking(file: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of await readdir('/sys/block').catch(() => [] as string[])) {
    if (!/^loop\d+$/.test(n)) continue;
    const b = (await readFile(`/sys/block/${n}/loop/backing_file`, 'utf8').catch(() => '')).trim();
    if (b === file) out.push(`/dev/${n}`);
  }
  return out;
}

async function holdersOf(dev: string): Promise<string[]> {
  const name = basename(dev);
  const direct = await readdir(`/sys/block/${name}/holders`).catch(() => [] as string[]);
  const parts = (await readdir(`/sys/block/${name}`).catch(() => [] as string[])).filter((p) => p.startsWith(name));
  const nested = await Promise.all(parts.map((p) => readdir(`/sys/block/${name}/${p}/holders`).catch(() => [] as string[])));
  return [...direct, ...nested.flat()];
}

function busy(drive: DiscDrive, why: string): FirstaidError {
  return new FirstaidError('drive-busy', `${drive.path} is in use (${why}): writing a disc image there would destroy it.`, 'Unmount it (or choose another drive or image file), then try again.');
}

/** Refuses a device or image that is mounted, held, or cannot be opened exclusively. */
export async function assertNotInUse(drive: DiscDrive, mountinfoText?: string): Promise<void> {
  const mountinfo = mountinfoText ?? (await readFile('/proc/self/mountinfo', 'utf8'));
  let st;
  try {
    st = await stat(drive.path);
  } catch {
    return; // a new image file: nothing can be using it
  }
  const real = await realpath(drive.path);
  const devices = st.isBlockDevice() ? [drive.path] : await loopsBacking(real);
  const paths = [drive.path, real];
  if (st.isBlockDevice()) {
    const mounted = mountsOf(mountinfo, majMinOf(st.rdev), paths);
    // Partitions of the device (loopNpM) are mounted by their own numbers.
    for (const p of (await readdir(`/sys/block/${basename(real)}`).catch(() => [] as string[])).filter((x) => x.startsWith(basename(real)))) {
      const dev = (await readFile(`/sys/block/${basename(real)}/${p}/dev`, 'utf8').catch(() => '')).trim();
      if (dev) mounted.push(...mountsOf(mountinfo, dev, [`/dev/${p}`]));
    }
    if (mounted.length > 0) throw busy(drive, `mounted on ${mounted.join(', ')}`);
  } else {
    const mounted = mountsOf(mountinfo, null, paths);
    if (mounted.length > 0) throw busy(drive, `mounted on ${mounted.join(', ')}`);
  }
  for (const dev of devices) {
    const m = await readFile(`/sys/block/${basename(dev)}/dev`, 'utf8').catch(() => '');
    const mounted = m ? mountsOf(mountinfo, m.trim(), [dev]) : [];
    if (mounted.length > 0) throw busy(drive, `attached as ${dev}, mounted on ${mounted.join(', ')}`);
    const h = await holdersOf(dev);
    if (h.length > 0) throw busy(drive, `held by ${h.join(', ')}`);
  }
  if (st.isBlockDevice() && drive.kind !== 'drive') {
    // The kernel's own answer: O_EXCL on a block device fails with EBUSY while anything has it.
    try {
      const fh = await open(drive.path, constants.O_RDONLY | constants.O_EXCL);
      await fh.close();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw busy(drive, code === 'EBUSY' ? 'the kernel says it is busy' : `cannot be opened: ${code}`);
    }
  }
}

/** A firstaid backup disc's session (layout.ts volidFor): FIRSTAID_YYYYMMDD. Not the rescue CD's FIRSTAID_RESCUE. */
export function isFirstaidVolid(volid: string): boolean {
  return /^FIRSTAID_\d{8}$/.test(volid);
}

/** A disc with data not written by firstaid (another volume id, or no ISO session). */
export function isForeign(media: MediaState): boolean {
  if (media.status === 'blank') return false;
  if (media.sessions.length === 0) return media.dataBlocks > 0;
  return media.sessions.some((s) => !s.iso || !isFirstaidVolid(s.volid));
}

export interface WritePlanCheck {
  /** The person asked for a new disc (--new). */
  newDisc: boolean;
  /** firstaid's own disc manifest says the disc was closed (ECC discs). */
  closedByFirstaid: boolean;
}

/** Whether this write may go ahead on these media, before the size is known. */
export function assertMediaWritable(drive: DiscDrive, media: MediaState, check: WritePlanCheck): 'new' | 'append' {
  if (media.status === 'absent') throw new FirstaidError('no-media', `There is no disc in ${drive.path}.`, 'Put a blank or a firstaid disc in the drive.');
  if (media.status === 'blank') return 'new';
  const foreign = isForeign(media);
  if (check.newDisc) {
    if (!media.rewritable) throw new FirstaidError('disc-write-once', `The disc in ${drive.path} already holds data and cannot be rewritten (${media.profile}).`, 'Put a blank disc in the drive.');
    return 'new';
  }
  if (media.status === 'closed' || check.closedByFirstaid) {
    throw new FirstaidError('disc-closed', `The disc in ${drive.path} is closed: nothing can be appended to it.`, media.rewritable && !foreign ? 'Write a new disc over it with --new, or use another disc.' : 'Use another (blank) disc.');
  }
  if (foreign) {
    const what = media.volid ? `volume "${media.volid}"` : 'data without an ISO 9660 session';
    throw new FirstaidError('disc-foreign', `The disc in ${drive.path} was not written by firstaid (${what}).`, media.rewritable ? 'To erase it and write a new disc, add --new; otherwise use another disc.' : 'Use another (blank) disc.');
  }
  if (media.status !== 'appendable') throw new FirstaidError('disc-state', `The disc in ${drive.path} is in an unknown state (${media.profile}).`, 'Check the drive and disc, then try again.');
  return 'append';
}

/** Refuses an image that does not fit with the margin. `capacityBlocks` caps file pseudo-drives. */
export function assertFits(drive: DiscDrive, space: SpaceReport, freeBlocks: number): void {
  const need = space.imageBlocks + marginBlocks(freeBlocks);
  if (need > freeBlocks || space.afterCommitBlocks < 0) {
    const mib = (b: number) => `${(b * 2048 / 1048576).toFixed(1)} MiB`;
    throw new FirstaidError('disc-too-small', `The backup needs ${mib(space.imageBlocks)} (with margin ${mib(need)}) but the disc in ${drive.path} has ${mib(Math.max(0, freeBlocks))} free. Nothing was written.`, 'Use a new or bigger disc, or write fewer backups at once.');
  }
}
