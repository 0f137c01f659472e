/**
 * `firstaid peers list|check|stage [--peers FILE] [--staging DIR] [--json]`: CedarBackup's pool
 * from the master's side. A file a verb.
 */
import type { CliCommand } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { PEERS_OPTIONS } from './common.js';
import { peersList } from './list.js';
import { peersCheck } from './check.js';
import { peersStage } from './stage.js';

const VERBS = { list: peersList, check: peersCheck, stage: peersStage } as const;

export const peersCommand: CliCommand = {
  name: 'peers',
  options: PEERS_OPTIONS,
  async run(ctx): Promise<ExitCode> {
    const verb = ctx.args[0] ?? 'list';
    const run = (VERBS as Record<string, (typeof VERBS)['list']>)[verb];
    if (!run) throw new UsageError(`Unknown peers command "${verb}".`, 'Use: firstaid peers list|check|stage --peers FILE [--staging DIR] [--json]');
    if (ctx.args.length > 1) throw new UsageError(`peers ${verb} takes no arguments.`, 'Use: firstaid peers list|check|stage --peers FILE [--staging DIR] [--json]');
    return run(ctx);
  },
};
