/** What the disc verbs share: the drive and medium from the options, the store and staging dirs. */
import type { CliContext } from '../../context.js';
import { UsageError } from '../../../core/errors.js';
import { TargetRoot } from '../../../core/target-root.js';
import { resolveDrive } from '../../../devices/optical/drives.js';
import { parseMedia } from '../../../devices/optical/capacity.js';
import type { DiscDrive } from '../../../devices/optical/types.js';
import { storeDirFor } from '../../../app/store.js';
import { DEFAULT_STAGING_DIR } from '../../../backup/discs/staging-tree.js';
import type { DiscDeps } from '../../../backup/discs/write.js';
import { discDeps } from '../../../app/disc.js';

export { mib } from '../../../app/disc.js';

export const DISC_OPTIONS = {
  drive: { type: 'string' },
  new: { type: 'boolean', default: false },
  ecc: { type: 'boolean', default: false },
  media: { type: 'string' },
  to: { type: 'string' },
  staging: { type: 'string' },
} as const;

/**
 * The drive: --drive D, or D as the verb's one argument (`firstaid disc verify /dev/sr0`).
 * Verbs that take sources (write) pass positional: false.
 */
export async function driveOf(ctx: CliContext, verb?: string): Promise<DiscDrive> {
  const flag = typeof ctx.flags.drive === 'string' && ctx.flags.drive !== '' ? ctx.flags.drive : undefined;
  const rest = verb ? ctx.args.slice(1) : [];
  if (rest.length > 1 || (rest.length === 1 && flag !== undefined && rest[0] !== flag)) {
    throw new UsageError(`disc ${verb} takes one drive.`, `Use: firstaid disc ${verb} D (or --drive D)`);
  }
  const d = flag ?? rest[0];
  if (d === undefined) throw new UsageError('This disc command needs a drive: --drive D.', 'D is /dev/srN, a loop device or an image file (firstaid disc drives).');
  return resolveDrive(d);
}

export function mediaBlocksOf(ctx: CliContext): number {
  return parseMedia(typeof ctx.flags.media === 'string' ? ctx.flags.media : undefined).blocks;
}

export function stagingOf(ctx: CliContext): string {
  return typeof ctx.flags.staging === 'string' ? ctx.flags.staging : DEFAULT_STAGING_DIR;
}

export function depsOf(ctx: CliContext): DiscDeps {
  return discDeps(ctx);
}

/** The backup store backup ids are read from: --backup-store, else the installation's own (read-only). */
export async function storeDirOf(ctx: CliContext): Promise<string> {
  if (ctx.options.backupStore !== undefined || ctx.options.root !== undefined) {
    return storeDirFor(ctx, { target: await TargetRoot.open(ctx.options.root ?? '/', ctx.runner) });
  }
  const { openSystem } = await import('../../../app/open-target.js');
  const { system } = await openSystem(ctx, { writable: false });
  return storeDirFor(ctx, { system });
}

export function noArgs(ctx: CliContext, verb: string): void {
  if (ctx.args.length > 1) throw new UsageError(`disc ${verb} takes no arguments.`, `Use: firstaid disc ${verb} --drive D`);
}
