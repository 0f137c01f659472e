/**
 * passwd rescue plugin: set a new password for a chosen account (root by default) or unlock a
 * locked one, with the installation's own chpasswd/usermod in the chroot. The password comes
 * from the person through the flow (Plan.secret -> ctx.secret) and reaches only chpasswd's stdin.
 */
import type { Finding, Plan, PluginContext, RescuePlugin } from '../types.js';
import { diagnosePasswd, PLUGIN_ID } from './diagnose.js';
import { planPasswd } from './plan.js';
import { applyPasswd, verifyPasswd } from './apply.js';

export const passwdPlugin: RescuePlugin = {
  id: PLUGIN_ID,
  title: 'Passwords (login accounts)',
  fixOnRequest: true,
  description: 'Lists the accounts with a login shell; sets a new password for one (root by default) with the installation\'s own chpasswd, or unlocks a locked one. /etc/shadow and /etc/passwd are backed up first.',
  diagnose: (ctx: PluginContext): Promise<Finding[]> => diagnosePasswd(ctx),
  plan: (findings: Finding[], system, choices): Plan => planPasswd(findings, system, choices),
  apply: (plan: Plan, ctx: PluginContext): Promise<void> => applyPasswd(plan, ctx),
  verify: (plan: Plan, ctx: PluginContext): Promise<Finding[]> => verifyPasswd(plan, ctx),
};
