/** Words for states, so meaning never rests on colour alone. */
import type { Finding } from '../rescue-plugins/types.js';
import type { Tone } from '../ui/theme.js';
import type { PluginDiagnosis } from './services.js';

export function findingTag(f: Finding): { tag: string; tone: Tone } {
  switch (f.state) {
    case 'checked':
      return { tag: '[OK]', tone: 'ok' };
    case 'fixed':
      return { tag: '[FIXED]', tone: 'ok' };
    case 'skipped':
      return { tag: '[SKIPPED]', tone: 'dim' };
    case 'error':
      return { tag: '[ERROR]', tone: 'problem' };
    case 'detected':
      return f.severity === 'info' ? { tag: '[NOTE]', tone: 'info' } : f.severity === 'warning' ? { tag: '[WARNING]', tone: 'warn' } : { tag: '[PROBLEM]', tone: 'problem' };
  }
}

export function problems(d: PluginDiagnosis): Finding[] {
  return d.findings.filter((f) => f.state === 'detected' && f.severity !== 'info');
}

export function diagnosisTag(d: PluginDiagnosis): { tag: string; tone: Tone; summary: string } {
  if (d.error) return { tag: '[ERROR]', tone: 'problem', summary: 'could not check' };
  const p = problems(d);
  if (p.length > 0) {
    const fixable = p.filter((f) => f.fixable).length;
    const what = p.length === 1 ? '1 problem' : `${p.length} problems`;
    return { tag: '[PROBLEM]', tone: 'problem', summary: fixable > 0 ? `${what}, can be fixed` : `${what}, no automatic fix` };
  }
  const errors = d.findings.filter((f) => f.state === 'error').length;
  if (errors > 0) return { tag: '[ERROR]', tone: 'problem', summary: `${errors} check(s) failed` };
  return { tag: '[OK]', tone: 'ok', summary: `${d.findings.length} check(s) passed` };
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** "2026-11-22 21:03:07" from an ISO time. */
export function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z?$|Z$/, '');
}
