/**
 * Verifying a disc without the originals, in layers (field notes: never trust an exit code
 * alone): (1) every block of every session read and each session's MD5 tag checked
 * (-check_media event=FAILURE); (2) every file's recorded MD5 (-check_md5_r, all sessions);
 * (3) an independent reader (the kernel's iso9660 when it mounts, else xorriso extraction with
 * its MD5s off) compares every file with the disc manifest's sha256, and each backup space on
 * the disc verifies against its own manifest. Unreadable sectors are reported; the rest goes on.
 */
import { rm } from 'node:fs/promises';
import type { DiscDrive, DiscSession } from '../../devices/optical/types.js';
import { parseCheckMd5, parseCheckMedia, parseFindFiles, parseTruncation } from '../../devices/optical/parse.js';
import { xorriso } from '../../devices/optical/xorriso.js';
import { MANIFEST_DIR, type DiscManifest } from './disc-manifest.js';
import { makeWorkDir, readContents } from './disc-read.js';
import { readerCheck, type ReaderKind } from './reader-check.js';
import type { DiscDeps } from './write.js';

export interface DamagedFile {
  path: string;
  /** The backup space it belongs to (null: a plain directory, or not in any manifest). */
  backup: string | null;
  /** Which layers found it: "md5 mismatch", "unreadable", "sha256 differs", "missing", "size differs". */
  why: string[];
}

/** intact: every check passed; damaged: a check failed; unverifiable: not a firstaid disc and no MD5s on it. */
export type DiscVerdict = 'intact' | 'damaged' | 'unverifiable';

export interface DiscVerifyResult {
  ok: boolean;
  verdict: DiscVerdict;
  /** A firstaid backup disc (a FIRSTAID_YYYYMMDD session, disc manifests). */
  firstaidDisc: boolean;
  drive: string;
  sessions: DiscSession[];
  volid: string;
  /** Block ranges that could not be read. */
  unreadable: { lba: number; blocks: number }[];
  /** Session MD5 tag ranges that did not match. */
  badSessionTags: { lba: number; blocks: number }[];
  damaged: DamagedFile[];
  backups: { id: string; dir: string; ok: boolean; problems: string[] }[];
  reader: ReaderKind | null;
  filesChecked: number;
  problems: string[];
  summary: string;
}

export interface VerifyRequest {
  drive: DiscDrive;
  mediaBlocks: number;
  onProgress?: (message: string) => void;
}

function ownerOf(manifests: DiscManifest[], path: string): string | null {
  for (const m of manifests) for (const f of m.files) if (f.path === path) return f.backup;
  for (const m of manifests) for (const b of m.backups) if (path.startsWith(`${b.dir}/`)) return b.id;
  return null;
}

