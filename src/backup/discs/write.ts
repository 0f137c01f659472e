/**
 * CedarBackup's store, through xorriso: refuse what must be refused (in use, closed, foreign,
 * too small) before anything is written, then one session (-md5 on, Joliet + Rock Ridge, label
 * FIRSTAID_<date>, -assert_volid on append) holding the mapped sources and the session's disc
 * manifest; then the consistency check; only when it passes, the store indicators.
 */
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import { assertFits, assertMediaWritable, assertNotInUse } from '../../devices/optical/refusals.js';
import { parseProgress, parseSpace } from '../../devices/optical/parse.js';
import { problemLines, xorriso } from '../../devices/optical/xorriso.js';
import type { DiscDrive, SpaceReport, WriteProgress } from '../../devices/optical/types.js';
import { utcStamp } from '../spaces/ids.js';
import { hashPlanned, manifestDiscPath, manifestOf, planFiles, type DiscManifest, type MapEntry } from './disc-manifest.js';
import { makeWorkDir, readContents } from './disc-read.js';
import { verifyDisc, type DiscVerifyResult } from './verify.js';
import { volidFor, writeStoreIndicator } from './layout.js';
import { augmentImage, burnImage, eccUnavailable, ECC_MIN_BLOCKS, ECC_MIN_ISO_BLOCKS, ECC_PAD_BLOCKS } from './ecc.js';

/** Never a hard disk as stdio: (a second fence behind resolveDrive). */
const BANNED = ['/dev/sd*', '/dev/hd*', '/dev/vd*', '/dev/xvd*', '/dev/nvme*', '/dev/mmcblk*', '/dev/dm-*', '/dev/md*'];

export interface DiscDeps {
  runner: Runner;
  log: SessionLog;
}

export interface WriteRequest {
  drive: DiscDrive;
  /** Capacity of a file pseudo-drive (parseMedia). */
  mediaBlocks: number;
  entries: MapEntry[];
  /** A new disc (--new): blank rewritable media first. */
  newDisc: boolean;
  /** Close the disc after this session (ECC discs). */
  close: boolean;
  date: Date;
  /** Staged days whose dirs this write stores: they get the store indicator after the check. */
  staged: { stagingDir: string; days: Date[] } | null;
  /** dvdisaster RS03 data in the image; the disc is new and closed (ecc.ts). */
  ecc?: boolean;
  /** false only for bench/disc-bench.ts (timing the write alone): the CLI always checks. */
  check?: boolean;
  /** Tests only: a fault put on the medium between the write and its check (a flipped byte). */
  beforeCheck?: () => Promise<void> | void;
  onProgress?: (p: { stage: 'check' | 'hash' | 'size' | 'write' | 'verify'; message: string; progress?: WriteProgress }) => void;
}

export interface WriteResult {
  drive: string;
  mode: 'new' | 'append';
  volid: string;
  space: SpaceReport;
  freeBlocks: number;
  manifest: { path: string; files: number; bytes: number; backups: string[]; directories: string[] };
  dryRun: boolean;
  check: DiscVerifyResult | null;
  indicators: string[];
}

function mapArgs(entries: MapEntry[], manifestHost: string, manifestPath: string): string[] {
  return [...entries.flatMap((e) => ['-map', e.hostPath, e.discPath]), '-map', manifestHost, manifestPath];
}

/** Blocks a new disc would offer on media that hold data now (--new). */
async function newDiscBlocks(req: WriteRequest, readable: number | null, writable: number | null): Promise<number> {
  if (req.drive.kind === 'file') return req.mediaBlocks;
  if (req.drive.kind === 'loop') {
    const sectors = Number((await readFile(`/sys/block/${req.drive.path.split('/').pop()}/size`, 'utf8')).trim());
    return Math.floor((sectors * 512) / 2048) - 32;
  }
  return (readable ?? 0) + (writable ?? 0);
}

