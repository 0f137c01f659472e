/** Builders for the grub plugin's findings. */
import type { Finding, Severity } from '../types.js';

export function finding(id: string, title: string, state: Finding['state'], severity: Severity, evidence: string[], fixable: boolean, data?: Record<string, unknown>): Finding {
  return { id: `grub.${id}`, pluginId: 'grub', title, state, severity, evidence, fixable, ...(data ? { data } : {}) };
}

export const ok = (id: string, title: string, evidence: string[], data?: Record<string, unknown>): Finding => finding(id, title, 'checked', 'info', evidence, false, data);
export const skipped = (id: string, title: string, why: string): Finding => finding(id, title, 'skipped', 'info', [why], false);
export const bad = (id: string, title: string, evidence: string[], severity: Severity = 'error', data?: Record<string, unknown>): Finding => finding(id, title, 'detected', severity, evidence, true, data);
export const blocker = (id: string, title: string, evidence: string[]): Finding => finding(id, title, 'detected', 'blocker', evidence, false);
export const failed = (id: string, title: string, evidence: string[]): Finding => finding(id, title, 'error', 'error', evidence, false);
