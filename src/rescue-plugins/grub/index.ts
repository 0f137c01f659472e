/**
 * GRUB rescue plugin (BIOS and UEFI; Debian grub-* and Fedora-style grub2-* with /boot/grub2).
 * diagnose: read-only checks; plan: pure; apply: grub-install / grub-mkconfig in the chroot.
 */
import type { Finding, Plan, PluginContext, RescuePlugin } from '../types.js';
import { diagnoseGrub } from './diagnose.js';
import { planGrub } from './plan.js';
import { applyGrub } from './apply.js';
import { liveBootMode } from '../../devices/nvram.js';

export const grubPlugin: RescuePlugin = {
  id: 'grub',
  title: 'Boot loader (GRUB)',
  description: 'Checks GRUB: MBR boot code, core image, modules, grub.cfg and its kernels, the EFI loader on the ESP; reinstalls it onto this installation\'s disk only.',
  diagnose: (ctx: PluginContext): Promise<Finding[]> => diagnoseGrub(ctx),
  plan: (findings: Finding[], system, _choices): Plan => planGrub(findings, system, liveBootMode()),
  apply: (plan: Plan, ctx: PluginContext): Promise<void> => applyGrub(plan, ctx),
  // diagnose covers grub-script-check and the kernels named in grub.cfg.
  verify: (_plan: Plan, ctx: PluginContext): Promise<Finding[]> => diagnoseGrub(ctx),
};
