/** GRUB rescue plugin (BIOS and UEFI). */
import type { RescuePlugin } from '../types.js';

export const grubPlugin: RescuePlugin = {
  id: 'grub',
  title: 'Boot loader (GRUB)',
  description: 'Checks and repairs GRUB: MBR boot code, core image, modules, grub.cfg, the ESP loader.',
  async diagnose() { return []; },
  plan(findings) {
    return { pluginId: 'grub', findings: findings.map((f) => f.id), summary: 'nothing to do', actions: [], touches: [], needsChroot: true, choices: [], blockers: [] };
  },
  async apply() { throw new Error('grub apply: not implemented yet'); },
  async verify() { return []; },
};
