/** A unified diff as screen lines: additions and removals marked by +/- (and colour when allowed). */
import type { Line } from './layout.js';

export function diffLines(diff: string, indent = '    '): Line[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((raw): Line => {
      const text = indent + raw;
      if (raw.startsWith('+++') || raw.startsWith('---')) return { text, bold: true };
      if (raw.startsWith('+')) return { text, tone: 'added' };
      if (raw.startsWith('-')) return { text, tone: 'removed' };
      if (raw.startsWith('@@')) return { text, tone: 'info' };
      return { text };
    });
}
