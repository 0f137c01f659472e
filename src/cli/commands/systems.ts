/** `firstaid systems [--json]`: the Linux installations on the target, with the evidence for each. */
import { openTargetSession } from '../../devices/session.js';
import { noInstallationError } from '../../devices/pick-installation.js';
import { targetSpecFromOptions } from '../../devices/target-spec.js';
import type { Installation } from '../../devices/types.js';
import type { CliCommand } from '../context.js';

/** Wraps text to width, continuation lines indented. */
export function wrap(text: string, width: number, indent: string, cont: string): string[] {
  const out: string[] = [];
  let line = indent;
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > width) {
      out.push(line);
      line = cont;
      fresh = true;
    }
    if (fresh) {
      // A word longer than the line (a UUID path) is cut rather than overflowing.
      let w = word;
      while (line.length + w.length > width && width - line.length > 10) {
        out.push(line + w.slice(0, width - line.length));
        w = w.slice(width - line.length);
        line = cont;
      }
      line += w;
      fresh = false;
    } else {
      line += ' ' + word;
    }
  }
  if (!fresh) out.push(line);
  return out;
}

export function formatInstallation(i: Installation, width = 80): string[] {
  const lines: string[] = [];
  lines.push(...wrap(`${i.name}  [${i.id}]`, width, '', '  '));
  const facts: [string, string][] = [
    ['root', `${i.root.device}${i.root.fstype ? ` (${i.root.fstype})` : ''}`],
    ['disk', i.disk.path ? `${i.disk.path} (${i.disk.pttype ?? 'no partition table'})` : 'unknown'],
    ['firmware', i.firmware],
    ['ESP', i.esp ? `${i.esp.device} at ${i.esp.mountpoint}` : 'none'],
    ['kernels', i.kernels.length ? i.kernels.join(', ') : 'none'],
  ];
  for (const [k, v] of facts) lines.push(...wrap(`${k}: ${v}`, width, "  ", "      "));
  lines.push('  evidence:');
  for (const e of i.evidence) lines.push(...wrap(e, width, '    - ', '      '));
  return lines;
}

export const systemsCommand: CliCommand = {
  name: 'systems',
  async run(ctx) {
    const spec = targetSpecFromOptions(ctx.options);
    const session = await openTargetSession(spec, { runner: ctx.runner, log: ctx.log, teardown: ctx.teardown }, { writable: false });
    if (session.installations.length === 0) throw noInstallationError(session);
    if (ctx.options.json) {
      // notes: candidates skipped or found not to be installations (an addition to { systems }).
      ctx.out(JSON.stringify({ systems: session.installations, notes: session.notes ?? [] }, null, 2));
      return 0;
    }
    const blocks = session.installations.map((i) => formatInstallation(i).join('\n'));
    ctx.out(blocks.join('\n\n'));
    const notes = session.notes ?? [];
    if (notes.length) {
      ctx.out('\nAlso looked at:');
      for (const n of notes) ctx.out(wrap(n, 80, '  - ', '    ').join('\n'));
    }
    return 0;
  },
};
