/**
 * `firstaid revert BACKUP_ID [--force] [--yes]`: restore everything a fix's backup holds.
 * BACKUP_ID is "<plugin>/<stamp>-<id>" or the path of the space directory (on the host, or as
 * the installation sees it). Refuses a damaged backup, and files changed since the fix unless --force.
 */
import { existsSync } from 'node:fs';
import type { CliCommand } from '../context.js';
import { FirstaidError, UsageError } from '../../core/errors.js';
import { openFlow } from '../../app/flow-deps.js';
import { backupLocation } from '../flow-cli.js';
import { parseBackupRef, revertFix } from '../../rescue-plugins/flow.js';

export const revertCommand: CliCommand = {
  name: 'revert',
  async run(ctx) {
    const ref = ctx.args[0];
    if (ref === undefined || ctx.args.length > 1) {
      throw new UsageError('revert takes one backup id.', 'Give an id like fstab/20261122T205400Z-ab12cd (firstaid backups list) or a backup directory.');
    }
    const parsed = parseBackupRef(ref);
    if (ctx.io.canPrompt && !ctx.options.yes && !ctx.options.json) {
      if (!(await ctx.io.confirm(`Restore everything backed up in ${parsed.id}?`))) {
        ctx.out('Nothing was changed.');
        return 1;
      }
    }
    const { deps, system } = await openFlow(ctx, { writable: true });
    if (!ctx.options.json) deps.onProgress = (stage, message) => ctx.err(`  ${stage}: ${message}`);
    let target = ref;
    if (parsed.storeDir !== null) {
      // A path as the installation sees it (/var/lib/firstaid/backups/...) wins over the same path on the
      // live system; the target is remounted read-write first, so resolve it after that.
      await system.remountReadWrite();
      if (await system.target.exists(ref)) target = await system.target.resolve(ref);
      else if (!existsSync(ref)) throw new FirstaidError('backup-not-found', `There is no backup directory ${ref}, neither on the installation nor here.`, 'List the backups with: firstaid backups list');
    }
    const r = await revertFix(target, deps, { force: ctx.options.force });
    if (ctx.options.json) {
      ctx.out(JSON.stringify({ revert: r }, null, 2));
      return 0;
    }
    const lines = [`Reverted ${r.backupId} (${backupLocation(system, r.backupDir)}). Restored:`];
    for (const o of r.objects) lines.push(`  ${o}`);
    if (r.forcedOver.length > 0) lines.push(`Overwritten although changed since the fix (--force): ${r.forcedOver.join(', ')}`);
    ctx.out(lines.join('\n'));
    return 0;
  },
};
