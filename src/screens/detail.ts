/**
 * Plugin detail: the findings with their evidence, then the plan: file diffs, commands with
 * their arguments, raw block ranges, and what is backed up first. Nothing has changed yet.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { diffLines } from '../ui/diff-view.js';
import type { Plan, PlanAction, Touch } from '../rescue-plugins/types.js';
import { back, cursorOf, go, loading, setCursor, startTask, systemLabel, type State } from './nav.js';
import { findingTag, problems } from './labels.js';
import { scrollKey } from './scroll.js';

function actionLines(a: PlanAction, n: number): Line[] {
  switch (a.kind) {
    case 'edit-file':
      return [{ text: `${n}. Edit ${a.path}${a.before === null ? ' (new file)' : ''}:`, bold: true }, ...diffLines(a.diff)];
    case 'run':
      return [
        { text: `${n}. Run${a.inChroot ? ' inside the system (chroot)' : ''}: ${a.argv.join(' ')}`, bold: true },
        { text: `    Why: ${a.why}` },
      ];
    case 'write-range':
      return [
        { text: `${n}. Write ${a.length} bytes to ${a.device} at byte ${a.offset} (bytes ${a.offset}-${a.offset + a.length - 1})`, bold: true },
        { text: `    Why: ${a.why}` },
      ];
    case 'note':
      return [{ text: `${n}. Note: ${a.text}` }];
  }
}

function touchLine(t: Touch): Line {
  if (t.kind === 'nvram') return { text: `  - the firmware's boot entries and BootOrder (${t.why})` };
  return t.kind === 'path'
    ? { text: `  - ${t.path}` }
    : { text: `  - ${t.name}: ${t.length} bytes of ${t.device} at byte ${t.offset} (${t.why})` };
}

export function planLines(plan: Plan, choices: Record<string, string>, choiceCursor: number): Line[] {
  const lines: Line[] = [{ text: 'The plan', bold: true }, { text: plan.summary }];
  for (const b of plan.blockers) lines.push({ text: `[BLOCKED] ${b}`, tone: 'problem' });
  if (plan.choices.length > 0) {
    lines.push({ text: '' }, { text: 'Choices (Tab next choice, Left/Right change):', bold: true });
    plan.choices.forEach((c, i) => {
      const value = choices[c.id] ?? c.default;
      const opts = c.options.map((o) => (o.value === value ? `[${o.label}]` : ` ${o.label} `)).join(' ');
      lines.push({ text: `${i === choiceCursor ? '>' : ' '} ${c.question} ${opts}` });
    });
  }
  lines.push({ text: '' }, { text: 'What it will do:', bold: true });
  if (plan.actions.length === 0) lines.push({ text: '  Nothing.' });
  plan.actions.forEach((a, i) => lines.push(...actionLines(a, i + 1)));
  if (plan.touches.length > 0) {
    lines.push({ text: '' }, { text: 'Backed up first (the revert restores these exactly):', bold: true });
    lines.push(...plan.touches.map(touchLine));
  }
  return lines;
}

export function canApply(s: State): boolean {
  return s.plan.status === 'ready' && s.plan.value.blockers.length === 0 && s.plan.value.actions.some((a) => a.kind !== 'note');
}

export function build(s: State, _l: Layout): ScreenModel {
  const d = s.diagnoses.status === 'ready' ? s.diagnoses.value.find((p) => p.pluginId === s.pluginId) : undefined;
  const title = `${d?.title ?? s.pluginId ?? 'Plugin'} - ${systemLabel(s)}`;
  const lines: Line[] = s.notice ? [{ text: s.notice.text, tone: s.notice.tone }, { text: '' }] : [];
  if (d) {
    lines.push({ text: d.description, tone: 'dim' }, { text: '' }, { text: 'Findings', bold: true });
    if (d.error) lines.push({ text: `[ERROR] ${d.error.message}`, tone: 'problem' }, { text: `What to do: ${d.error.hint}` });
    const ordered = [...problems(d), ...d.findings.filter((f) => !problems(d).includes(f))];
    for (const f of ordered) {
      const t = findingTag(f);
      lines.push({ text: `${t.tag} ${f.title}`, tone: t.tone });
      for (const e of f.evidence) lines.push({ text: `    - ${e}` });
    }
    lines.push({ text: '' });
  }
  let busy = false;
  const p = s.plan;
  if (p.status === 'loading') {
    busy = true;
    lines.push({ text: p.step ?? 'Making the plan' });
  } else if (p.status === 'error') {
    lines.push({ text: '[ERROR] The plan could not be made.', tone: 'problem', bold: true }, { text: p.error.message }, { text: `What to do: ${p.error.hint}` });
  } else if (p.status === 'ready') {
    lines.push(...planLines(p.value, s.choices, s.choiceCursor));
  } else if (d && !d.error) {
    lines.push({ text: 'Nothing to fix here.', tone: 'ok' });
  }
  const own = canApply(s) ? 'Enter/f fix...' : '';
  const choiceKeys = p.status === 'ready' && p.value.choices.length > 0 ? '  Tab/Left/Right choices' : '';
  return {
    title,
    busy,
    lines,
    scroll: cursorOf(s),
    hints: keyHints(`${own}${choiceKeys}`.trim()),
  };
}

function changeChoice(s: State, dir: 1 | -1): State {
  if (s.plan.status !== 'ready' || !s.systemId || !s.pluginId) return s;
  const c = s.plan.value.choices[s.choiceCursor];
  if (!c) return s;
  const idx = c.options.findIndex((o) => o.value === (s.choices[c.id] ?? c.default));
  const next = c.options[(idx + dir + c.options.length) % c.options.length];
  if (!next) return s;
  const choices = { ...s.choices, [c.id]: next.value };
  return startTask({ ...s, choices, plan: loading('Making the plan with your choice') }, { kind: 'plan', systemId: s.systemId, pluginId: s.pluginId, choices });
}

export function onKey(s: State, k: Key): State {
  if (k.name === 'escape') return back(s.plan.status === 'loading' ? { ...s, task: null, plan: { status: 'idle' } } : s);
  const scrolled = scrollKey(s, build(s, undefined as never), k);
  if (scrolled) return scrolled;
  if ((k.name === 'enter' || isChar(k, 'f')) && canApply(s)) return setCursor(go(s, 'confirm'), 0, 'confirm');
  if (s.plan.status === 'ready' && s.plan.value.choices.length > 0) {
    if (k.name === 'tab') return { ...s, choiceCursor: (s.choiceCursor + 1) % s.plan.value.choices.length };
    if (k.name === 'right' || isChar(k, 'l')) return changeChoice(s, 1);
    if (k.name === 'left' || isChar(k, 'h')) return changeChoice(s, -1);
  }
  return s;
}
