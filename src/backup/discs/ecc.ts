/**
 * Error-correction data (opt-in, --ecc): dvdisaster RS03 inside the image, for a new disc that
 * is closed (appending destroys the ECC: field notes). The image is built to a file, augmented,
 * then burned whole. `repair` reads what it can (-check_media data_to= sector_map=, repeatable)
 * and repairs the copy with dvdisaster. dvdisaster's exit codes are odd (-f gives 1 on success,
 * -t 13 when damaged): its output decides.
 */
import { stat, truncate } from 'node:fs/promises';
import { FirstaidError } from '../../core/errors.js';
import type { DiscDrive } from '../../devices/optical/types.js';
import { problemLines, xorriso } from '../../devices/optical/xorriso.js';
import type { DiscDeps } from './write.js';

/** RS03 picks the smallest fitting medium itself: a CD's 359,295 sectors at least (measured). */
export const ECC_MIN_BLOCKS = 359_295;
/** What burning an image adds: 300 KiB of padding (measured: 359,295 blocks became 359,456 read back). */
export const ECC_PAD_BLOCKS = 170;
/** The smallest ISO dvdisaster 0.79 augments with RS03 (measured: 1,632 blocks of data plus padding failed, 1,498 of data worked). */
export const ECC_MIN_ISO_BLOCKS = 1_800;
/** The image sizes RS03 augments to (CD, DVD, DVD9, BD, BD2 in dvdisaster 0.79). */
export const RS03_SIZES = [359_295, 2_295_104, 4_173_824, 11_826_176, 23_652_352];

/**
 * A disc read back holds the augmented image plus the burner's padding; dvdisaster finds its
 * RS03 data only in a copy of exactly the augmented size (measured): the largest RS03 size
 * the copy covers.
 */
export function rs03SizeFor(copyBlocks: number): number | null {
  return RS03_SIZES.filter((b) => b <= copyBlocks).at(-1) ?? null;
}

export function eccUnavailable(why: string): FirstaidError {
  return new FirstaidError('ecc-unavailable', `Error-correction data cannot be added: ${why}.`, 'Write without --ecc, or use a blank (or --new rewritable) disc of at least 700 MiB.', 1);
}

/** Augments `image` in place with RS03 data; returns its new size in blocks. */
export async function augmentImage(deps: DiscDeps, image: string): Promise<number> {
  await deps.runner.require('dvdisaster');
  const r = await deps.runner.run('dvdisaster', ['-c', '-mRS03', '-o', 'image', '-i', image], { allowFailure: true, timeoutMs: 6 * 60 * 60 * 1000 });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0 || !/(successfully|finished|Image has been augmented)/i.test(out)) {
    throw new FirstaidError('ecc-failed', `dvdisaster could not add error-correction data (exit ${r.exitCode}): ${out.trim().split('\n').slice(-2).join(' ')}`, 'Nothing was written to the disc. Write without --ecc, or try again.');
  }
  return Math.ceil((await stat(image)).size / 2048);
}

/** Burns a finished image whole (no -multi: the disc is closed). */
export async function burnImage(deps: DiscDeps, drive: DiscDrive, image: string): Promise<void> {
  const run = await xorriso(deps.runner, ['-as', 'cdrecord', '-v', `dev=${drive.address}`, 'blank=as_needed', image]);
  if (run.exitCode !== 0) {
    throw new FirstaidError('disc-write-failed', `Burning the ECC image to ${drive.path} failed: ${problemLines(run).join('; ') || `xorriso exit ${run.exitCode}`}`, 'Retry on a new disc.');
  }
}

export interface RepairResult {
  drive: string;
  to: string;
  /** Blocks xorriso could not read (recorded in the sector map). */
  unreadableBlocks: number;
  repaired: boolean;
  /** dvdisaster's own words. */
  report: string[];
}

export async function repairDisc(deps: DiscDeps, drive: DiscDrive, to: string): Promise<RepairResult> {
  await deps.runner.require('dvdisaster');
  // Reads every block it can into `to`; the map remembers good blocks, so a rerun only retries the bad ones.
  // As -outdev (acquired, never written: no -commit), so a damaged ISO tree cannot stop the read.
  const read = await xorriso(deps.runner, ['-outdev', drive.address, '-check_media', 'use=outdev', 'what=disc', 'min_lba=0', `data_to=${to}`, `sector_map=${to}.map`, 'report=blocks', '--'], { abortOn: 'NEVER', readOnly: true });
  if (!(await stat(to).catch(() => null))) {
    throw new FirstaidError('disc-unreadable', `Nothing could be read from ${drive.path}: ${problemLines(read).join('; ') || `xorriso exit ${read.exitCode}`}`, 'Check the drive and the disc, then try again.');
  }
  const bad = [...read.output.matchAll(/Media region\s*:\s*\d+\s*,\s*(\d+)\s*,\s*-\s*\S+/g)].reduce((a, m) => a + Number(m[1]), 0);
  const size = rs03SizeFor(Math.floor((await stat(to)).size / 2048));
  if (size !== null) await truncate(to, size * 2048);
  const fix = await deps.runner.run('dvdisaster', ['-f', '-i', to], { allowFailure: true, timeoutMs: 6 * 60 * 60 * 1000 });
  const out = `${fix.stdout}\n${fix.stderr}`.replace(/[\r\b]+/g, '\n');
  const report = out.split('\n').map((l) => l.trim()).filter((l) => /repaired|uncorrectable|Good|not damaged|failed|No error correction data/i.test(l)).slice(-6);
  const test = await deps.runner.run('dvdisaster', ['-t', '-i', to], { allowFailure: true, readOnly: true, timeoutMs: 6 * 60 * 60 * 1000 });
  const repaired = test.exitCode === 0 && !/uncorrectable|damaged/i.test(`${test.stdout}${test.stderr}`.replace(/not damaged/gi, ''));
  if (/No error correction data|not augmented|cannot find ECC|no ecc/i.test(out) && !repaired) {
    throw new FirstaidError('no-ecc', `The disc in ${drive.path} carries no error-correction data, so it cannot be repaired (the readable part is in ${to}).`, 'Check it with: firstaid disc verify --drive D');
  }
  return { drive: drive.path, to, unreadableBlocks: bad, repaired, report };
}
