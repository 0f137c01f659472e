/** Every rescue plugin, in the order the overview shows them. */
import type { RescuePlugin } from './types.js';
import { grubPlugin } from './grub/index.js';
import { fstabPlugin } from './fstab/index.js';
import { initramfsPlugin } from './initramfs/index.js';
import { passwdPlugin } from './passwd/index.js';
import { UsageError } from '../core/errors.js';

export const PLUGINS: readonly RescuePlugin[] = [grubPlugin, fstabPlugin, initramfsPlugin, passwdPlugin];

export function findPlugin(id: string): RescuePlugin | undefined {
  return PLUGINS.find((p) => p.id === id);
}

/** The plugin with that module id, or a usage error naming the ones there are. */
export function requirePlugin(id: string | undefined): RescuePlugin {
  const p = id === undefined ? undefined : findPlugin(id);
  if (!p) {
    throw new UsageError(
      id === undefined ? 'Which plugin should fix?' : `There is no rescue plugin "${id}".`,
      `Give one of: ${PLUGINS.map((x) => x.id).join(', ')} (e.g. firstaid fix ${PLUGINS[0]?.id ?? 'grub'}).`,
    );
  }
  return p;
}
