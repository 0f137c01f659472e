/** Builders and ids of the initramfs plugin's findings. */
import type { Finding, Severity } from '../types.js';
import type { InitramfsTool, KernelFacts } from './facts.js';

export const PLUGIN_ID = 'initramfs';
export const KERNELS_FINDING = 'initramfs.kernels';
export const TOOL_FINDING = 'initramfs.tool';
export const initrdFindingId = (version: string) => `initramfs.initrd-${version}`;
export const kernelFindingId = (version: string) => `initramfs.kernel-${version}`;

/** What the planner needs from diagnose (carried in the kernels finding's data). */
export interface KernelsData {
  tool: InitramfsTool | null;
  kernels: KernelFacts[];
  /** The installation's package manager family, for the "once online" command. */
  dpkg: boolean;
}

export function finding(id: string, title: string, state: Finding['state'], severity: Severity, evidence: string[], fixable = false, data?: Record<string, unknown>): Finding {
  return { id, pluginId: PLUGIN_ID, title, state, severity, evidence, fixable, ...(data ? { data } : {}) };
}
