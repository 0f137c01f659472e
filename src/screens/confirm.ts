/** Confirmation before a fix: what will change, what is backed up first, and where. */
import type { Key } from '../ui/keys.js';
import { CONFIRM_HINTS, confirmKey, confirmLines } from '../ui/confirm.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { back, cursorOf, go, setCursor, startTask, systemLabel, type State } from './nav.js';

export function build(s: State, _l: Layout): ScreenModel {
  const plan = s.plan.status === 'ready' ? s.plan.value : null;
  const details: Line[] = [];
  if (plan) {
    details.push({ text: plan.summary, bold: true }, { text: '' });
    const edits = plan.actions.filter((a) => a.kind === 'edit-file').length;
    const runs = plan.actions.filter((a) => a.kind === 'run').length;
    const writes = plan.actions.filter((a) => a.kind === 'write-range').length;
    details.push({ text: `It will edit ${edits} file(s), run ${runs} command(s) and write ${writes} raw disk range(s) on ${systemLabel(s)}.` });
    details.push({ text: `First, ${plan.touches.length} item(s) are copied into a backup directory named "${plan.pluginId}" in the backup store. The fix runs only when that backup is complete; if it fails, the backup is restored at once.` });
    details.push({ text: 'You can undo the fix later from "Revert a repair".' });
    if (plan.secret && !s.dryRun) details.push({ text: `Next, you type ${plan.secret.label} (twice; it is not shown).` });
    if (s.dryRun) details.push({ text: '[DRY RUN] Nothing will be written or backed up now.', tone: 'warn' });
  }
  return {
    title: `Apply the fix? - ${plan?.pluginId ?? ''}`,
    lines: confirmLines('Back up, then apply this plan?', { yes: cursorOf(s) === 1 }, details),
    hints: `${CONFIRM_HINTS}  ? help`,
  };
}

/** Starts the fix of the ready plan; `secret` is what the plan asked for (secret.ts). */
export function startFix(s: State, secret?: string): State {
  if (s.plan.status !== 'ready' || !s.pluginId) return s;
  const plan = s.plan.value;
  const n: State = {
    ...go(s, 'progress'),
    result: null,
    progress: { kind: 'fix', title: `Fixing: ${plan.summary}`, steps: ['Starting'], fraction: null, cancellable: true, cancelling: false, startedAt: s.now },
  };
  return startTask(n, { kind: 'fix', pluginId: s.pluginId, plan, choices: s.choices, ...(secret !== undefined ? { secret } : {}) });
}

/** A plan that needs a secret asks for it first (a dry run needs none: it changes nothing). */
function afterYes(s: State): State {
  const label = s.plan.status === 'ready' ? s.plan.value.secret?.label : undefined;
  if (label === undefined || s.dryRun) return startFix(s);
  return { ...go(s, 'secret'), secret: { label, step: 1, typed: '', first: '', problem: null } };
}

export function onKey(s: State, k: Key): State {
  const { outcome, next } = confirmKey({ yes: cursorOf(s) === 1 }, k);
  if (outcome === 'yes') return afterYes(s);
  if (outcome === 'no') return back(s);
  return setCursor(s, next.yes ? 1 : 0);
}