export async function verifyDisc(deps: DiscDeps, req: VerifyRequest): Promise<DiscVerifyResult> {
  const say = req.onProgress ?? (() => undefined);
  const { drive } = req;
  say('reading the table of contents');
  const contents = await readContents(deps.runner, drive, req.mediaBlocks);
  const problems = [...contents.manifestProblems];
  const damaged = new Map<string, DamagedFile>();
  const mark = (path: string, why: string) => {
    const d = damaged.get(path) ?? { path, backup: ownerOf(contents.manifests, path), why: [] };
    if (!d.why.includes(why)) d.why.push(why);
    damaged.set(path, d);
  };
  if (contents.media.sessions.length === 0) problems.push('the disc holds no session');

  // The three layers read the same blocks: run side by side (the second reader finds them cached).
  say('reading every block of every session, every file\'s MD5, and every file back');
  const work = contents.manifests.length > 0 ? await makeWorkDir('verify') : null;
  const [cm, md, rc] = await Promise.all([
    xorriso(deps.runner, ['-md5', 'on', '-indev', drive.address, '-check_media', 'event=FAILURE', 'bad_limit=md5_mismatch', 'report=blocks_files', '--'], { readOnly: true, abortOn: 'NEVER' }),
    xorriso(deps.runner, ['-md5', 'on', '-indev', drive.address, '-check_md5_r', 'FAILURE', '/', '--'], { readOnly: true, abortOn: 'NEVER' }),
    work ? readerCheck(deps, drive, contents.manifests, work, say).finally(() => rm(work, { recursive: true, force: true })) : Promise.resolve(null),
  ]);
  const media = parseCheckMedia(cm.output);
  const unreadable = media.regions.filter((r) => !r.good && r.quality !== 'untested' && r.quality !== 'off_track').map((r) => ({ lba: r.lba, blocks: r.blocks }));
  const badSessionTags = media.tags.filter((t) => !t.ok).map((t) => ({ lba: t.lba, blocks: t.blocks }));
  if (cm.exitCode !== 0 && unreadable.length === 0 && badSessionTags.length === 0) problems.push(`the block check failed (xorriso exit ${cm.exitCode})`);
  const md5 = parseCheckMd5(md.output);
  // Not a firstaid disc and no MD5s at all: nothing to compare with (not damage).
  const noSums = !contents.firstaid && media.tags.length === 0 && md5.noChecksums;
  if (media.tags.length === 0 && contents.media.sessions.some((s) => s.iso) && !noSums) problems.push('no session MD5 tags found (not written with -md5 on?)');

  for (const p of md5.mismatched) mark(p, 'md5 mismatch');
  for (const p of md5.unreadable) mark(p, 'unreadable');
  if (md5.noChecksums && contents.manifests.length + contents.manifestProblems.length > 0) problems.push('the recorded file MD5s could not be loaded (damaged)');
  else if (md.exitCode !== 0 && md5.mismatched.length + md5.unreadable.length === 0) problems.push(`the per-file MD5 check failed (xorriso exit ${md.exitCode})`);
  const cut = parseTruncation(cm.output);
  if (cut) problems.push(`the disc is cut short: ${cut.imageBlocks} blocks recorded, ${cut.readableBlocks} readable`);

  // Files in the disc's tree that no readable manifest covers (a session's manifest lost): named, unchecked.
  if (contents.manifests.length > 0) {
    const known = new Set(contents.manifests.flatMap((m) => m.files.map((f) => f.path)));
    const tree = parseFindFiles((await xorriso(deps.runner, ['-indev', drive.address, '-find', '/', '-type', 'f', '--'], { readOnly: true, abortOn: 'NEVER' })).output);
    for (const p of tree) if (!known.has(p) && !p.startsWith(`${MANIFEST_DIR}/`)) mark(p, 'not in a readable disc manifest');
  }

  const reader: ReaderKind | null = rc?.reader ?? null;
  // Another disc's files are checked by their recorded MD5s only (layer 2): all of them, when it passed.
  const filesChecked = rc?.filesChecked ?? (!contents.firstaid && md5.summaryOk ? await countFiles(deps, drive) : 0);
  const backups: DiscVerifyResult['backups'] = rc?.backups ?? [];
  if (rc) {
    for (const d of rc.damaged) for (const w of d.why) mark(d.path, w);
    problems.push(...rc.problems);
  }
  const badBackups = backups.filter((b) => !b.ok);
  const clean = problems.length === 0 && damaged.size === 0 && unreadable.length === 0 && badSessionTags.length === 0 && badBackups.length === 0;
  const verdict: DiscVerdict = !clean ? 'damaged' : noSums ? 'unverifiable' : 'intact';
  const ok = verdict === 'intact';
  const parts: string[] = [];
  if (damaged.size) parts.push(`${damaged.size} damaged or unreadable file(s): ${[...damaged.values()].map((d) => `${d.path}${d.backup ? ` (backup ${d.backup})` : ''}`).join(', ')}`);
  if (unreadable.length) parts.push(`unreadable sectors at ${unreadable.map((u) => `${u.lba}+${u.blocks}`).join(', ')}`);
  if (badSessionTags.length) parts.push(`session MD5 mismatch in session(s) starting at block ${badSessionTags.map((t) => t.lba).join(', ')}`);
  if (badBackups.length) parts.push(`backup(s) failing their own check: ${badBackups.map((b) => b.id).join(', ')}`);
  parts.push(...problems);
  const kind = contents.firstaid ? '' : `not a firstaid backup disc (volume ${contents.media.volid || 'without a name'}), `;
  const summary = verdict === 'intact'
    ? `intact: ${kind}${contents.media.sessions.length} session(s), ${filesChecked} file(s) checked`
    : verdict === 'unverifiable'
      ? `${kind}carries no MD5 checksums: every block was read, but its contents cannot be checked`
      : parts.join('; ');
  return {
    ok, verdict, firstaidDisc: contents.firstaid, drive: drive.path, sessions: contents.media.sessions, volid: contents.media.volid, unreadable, badSessionTags,
    damaged: [...damaged.values()], backups, reader, filesChecked, problems,
    summary,
  };
}

async function countFiles(deps: DiscDeps, drive: DiscDrive): Promise<number> {
  const run = await xorriso(deps.runner, ['-indev', drive.address, '-find', '/', '-type', 'f', '--'], { readOnly: true, abortOn: 'NEVER' });
  return parseFindFiles(run.output).length;
}
