/**
 * `firstaid fix PLUGIN [--yes] [--dry-run] [--choice ID=VALUE] [--password-stdin]`: diagnose that plugin, plan,
 * show the plan, confirm, then back up -> apply -> verify through the flow engine.
 * Nothing to fix means nothing written: no backup, no read-write mount.
 */
import type { CliCommand } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { openFlow } from '../../app/flow-deps.js';
import { formatFindings, formatPlan, formatResult } from '../flow-cli.js';
import { diagnosePlugin, planFix, planIsEmpty, runFix, effectiveChoices } from '../../rescue-plugins/flow.js';
import { requirePlugin } from '../../rescue-plugins/registry.js';
import { isProblem } from '../../rescue-plugins/findings.js';
import { promptSecretTwice } from '../read-secret.js';

/** Standard input up to its end, one trailing line break removed (the password of --password-stdin). */
async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const fixCommand: CliCommand = {
  name: 'fix',
  options: { 'password-stdin': { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length > 1) throw new UsageError(`fix takes one plugin, got: ${ctx.args.join(' ')}`);
    const plugin = requirePlugin(ctx.args[0]);
    // Read before anything else: the password is on stdin, and it never goes anywhere but the flow.
    let secret = ctx.flags['password-stdin'] === true ? await readSecretFromStdin() : undefined;
    const { opts, json, dryRun } = { opts: ctx.options, json: ctx.options.json, dryRun: ctx.options.dryRun };
    // The device is attached writable (loop without -r) but everything stays mounted read-only
    // until the flow engine's backup step; a dry run never attaches writable at all.
    const { deps, system } = await openFlow(ctx, { writable: !dryRun });
    if (!json) deps.onProgress = (stage, message) => ctx.err(`  ${stage}: ${message}`);
    const findings = await diagnosePlugin(plugin, deps);
    const plan = await planFix(plugin, findings, deps, opts.choices);
    const choices = effectiveChoices(plan, opts.choices);
    const empty = planIsEmpty(plan) && plan.blockers.length === 0;
    // A secret is typed at a terminal (twice, no echo) or given with --password-stdin; without either, nothing runs.
    const askSecret = plan.secret !== undefined && secret === undefined && !dryRun && plan.blockers.length === 0;
    if (askSecret && (json || !ctx.io.canPrompt)) {
      throw new UsageError(`This fix needs ${plan.secret!.label}.`, `Give it on standard input: firstaid fix ${plugin.id} --password-stdin (e.g. from a file: < FILE). Nothing was changed.`);
    }

    if (json && (empty || dryRun || plan.blockers.length > 0 || opts.yes)) {
      const result = await runFix(plugin, plan, deps, { dryRun, choices, findingsBefore: findings, ...(secret !== undefined ? { secret } : {}) });
      ctx.out(JSON.stringify({ result }, null, 2));
      return result.ok ? 0 : 1;
    }
    if (!json) {
      const problems = findings.filter(isProblem);
      ctx.out(`${plugin.id} on ${system.installation.name} (${system.installation.root.device}):`);
      ctx.out((problems.length ? formatFindings(problems) : ['  no problem found']).join('\n'));
    }
    if (empty) {
      // Problems no plan can act on (a person must) still make the exit code 1.
      const serious = findings.some((f) => isProblem(f) && (f.severity === 'error' || f.severity === 'blocker'));
      if (!json) {
        for (const a of plan.actions) if (a.kind === 'note') ctx.out(`Note: ${a.text}`);
        ctx.out(serious ? 'There is nothing to fix automatically: the problems above need a person. Nothing was changed.' : 'There is nothing to fix: nothing was changed.');
      }
      return serious ? 1 : 0;
    }
    if (json) throw new UsageError('add --yes to apply, or --dry-run to see the plan', 'With --json there are no questions: add --yes to apply, or --dry-run to see the plan.');
    ctx.out(formatPlan(plan, choices).join('\n'));
    if (plan.blockers.length > 0) {
      ctx.out('The plan cannot run automatically; nothing was changed.');
      return 1;
    }
    if (dryRun) {
      ctx.out('Dry run: nothing was changed.');
      return 0;
    }
    if (askSecret) secret = await promptSecretTwice(plan.secret!.label);
    if (!opts.yes) {
      if (!ctx.io.canPrompt) {
        throw new UsageError('add --yes to apply, or --dry-run to see the plan', 'Without a terminal firstaid cannot ask; nothing was changed.');
      }
      if (!(await ctx.io.confirm('Back up, then apply this plan?'))) {
        ctx.out('Nothing was changed.');
        return 1;
      }
    }
    const result = await runFix(plugin, plan, deps, { dryRun: false, choices, findingsBefore: findings, ...(secret !== undefined ? { secret } : {}) });
    ctx.out(formatResult(result, system).join('\n'));
    return result.ok && result.verified ? 0 : 1;
  },
};
