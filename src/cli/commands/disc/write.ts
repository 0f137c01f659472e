/**
 * `firstaid disc write --drive D [--new] [--ecc] [--media M] [--dry-run] [--yes] SOURCE...`:
 * backup ids and directories (and the day's staged files) onto a new disc or a new session.
 */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../../context.js';
import { UsageError, type ExitCode, type FirstaidError } from '../../../core/errors.js';
import type { DiscVerifyResult } from '../../../backup/discs/verify.js';
import { parseSpaceId } from '../../../backup/spaces/ids.js';
import type { WriteResult } from '../../../backup/discs/write.js';
import { writeAndRecord, writeEntries } from '../../../app/disc.js';
import { describeDrive } from '../../../devices/optical/drives.js';
import { depsOf, driveOf, mediaBlocksOf, mib, stagingOf, storeDirOf } from './shared.js';
import { formatVerify } from './verify.js';

export function formatWrite(r: WriteResult): string {
  const lines = [`${r.dryRun ? 'Would write' : 'Wrote'} ${r.mode === 'new' ? 'a new disc' : 'a new session'} ${r.volid} to ${r.drive}: ${mib(r.space.imageBlocks)} of ${mib(r.freeBlocks)} free.`];
  for (const b of r.manifest.backups) lines.push(`  backup ${b}`);
  for (const d of r.manifest.directories) lines.push(`  directory ${d}`);
  lines.push(`  ${r.manifest.files} file(s), ${(r.manifest.bytes / 1048576).toFixed(1)} MiB; disc manifest ${r.manifest.path}`);
  if (r.check) lines.push(`Check: ${formatVerify(r.check)}`);
  for (const i of r.indicators) lines.push(`  store indicator ${i}`);
  return lines.join('\n');
}

async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (ctx.options.yes || ctx.options.json || ctx.options.dryRun || !process.stdin.isTTY || !process.stdout.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const a = await rl.question(`${question} [y/N] `).finally(() => rl.close());
  return /^y(es)?$/i.test(a.trim());
}

export async function discWrite(ctx: CliContext, opts: { close?: boolean } = {}): Promise<ExitCode> {
  const sources = ctx.args.slice(1);
  const drive = await driveOf(ctx);
  const date = new Date();
  const staging = stagingOf(ctx);
  const needsStore = sources.some((s) => parseSpaceId(s) && !s.startsWith('/') && !s.startsWith('.'));
  const storeDir = needsStore ? await storeDirOf(ctx) : null;
  const entries = await writeEntries(sources, storeDir, staging, date);
  if (entries.length === 0) throw new UsageError('disc write needs at least one SOURCE (a backup id or a directory).', 'Use: firstaid disc write --drive D SOURCE...');
  if (!(await confirm(ctx, `Write ${entries.length} source(s) to ${describeDrive(drive)}?`))) {
    ctx.out('Nothing was written.');
    return 1;
  }
  const r = await writeAndRecord(depsOf(ctx), {
    drive, mediaBlocks: mediaBlocksOf(ctx), entries, newDisc: ctx.flags.new === true, close: opts.close ?? false, ecc: ctx.flags.ecc === true, date, staging,
    ...(ctx.options.json ? {} : { onProgress: (p) => ctx.err(`  ${p.stage}: ${p.message}`) }),
  }).catch((e: unknown) => {
    // A failed check: the result names the damage; printed with the error (one JSON document).
    const check = (e as { check?: DiscVerifyResult }).check;
    if (!check) throw e;
    const err = e as FirstaidError;
    if (ctx.options.json) ctx.out(JSON.stringify({ error: { code: err.code, message: err.message, hint: err.hint }, check }, null, 2));
    else ctx.err(`firstaid: ${err.message}\n  ${err.hint}\n${formatVerify(check)}`);
    return null;
  });
  if (r === null) return 1;
  ctx.out(ctx.options.json ? JSON.stringify({ write: r }, null, 2) : formatWrite(r));
  return 0;
}

