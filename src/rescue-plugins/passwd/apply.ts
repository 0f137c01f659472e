/**
 * Carries out a passwd plan in the chroot. The new password goes to chpasswd on its standard
 * input only (never argv: the runner logs argv), and no error quotes it.
 */
import type { Finding, Plan, PluginContext } from '../types.js';
import { FirstaidError } from '../../core/errors.js';
import { diagnosePasswd, accountFindingId } from './diagnose.js';
import type { PasswdPlanData } from './plan.js';

export async function applyPasswd(plan: Plan, ctx: PluginContext): Promise<void> {
  if (plan.blockers.length) throw new FirstaidError('passwd-blocked', plan.blockers[0]!, 'Nothing was changed.');
  const d = plan.data as unknown as PasswdPlanData;
  const chroot = await ctx.chroot();
  if (d.action === 'unlock') {
    ctx.progress(`unlocking ${d.account}`);
    await chroot.run('usermod', ['-U', d.account]);
    return;
  }
  const secret = ctx.secret;
  if (!secret) throw new FirstaidError('no-password', `No new password for ${d.account} was given.`, 'Give it on standard input with --password-stdin.');
  ctx.progress(`setting the new password of ${d.account}`);
  await chroot.run('chpasswd', [], { input: `${d.account}:${secret}\n` });
}

/** Diagnose again; the account's password field must have changed (reset) or be unlocked now. */
export async function verifyPasswd(plan: Plan, ctx: PluginContext): Promise<Finding[]> {
  const after = await diagnosePasswd(ctx);
  const d = plan.data as unknown as PasswdPlanData | undefined;
  if (!d) return after;
  const id = accountFindingId(d.account);
  const f = after.find((x) => x.id === id);
  const now = f?.data as { state: string; digest: string } | undefined;
  const ok = now && now.state === 'set' && now.digest !== d.digest;
  if (ok) return after;
  const why = !now ? `the account ${d.account} is gone` : now.digest === d.digest ? 'its password field did not change' : `its password is ${now.state}`;
  const failed: Finding = { id, pluginId: 'passwd', title: `The password of ${d.account} was not ${d.action === 'unlock' ? 'unlocked' : 'set'}`, state: 'detected', severity: 'error', evidence: [why], fixable: true };
  return [...after.filter((x) => x.id !== id), failed];
}
