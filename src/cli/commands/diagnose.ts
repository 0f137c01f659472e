/** `firstaid diagnose [--json]`: every plugin's checks, read-only. Exit 1 when anything is wrong. */
import type { CliCommand } from '../context.js';
import { openFlow } from '../../app/flow-deps.js';
import { formatFindings } from '../flow-cli.js';
import { diagnoseAll } from '../../rescue-plugins/flow.js';
import { PLUGINS } from '../../rescue-plugins/registry.js';
import { isProblem } from '../../rescue-plugins/findings.js';

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  async run(ctx) {
    // Read-only all the way: the image is attached read-only and nothing is remounted.
    const { deps, system } = await openFlow(ctx, { writable: false });
    const results = await diagnoseAll(PLUGINS, deps);
    const problems = results.flatMap((r) => r.findings.filter(isProblem));
    const inst = system.installation;
    if (ctx.options.json) {
      ctx.out(JSON.stringify({ system: { id: inst.id, name: inst.name }, plugins: results }, null, 2));
      return problems.length > 0 ? 1 : 0;
    }
    const lines: string[] = [`System: ${inst.name} (${inst.id}) on ${inst.root.device}`];
    for (const r of results) {
      const plugin = PLUGINS.find((p) => p.id === r.pluginId);
      const n = r.findings.filter(isProblem).length;
      lines.push('', `${r.pluginId} - ${plugin?.title ?? r.pluginId}: ${n === 0 ? 'no problem found' : `${n} problem${n > 1 ? 's' : ''}`}`);
      lines.push(...formatFindings(r.findings.filter((f) => !(f.state === 'checked' && f.data && 'text' in f.data))));
    }
    lines.push('');
    if (problems.length === 0) lines.push('No problem found.');
    else {
      const fixable = [...new Set(results.filter((r) => r.findings.some((f) => f.state === 'detected' && f.fixable)).map((r) => r.pluginId))];
      lines.push(`${problems.length} problem${problems.length > 1 ? 's' : ''} found.${fixable.length ? ` See the plan with: ${fixable.map((p) => `firstaid fix ${p} --dry-run`).join(', ')}` : ''}`);
    }
    ctx.out(lines.join('\n'));
    return problems.length > 0 ? 1 : 0;
  },
};