export async function writeDisc(deps: DiscDeps, req: WriteRequest): Promise<WriteResult> {
  const { drive } = req;
  const say = req.onProgress ?? (() => undefined);
  if (req.entries.length === 0) throw new FirstaidError('nothing-to-write', 'There is nothing to write: no sources and no staged files for the day.', 'Name backup ids or directories to write.', 2);
  say({ stage: 'check', message: `checking ${drive.path}` });
  // The files are listed and hashed while the drive is checked and the image sized (the sizing
  // needs only the manifest's size, the same with every sha256 still zeros): on the other core.
  const files = await planFiles(req.entries);
  const toHash = files.filter((f) => !f.sha256).length;
  const hashing = hashPlanned(files, deps.runner);
  hashing.catch(() => undefined); // awaited below; a refusal first must not leave it unhandled
  let work: string | null = null;
  try {
    await assertNotInUse(drive);
    const contents = await readContents(deps.runner, drive, req.mediaBlocks);
    const closedByFirstaid = contents.manifests.at(-1)?.closed === true;
    const mode = assertMediaWritable(drive, contents.media, { newDisc: req.newDisc, closedByFirstaid });
    if (mode === 'append' && contents.manifestProblems.length > 0) {
      throw new FirstaidError('disc-damaged', `The disc in ${drive.path} looks like a firstaid disc but ${contents.manifestProblems.join('; ')}.`, 'Verify it (firstaid disc verify), then write a new disc (--new) or use another.');
    }
    if (req.ecc && mode !== 'new') throw eccUnavailable('the disc already holds sessions; ECC data only works on a new, closed disc (appending destroys it)');
    const volid = volidFor(req.date);
    // The session's number is in the name: two sessions written within one second must not share
    // a manifest path (the newer tree would hide the older session's manifest).
    const stamp = `${utcStamp(new Date())}-s${mode === 'new' ? 1 : contents.media.sessions.length + 1}`;
    const manifestPath = manifestDiscPath(stamp);
    work = await makeWorkDir('write');
    const closed = req.close || req.ecc === true;
    const written = new Date();
    const manifestHost = join(work, 'manifest.json');
    const placeholder = JSON.stringify(manifestOf(req.entries, files, volid, closed, written, true)) + '\n';
    await writeFile(manifestHost, placeholder);
    const maps = mapArgs(req.entries, manifestHost, manifestPath);
    const head = mode === 'new'
      ? ['-md5', 'on', ...BANNED.flatMap((b) => ['-drive_class', 'banned', b]), '-outdev', drive.address]
      : ['-md5', 'on', ...BANNED.flatMap((b) => ['-drive_class', 'banned', b]), '-assert_volid', 'FIRSTAID_*', 'FATAL', '-dev', drive.address];
    const body = ['-volid', volid, '-joliet', 'on', '-rockridge', 'on', ...maps];
    say({ stage: 'size', message: 'computing the image size' });
    // Over data that --new will blank, xorriso cannot size against the drive: size the image alone.
    const fresh = mode === 'new' && contents.media.status !== 'blank';
    const sizeHead = fresh ? ['-md5', 'on', '-outdev', 'stdio:/dev/null'] : head;
    const sizing = await xorriso(deps.runner, [...sizeHead, ...body, '-print_size', '-tell_media_space', '-rollback_end'], { readOnly: true });
    let space: SpaceReport;
    try {
      space = parseSpace(sizing.output);
    } catch {
      throw new FirstaidError('disc-size', `The image size could not be computed: ${problemLines(sizing).join('; ') || `xorriso exit ${sizing.exitCode}`}`, 'Check the sources and the drive, then try again. Nothing was written.');
    }
    // --new over data: the room of the blanked medium; else what the drive offers, capped for files (--media).
    const freeBlocks = fresh ? await newDiscBlocks(req, contents.media.readableBlocks, contents.media.writableBlocks) : Math.min(contents.freeBlocks, space.mediaBlocks);
    const effective = { ...space, afterCommitBlocks: freeBlocks - space.imageBlocks };
    assertFits(drive, effective, freeBlocks);
    // An RS03 image has a medium's exact size (dvdisaster sized it to fit one): only the burn's padding is added.
    if (req.ecc && freeBlocks < ECC_MIN_BLOCKS + ECC_PAD_BLOCKS) throw eccUnavailable(`the medium has ${freeBlocks} blocks; an RS03 image needs ${ECC_MIN_BLOCKS} (a CD) at least`);
    say({ stage: 'hash', message: `hashing ${toHash} file(s) for the disc manifest` });
    await hashing;
    const manifest: DiscManifest = manifestOf(req.entries, files, volid, closed, written);
    const text = JSON.stringify(manifest) + '\n';
    // Same length by construction; were it not, the sizing above would be wrong.
    if (Buffer.byteLength(text) !== Buffer.byteLength(placeholder)) throw new Error('the disc manifest changed size after hashing');
    await writeFile(manifestHost, text);
    const summary = {
      path: manifestPath, files: manifest.files.length, bytes: manifest.files.reduce((a, f) => a + f.size, 0),
      backups: manifest.backups.map((b) => b.id), directories: manifest.directories,
    };
    const base: WriteResult = { drive: drive.path, mode, volid, space, freeBlocks, manifest: summary, dryRun: deps.runner.dryRun, check: null, indicators: [] };
    const blank = mode === 'new' ? ['-blank', 'as_needed'] : [];
    const args = [...head, ...blank, ...body, '-close', closed ? 'on' : 'off', '-commit'];
    if (deps.runner.dryRun) {
      await deps.runner.run('xorriso', args); // recorded, not run
      return base;
    }
    say({ stage: 'write', message: `writing ${space.imageBlocks} blocks to ${drive.path}` });
    if (req.ecc) {
      const image = join(work, 'ecc.iso');
      // dvdisaster's RS03 fails on an ISO smaller than one of its layers ("seek failed", measured
      // below ~1,400 blocks; -padding does not count): a sparse filler file makes up the size.
      const filler: string[] = [];
      if (space.imageBlocks < ECC_MIN_ISO_BLOCKS) {
        const f = join(work, 'ecc-filler');
        await writeFile(f, '');
        await truncate(f, (ECC_MIN_ISO_BLOCKS - space.imageBlocks) * 2048);
        filler.push('-map', f, '/FIRSTAID/ecc-filler');
      }
      const built = await xorriso(deps.runner, ['-md5', 'on', '-outdev', `stdio:${image}`, ...body, ...filler, '-close', 'on', '-commit']);
      if (built.exitCode !== 0) throw new FirstaidError('disc-write-failed', `Building the image failed: ${problemLines(built).join('; ')}`, 'Nothing was written to the disc. Check the sources and try again.');
      say({ stage: 'write', message: 'adding error-correction data (dvdisaster RS03)' });
      const blocks = await augmentImage(deps, image);
      if (blocks + ECC_PAD_BLOCKS > freeBlocks) throw eccUnavailable(`the image with ECC data has ${blocks} blocks; the medium ${freeBlocks}. Nothing was written`);
      say({ stage: 'write', message: `burning ${blocks} blocks to ${drive.path}` });
      await burnImage(deps, drive, image);
      await rm(image, { force: true });
    }
    const w = req.ecc ? null : await xorriso(deps.runner, args, {
      onLine: (t) => {
        const p = parseProgress(t);
        if (p) say({ stage: 'write', message: `${p.percent.toFixed(1)}% written`, progress: p });
      },
    });
    if (w && (w.exitCode !== 0 || !/completed successfully/.test(w.output))) {
      throw new FirstaidError('disc-write-failed', `Writing to ${drive.path} failed: ${problemLines(w).join('; ') || `xorriso exit ${w.exitCode}`}`, 'Retry, or write a new disc (--new on rewritable media, or a blank one).');
    }
    deps.log.info(`disc ${drive.path}: session ${volid} written (${space.imageBlocks} blocks, ${summary.files} files)`);
    if (req.check === false) return base;
    await req.beforeCheck?.();
    say({ stage: 'verify', message: 'checking the disc (every block, MD5s, every file)' });
    const check = await verifyDisc(deps, { drive, mediaBlocks: req.mediaBlocks });
    if (!check.ok) {
      throw Object.assign(new FirstaidError('disc-check-failed', `The disc in ${drive.path} was written but failed its check: ${check.summary}. No store indicator was written.`, 'Retry on a new disc (firstaid disc rebuild, or --new), and keep the backups on the disk meanwhile.'), { check });
    }
    const indicators: string[] = [];
    for (const d of req.staged?.days ?? []) indicators.push(await writeStoreIndicator(req.staged!.stagingDir, d, volid));
    return { ...base, check, indicators };
  } finally {
    await hashing.catch(() => undefined); // nothing still reads the sources when this returns
    if (work) await rm(work, { recursive: true, force: true });
  }
}

