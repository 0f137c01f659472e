/**
 * initramfs rescue plugin: every installed kernel's initrd must exist and be a valid
 * (compressed) cpio archive with /init; a bad one is rebuilt with the installation's own tool
 * in the chroot, a missing kernel reinstalled from its own package cache.
 */
import type { Finding, Plan, PluginContext, RescuePlugin } from '../types.js';
import { diagnoseInitramfs } from './diagnose.js';
import { planInitramfs } from './plan.js';
import { applyInitramfs } from './apply.js';
import { PLUGIN_ID } from './finding.js';

export const initramfsPlugin: RescuePlugin = {
  id: PLUGIN_ID,
  title: 'Initial ramdisk (initrd)',
  description: 'Checks that every installed kernel is in /boot with a valid initrd (complete, decompressible cpio with /init); rebuilds bad ones with the installation\'s own update-initramfs or dracut, reinstalls a missing kernel from its package cache.',
  diagnose: (ctx: PluginContext): Promise<Finding[]> => diagnoseInitramfs(ctx),
  plan: (findings: Finding[], system, _choices): Plan => planInitramfs(findings, system),
  apply: (plan: Plan, ctx: PluginContext): Promise<void> => applyInitramfs(plan, ctx),
  // diagnose decompresses and parses every initrd again.
  verify: (_plan: Plan, ctx: PluginContext): Promise<Finding[]> => diagnoseInitramfs(ctx),
};
