/**
 * `firstaid storage ls|stat|get|put|rm URL ...`: files at a storage URL (a directory or USB
 * stick, file://, sftp://, rsync://, rsync+ssh://, s3://, and par2+ before any of them).
 * One file a verb; the shared options and opening are in open.ts.
 */
import type { CliCommand, CliContext } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { STORAGE_OPTIONS } from './open.js';
import { storageLs } from './ls.js';
import { storageStat } from './stat.js';
import { storageGet } from './get.js';
import { storagePut } from './put.js';
import { storageRm } from './rm.js';

const VERBS: Record<string, (ctx: CliContext) => Promise<ExitCode>> = { ls: storageLs, stat: storageStat, get: storageGet, put: storagePut, rm: storageRm };

export const storageCommand: CliCommand = {
  name: 'storage',
  options: STORAGE_OPTIONS,
  async run(ctx) {
    const verb = ctx.args[0];
    const run = verb ? VERBS[verb] : undefined;
    if (!run) throw new UsageError(`firstaid storage wants one of ${Object.keys(VERBS).join(', ')}${verb ? `, not "${verb}"` : ''}.`, 'For example: firstaid storage ls sftp://user@host/backups');
    return run(ctx);
  },
};
