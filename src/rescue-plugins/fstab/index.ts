/** fstab rescue plugin (being built: checks and repairs of /etc/fstab). */
import type { RescuePlugin } from '../types.js';

export const fstabPlugin: RescuePlugin = {
  id: 'fstab',
  title: 'File systems table (fstab)',
  description: 'Checks /etc/fstab against the disks (like findmnt --verify) and repairs stale UUIDs and broken lines.',
  async diagnose() { return []; },
  plan(findings) {
    return { pluginId: 'fstab', findings: findings.map((f) => f.id), summary: 'nothing to do', actions: [], touches: [], needsChroot: false, choices: [], blockers: [] };
  },
  async apply() { throw new Error('fstab apply: not implemented yet'); },
  async verify() { return []; },
};
