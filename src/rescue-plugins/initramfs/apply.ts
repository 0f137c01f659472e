/** Runs an initramfs plan's commands inside the installation's chroot, in order. */
import type { Plan, PluginContext } from '../types.js';
import { FirstaidError } from '../../core/errors.js';

const BUILD_TIMEOUT = 15 * 60 * 1000;

export async function applyInitramfs(plan: Plan, ctx: PluginContext): Promise<void> {
  if (plan.blockers.length) throw new FirstaidError('initramfs-blocked', `The initrds cannot be rebuilt automatically: ${plan.blockers[0]}`, 'Nothing was changed. Resolve the problem described, then run the fix again.');
  const runs = plan.actions.filter((a) => a.kind === 'run');
  if (runs.length === 0) return;
  const chroot = await ctx.chroot();
  for (const a of runs) {
    if (a.kind !== 'run') continue;
    ctx.progress(a.why);
    await chroot.run(a.argv[0]!, a.argv.slice(1), {
      timeoutMs: BUILD_TIMEOUT,
      signal: ctx.signal,
      // dpkg must not ask (a changed conffile keeps the installation's own version).
      env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      onLine: (line) => ctx.progress(line.slice(0, 120)),
    });
  }
}
