/**
 * `firstaid disc drives|status|write|verify|rebuild|repair`: CD/DVD drives and pseudo-drives
 * (an image file, a loop device). One file a verb; the options are the union of the verbs'.
 */
import type { CliCommand } from '../../context.js';
import { UsageError } from '../../../core/errors.js';
import { DISC_OPTIONS } from './shared.js';
import { discDrives } from './drives.js';
import { discStatus } from './status.js';
import { discWrite } from './write.js';
import { discVerify } from './verify.js';
import { discRebuild } from './rebuild.js';
import { discRepair } from './repair.js';

const VERBS = { drives: discDrives, status: discStatus, write: discWrite, verify: discVerify, rebuild: discRebuild, repair: discRepair } as const;

export const discCommand: CliCommand = {
  name: 'disc',
  options: DISC_OPTIONS,
  async run(ctx) {
    const verb = ctx.args[0] as keyof typeof VERBS | undefined;
    if (!verb || !(verb in VERBS)) {
      throw new UsageError(verb ? `Unknown disc command "${verb}".` : 'disc needs a command.', 'Use: firstaid disc drives|status|write|verify|rebuild|repair --drive D');
    }
    return VERBS[verb](ctx);
  },
};
