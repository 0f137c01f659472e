/** The apply loop plugins whose plans are commands share: refuse a blocked plan, then run each command in order. */
import type { ChrootEnv, Plan, PlanAction, PluginContext } from './types.js';
import { FirstaidError } from '../core/errors.js';

export type RunAction = Extract<PlanAction, { kind: 'run' }>;

export interface Blocked {
  code: string;
  /** Says what cannot be done; the plan's first blocker follows it. */
  prefix: string;
  hint: string;
}

export async function runPlanActions(plan: Plan, ctx: PluginContext, blocked: Blocked, runOne: (a: RunAction, chroot: ChrootEnv) => Promise<void>): Promise<void> {
  if (plan.blockers.length) throw new FirstaidError(blocked.code, `${blocked.prefix}${plan.blockers[0]}`, blocked.hint);
  const runs = plan.actions.filter((a): a is RunAction => a.kind === 'run');
  if (runs.length === 0) return;
  const chroot = await ctx.chroot();
  for (const a of runs) {
    ctx.progress(a.why);
    await runOne(a, chroot);
  }
}
