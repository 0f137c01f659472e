/**
 * `firstaid disc repair --drive D --to FILE`: read what the disc gives into FILE (rerun: the
 * sector map keeps the good blocks) and repair it with the disc's RS03 data (dvdisaster).
 * FILE is then a disc image: `disc verify --drive FILE`, `revert ID --from-disc FILE`.
 */
import type { CliContext } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { resolve } from 'node:path';
import { repairDisc } from '../../../backup/discs/ecc.js';
import { depsOf, driveOf } from './shared.js';

export async function discRepair(ctx: CliContext): Promise<ExitCode> {
  const drive = await driveOf(ctx, 'repair');
  const to = ctx.flags.to;
  if (typeof to !== 'string' || to === '') throw new UsageError('disc repair needs --to FILE (where the repaired image goes).', 'Use: firstaid disc repair --drive D --to FILE');
  if (resolve(to) === drive.path) throw new UsageError('--to must not be the drive itself.', 'Give a new file for the repaired image.');
  const r = await repairDisc(depsOf(ctx), drive, resolve(to));
  if (ctx.options.json) ctx.out(JSON.stringify({ repair: r }, null, 2));
  else {
    ctx.out(`${r.repaired ? 'Repaired' : 'NOT fully repaired'}: ${r.to} (${r.unreadableBlocks} unreadable block(s) on ${r.drive}).`);
    for (const l of r.report) ctx.out(`  ${l}`);
    if (r.repaired) ctx.out(`Check it with: firstaid disc verify --drive ${r.to}`);
  }
  return r.repaired ? 0 : 1;
}
