/**
 * Reading what a disc holds: its media state with firstaid's own session manifests (read with
 * xorriso extraction, MD5-checked), and extraction of a disc directory to a host directory.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Runner } from '../../core/runner.js';
import { readMedia, type MediaReading } from '../../devices/optical/media.js';
import { problemLines, xorriso } from '../../devices/optical/xorriso.js';
import type { DiscDrive } from '../../devices/optical/types.js';
import { isFirstaidVolid } from '../../devices/optical/refusals.js';
import { MANIFEST_DIR, parseDiscManifest, type DiscManifest } from './disc-manifest.js';

export interface DiscContents extends MediaReading {
  /** A session carries a firstaid backup disc's volume id (so it should hold a disc manifest). */
  firstaid: boolean;
  manifests: DiscManifest[];
  /** Manifests that could not be read or parsed, named. */
  manifestProblems: string[];
}

/** Where firstaid extracts disc contents for checks and reverts (FIRSTAID_WORK_DIR, else the temp dir). */
export function workBase(): string {
  return process.env.FIRSTAID_WORK_DIR ?? tmpdir();
}

export async function makeWorkDir(label: string): Promise<string> {
  return mkdtemp(join(workBase(), `firstaid-disc-${label}-`));
}

export interface ExtractResult {
  ok: boolean;
  problems: string[];
}

/**
 * `-osirrox on -extract DISC HOST`. With md5 on, xorriso checks each file's MD5 (a mismatch is
 * SORRY, exit 32); with md5 off the bytes come as the media hold them (for our own sha256 check).
 */
export async function extractDir(runner: Runner, drive: DiscDrive, discPath: string, host: string, md5: boolean): Promise<ExtractResult> {
  const run = await xorriso(runner, ['-md5', md5 ? 'on' : 'off', '-osirrox', 'on', '-indev', drive.address, '-extract', discPath, host, '-rollback_end'], { readOnly: true, abortOn: 'NEVER' });
  return { ok: run.exitCode === 0, problems: problemLines(run) };
}

export async function readContents(runner: Runner, drive: DiscDrive, mediaBlocks: number): Promise<DiscContents> {
  const reading = await readMedia(runner, drive, mediaBlocks);
  const manifests: DiscManifest[] = [];
  const manifestProblems: string[] = [];
  const firstaid = reading.media.sessions.some((s) => s.iso && isFirstaidVolid(s.volid));
  if (!firstaid) return { ...reading, firstaid, manifests, manifestProblems };
  const dir = await makeWorkDir('manifests');
  try {
    const x = await extractDir(runner, drive, MANIFEST_DIR, join(dir, 'm'), true);
    if (!x.ok) manifestProblems.push(`the disc manifests could not all be read: ${x.problems.join('; ') || 'xorriso failed'}`);
    const names = (await readdir(join(dir, 'm')).catch(() => [] as string[])).filter((n) => /^session-.*\.json$/.test(n)).sort();
    for (const n of names) {
      try {
        manifests.push(parseDiscManifest(await readFile(join(dir, 'm', n), 'utf8'), `${MANIFEST_DIR}/${n}`));
      } catch (e) {
        manifestProblems.push((e as Error).message);
      }
    }
    if (names.length === 0) manifestProblems.push('the disc carries no firstaid manifest');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ...reading, firstaid, manifests, manifestProblems };
}
