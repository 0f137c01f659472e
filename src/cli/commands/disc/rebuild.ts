/** `firstaid disc rebuild --drive D`: this week's staged days and writes onto a new disc. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { rebuildDisc } from '../../../app/disc.js';
import { depsOf, driveOf, mediaBlocksOf, stagingOf } from './shared.js';
import { formatWrite } from './write.js';

export async function discRebuild(ctx: CliContext): Promise<ExitCode> {
  const drive = await driveOf(ctx, 'rebuild');
  const staging = stagingOf(ctx);
  const today = new Date();
  const { days, gone, write: r } = await rebuildDisc(depsOf(ctx), drive, mediaBlocksOf(ctx), staging, today, ctx.options.json ? undefined : (p) => ctx.err(`  ${p.stage}: ${p.message}`));
  const plan = { days, gone };
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ rebuild: { days: plan.days.map((d) => d.toISOString().slice(0, 10)), gone: plan.gone, write: r } }, null, 2));
  } else {
    ctx.out(`Rebuilt ${plan.days.length} day(s) onto a new disc.\n${formatWrite(r)}`);
    for (const g of plan.gone) ctx.out(`  no longer there (not written): ${g}`);
  }
  return 0;
}
