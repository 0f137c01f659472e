/** `firstaid archive create|list|extract|keep|remove ...`: archives of backups or directories at a storage URL. */
import type { CliCommand } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { ARCHIVE_OPTIONS } from './common.js';

const VERBS = {
  create: async () => (await import('./create.js')).archiveCreate,
  list: async () => (await import('./list.js')).archiveList,
  extract: async () => (await import('./extract.js')).archiveExtract,
  keep: async () => (await import('./keep.js')).archiveKeep,
  remove: async () => (await import('./remove.js')).archiveRemove,
} as const;

export const archiveCommand: CliCommand = {
  name: 'archive',
  options: ARCHIVE_OPTIONS,
  async run(ctx): Promise<ExitCode> {
    const verb = ctx.args[0];
    if (verb === undefined || !(verb in VERBS)) {
      throw new UsageError(verb === undefined ? 'archive needs a verb.' : `Unknown archive command "${verb}".`, 'Use: firstaid archive create|list|extract|keep|remove (see firstaid --help).');
    }
    return (await VERBS[verb as keyof typeof VERBS]())(ctx);
  },
};
