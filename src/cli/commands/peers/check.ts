/** `firstaid peers check`: each peer ready, not ready (no collect indicator) or unreachable (why). */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { checkPool } from '../../../backup/peers/stage-pool.js';
import { unreachableHint } from '../../../backup/peers/errors.js';
import { indented, json, loadPool } from './common.js';

export async function peersCheck(ctx: CliContext): Promise<ExitCode> {
  const pool = await loadPool(ctx);
  const checks = await checkPool(pool, ctx.runner);
  if (ctx.options.json) {
    ctx.out(json({ peers: checks.map((c) => ({ name: c.name, type: c.type, ...c.readiness, ...(c.readiness.state === 'unreachable' ? { hint: unreachableHint(c.readiness.reason) } : {}) })) }));
  } else {
    for (const c of checks) {
      const r = c.readiness;
      if (r.state === 'ready') ctx.out(`${c.name}: ready`);
      else if (r.state === 'not-ready') ctx.out([`${c.name}: not ready`, ...indented(r.reason)].join('\n'));
      else ctx.out([`${c.name}: unreachable (${r.reason})`, ...indented(r.message), ...indented(unreachableHint(r.reason))].join('\n'));
    }
  }
  return checks.every((c) => c.readiness.state === 'ready') ? 0 : 1;
}
