/** Overview: every plugin and its diagnosis at a glance; the selected one's findings below. */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { back, cursorOf, go, loading, setCursor, startTask, systemLabel, type State } from './nav.js';
import { diagnosisTag, findingTag, problems } from './labels.js';
import { emptyModel, pendingModel } from './pending.js';

export function build(s: State, _l: Layout): ScreenModel {
  const title = `Diagnosis - ${systemLabel(s)}`;
  const d = s.diagnoses;
  if (d.status !== 'ready') {
    return pendingModel(title, d, {
      loading: 'Checking the system',
      loadingLines: [{ text: 'Every plugin looks at the system read-only; nothing is changed.', tone: 'dim' }],
      loadingHints: keyHints('Esc stop', { move: false, back: false }),
      errorTitle: 'The system could not be checked.',
      errorNext: 'Press r to try again, or Esc to choose another system.',
      errorHints: keyHints('r try again', { move: false }),
    });
  }
  if (d.value.length === 0) return emptyModel(title, 'No repair plugin is available for this system.', [{ text: 'Press Esc to go back.' }], keyHints('', { move: false }));
  const cur = Math.min(cursorOf(s), d.value.length - 1);
  const lines: Line[] = d.value.map((p, i) => {
    const t = diagnosisTag(p);
    const name = p.title.toLowerCase().includes(`(${p.pluginId.toLowerCase()})`) ? p.title : `${p.title} (${p.pluginId})`;
    return { text: `${t.tag.padEnd(10)} ${name}: ${t.summary}`, tone: t.tone, item: i, selected: i === cur, noWrap: true };
  });
  const sel = d.value[cur];
  const bottom: Line[] = [{ text: '' }];
  if (sel) {
    if (sel.error) bottom.push({ text: `[ERROR] ${sel.error.message}`, tone: 'problem' }, { text: `What to do: ${sel.error.hint}` });
    const shown = [...problems(sel), ...sel.findings.filter((f) => !problems(sel).includes(f))];
    for (const f of shown) {
      const t = findingTag(f);
      bottom.push({ text: `${t.tag} ${f.title}`, tone: t.tone, noWrap: true });
    }
    if (shown.length === 0 && !sel.error) bottom.push({ text: 'No findings.', tone: 'dim' });
  }
  const count = d.value.reduce((n, p) => n + problems(p).length, 0);
  return {
    title,
    top: [{ text: count === 0 ? 'No problems found.' : `${count} problem(s) found. Open a plugin to see the evidence and the plan.` }],
    lines,
    bottom,
    itemCount: d.value.length,
    hints: keyHints('Enter open  r check again'),
  };
}

export function openDetail(s: State, pluginId: string): State {
  const n = go({ ...s, pluginId, choices: {}, choiceCursor: 0 }, 'detail');
  const diag = s.diagnoses.status === 'ready' ? s.diagnoses.value.find((p) => p.pluginId === pluginId) : undefined;
  const needsPlan = diag !== undefined && !diag.error && (problems(diag).some((f) => f.fixable) || diag.fixOnRequest === true);
  const withCursor = setCursor(n, 0, 'detail');
  if (!needsPlan || !s.systemId) return { ...withCursor, plan: { status: 'idle' } };
  return startTask({ ...withCursor, plan: loading('Making the plan') }, { kind: 'plan', systemId: s.systemId, pluginId, choices: {} });
}

export function onKey(s: State, k: Key): State {
  const d = s.diagnoses;
  if (k.name === 'escape') return d.status === 'loading' ? back({ ...s, task: null, diagnoses: { status: 'idle' } }) : back(s);
  if (d.status === 'loading' || d.status === 'idle') return s;
  if (isChar(k, 'r') && s.systemId) return startTask({ ...s, diagnoses: loading('Checking the system again') }, { kind: 'diagnose', systemId: s.systemId });
  if (d.status !== 'ready') return s;
  const moved = moveCursor(cursorOf(s), d.value.length, k);
  if (moved !== null) return setCursor(s, moved);
  const sel = d.value[Math.min(cursorOf(s), d.value.length - 1)];
  if (k.name === 'enter' && sel) return openDetail(s, sel.pluginId);
  return s;
}
