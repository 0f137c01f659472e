/** Progress: the live steps of a fix or revert, a spinner, a gauge when the amount is known. */
import { isChar, type Key } from '../ui/keys.js';
import { gauge } from '../ui/gauge.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import type { State } from './nav.js';

export function build(s: State, l: Layout): ScreenModel {
  const p = s.progress;
  if (!p) return { title: 'Working', lines: [{ text: 'Nothing is running.' }], hints: 'Esc back  q quit' };
  const secs = Math.max(0, Math.round((s.now - p.startedAt) / 1000));
  const top: Line[] = [];
  if (p.fraction !== null) top.push({ text: gauge(p.fraction, Math.min(42, l.inner - 6)), noWrap: true });
  top.push({ text: `Elapsed: ${secs} s` }, { text: '' });
  const lines: Line[] = p.steps.map((st, i) => ({ text: `${i === p.steps.length - 1 ? '*' : ' '} ${st}`, ...(i === p.steps.length - 1 ? { bold: true } : {}) }));
  const cancel = p.cancelling
    ? 'Cancelling: waiting for the current step to stop safely.'
    : p.cancellable
      ? 'Esc or c cancels now (safe: anything changed is restored from the backup).'
      : 'Writing to the disk now: cancelling is not safe until this step ends.';
  return {
    title: p.title,
    busy: true,
    top,
    lines,
    // Follow the newest step.
    scroll: Number.MAX_SAFE_INTEGER,
    bottom: [{ text: '' }, { text: cancel, tone: p.cancellable ? 'dim' : 'warn' }],
    hints: p.cancellable ? 'Esc/c cancel  ? help  q quit' : '? help  q quit (asks first)',
  };
}

export function onKey(s: State, k: Key): State {
  const p = s.progress;
  if (!p || !s.task) return s;
  if ((k.name === 'escape' || isChar(k, 'c')) && p.cancellable && !p.cancelling) {
    return { ...s, task: { ...s.task, cancel: true }, progress: { ...p, cancelling: true, steps: [...p.steps, 'Cancel requested'] } };
  }
  return s;
}
