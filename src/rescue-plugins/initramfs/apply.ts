/** Runs an initramfs plan's commands inside the installation's chroot, in order. */
import type { Plan, PluginContext } from '../types.js';
import { runPlanActions } from '../run-actions.js';

const BUILD_TIMEOUT = 15 * 60 * 1000;

export async function applyInitramfs(plan: Plan, ctx: PluginContext): Promise<void> {
  const blocked = { code: 'initramfs-blocked', prefix: 'The initrds cannot be rebuilt automatically: ', hint: 'Nothing was changed. Resolve the problem described, then run the fix again.' };
  await runPlanActions(plan, ctx, blocked, (a, chroot) =>
    chroot.run(a.argv[0]!, a.argv.slice(1), {
      timeoutMs: BUILD_TIMEOUT,
      signal: ctx.signal,
      // dpkg must not ask (a changed conffile keeps the installation's own version).
      env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      onLine: (line) => ctx.progress(line.slice(0, 120)),
    }).then(() => undefined),
  );
}
