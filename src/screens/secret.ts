/**
 * The secret a plan asks for (Plan.secret, e.g. a new password), after the confirmation: typed
 * twice and drawn as nothing at all (not even stars, so neither it nor its length shows).
 * Backspace erases, Esc cancels with nothing changed. An empty entry or two that differ are
 * refused with a message (never quoting what was typed) and nothing runs; when both match, the
 * fix starts with it. What is typed never goes into a model, a notice, an error or the log.
 */
import type { Key } from '../ui/keys.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { back, type SecretEntry, type State } from './nav.js';
import { startFix } from './confirm.js';

const capital = (t: string) => t.replace(/^./, (c) => c.toUpperCase());

export function build(s: State, _l: Layout): ScreenModel {
  const e = s.secret;
  const plan = s.plan.status === 'ready' ? s.plan.value : null;
  if (!e) return { title: 'Nothing to type', lines: [{ text: 'Nothing is asked now.' }], hints: 'Esc back' };
  const lines: Line[] = [];
  if (plan) lines.push({ text: plan.summary, bold: true }, { text: '' });
  lines.push(
    { text: e.step === 1 ? `Type ${e.label}, then press Enter:` : 'Type it again, then press Enter:', bold: true },
    // Deliberately nothing after the prompt: what is typed is not echoed in any form.
    { text: '>', noWrap: true },
  );
  if (e.problem) lines.push({ text: '' }, { text: `[ERROR] ${e.problem}`, tone: 'problem' });
  return {
    title: `${capital(e.label)} - ${plan?.pluginId ?? ''}`,
    lines,
    bottom: [{ text: '' }, { text: 'What you type is not shown, not even as stars. Backspace erases the last character. Esc cancels: nothing is changed.', tone: 'dim' }],
    hints: 'Type it (not shown)  Backspace erase  Enter accept  Esc cancel',
  };
}

/** Esc: back to the plan (past the confirmation), the secret dropped, nothing changed. */
function cancel(s: State, e: SecretEntry): State {
  let n: State = { ...s, secret: null };
  while (n.screen !== 'detail' && n.history.length > 0) n = back(n);
  return { ...n, notice: { text: `Cancelled: ${e.label} was not set. Nothing was changed.`, tone: 'info' } };
}

function enter(s: State, e: SecretEntry): State {
  if (e.step === 1) {
    if (e.typed.length === 0) return { ...s, secret: { ...e, problem: `${capital(e.label)} is empty. Type one, or press Esc to cancel. Nothing was changed.` } };
    return { ...s, secret: { ...e, step: 2, first: e.typed, typed: '', problem: null } };
  }
  if (e.typed !== e.first) {
    return { ...s, secret: { label: e.label, step: 1, typed: '', first: '', problem: 'The two entries differ. Nothing was changed. Type it again, twice.' } };
  }
  return startFix({ ...s, secret: null }, e.first);
}

export function onKey(s: State, k: Key): State {
  const e = s.secret;
  if (!e) return k.name === 'escape' ? back(s) : s;
  if (k.name === 'escape') return cancel(s, e);
  if (k.name === 'enter') return enter(s, e);
  // By code point, so a character outside the BMP is erased whole.
  if (k.name === 'backspace') return { ...s, secret: { ...e, typed: Array.from(e.typed).slice(0, -1).join('') } };
  if (k.name === 'char') return { ...s, secret: { ...e, typed: e.typed + k.ch } };
  return s;
}

/** The app has handed the secret to the running fix: it leaves the state (the task keeps no copy). */
export function secretTaken(s: State, seq: number): State {
  const t = s.task;
  if (!t || t.seq !== seq || t.spec.kind !== 'fix' || t.spec.secret === undefined) return s;
  const { secret: _dropped, ...spec } = t.spec;
  return { ...s, task: { ...t, spec } };
}

/** Whether this screen takes text (global keys like q and ? are typed then). */
export function takesText(s: State): boolean {
  return s.screen === 'secret' && s.secret !== null;
}
