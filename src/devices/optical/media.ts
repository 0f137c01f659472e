/**
 * The state of the media in a drive, read with `-indev X -toc` (never creates an image file),
 * and the free room a write may use: a file pseudo-drive is capped at the chosen medium's size
 * (--media), a loop device's room is its size, a real drive's is what it reports.
 */
import { stat } from 'node:fs/promises';
import type { Runner } from '../../core/runner.js';
import { FirstaidError } from '../../core/errors.js';
import { parseToc } from './parse.js';
import { problemLines, xorriso } from './xorriso.js';
import type { DiscDrive, MediaState } from './types.js';

export interface MediaReading {
  media: MediaState;
  /** Blocks a new session may use. */
  freeBlocks: number;
  /** The capacity used for the computation (blocks), for display. */
  capacityBlocks: number | null;
}

export const BLANK_FILE: MediaState = {
  profile: 'stdio file, overwriteable', status: 'blank', rewritable: true, sessions: [], dataBlocks: 0,
  nwa: null, readableBlocks: 0, writableBlocks: null, volid: '', offers: [],
};

/** `mediaBlocks`: the capacity of a file pseudo-drive (parseMedia). */
export async function readMedia(runner: Runner, drive: DiscDrive, mediaBlocks: number): Promise<MediaReading> {
  if (drive.kind === 'file') {
    const size = await stat(drive.path).then((s) => s.size, () => -1);
    if (size <= 0) return { media: BLANK_FILE, freeBlocks: mediaBlocks, capacityBlocks: mediaBlocks };
  }
  const run = await xorriso(runner, ['-indev', drive.address, '-toc'], { readOnly: true, timeoutMs: 5 * 60_000 });
  const media = parseToc(run.output);
  if (run.exitCode !== 0 && media.profile === '') {
    const why = problemLines(run).join('; ') || `xorriso exit ${run.exitCode}`;
    throw new FirstaidError('drive-unreadable', `The media in ${drive.path} cannot be read: ${why}`, 'Check that a disc is in the drive (or that the image file is one), then try again.');
  }
  if (media.status === 'closed' || media.status === 'absent') return { media, freeBlocks: 0, capacityBlocks: null };
  const used = media.status === 'blank' ? 0 : (media.nwa ?? media.dataBlocks);
  if (drive.kind === 'file') return { media, freeBlocks: Math.max(0, mediaBlocks - used), capacityBlocks: mediaBlocks };
  return { media, freeBlocks: media.writableBlocks ?? 0, capacityBlocks: (media.writableBlocks ?? 0) + used };
}
