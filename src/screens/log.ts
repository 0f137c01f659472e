/** Log viewer: every command and event of this session, newest at the bottom, live. */
import type { Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { formatLogEntry } from '../core/log.js';
import { back, cursorOf, type State } from './nav.js';
import { scrollKey } from './scroll.js';

export function build(s: State, _l: Layout): ScreenModel {
  const lines: Line[] = s.log.map((e) => {
    const tone = e.kind === 'message' ? (e.level === 'error' ? 'problem' : e.level === 'warn' ? 'warn' : undefined) : e.exitCode === 0 || e.dryRun ? undefined : 'problem';
    return { text: formatLogEntry(e), ...(tone ? { tone } : {}) } as Line;
  });
  if (lines.length === 0) lines.push({ text: 'Nothing logged yet in this session.', tone: 'dim' });
  return { title: `Session log (${s.log.length} entries)`, lines, scroll: cursorOf(s), hints: keyHints('PgUp/PgDn page  Home/End') };
}

export function onKey(s: State, k: Key): State {
  if (k.name === 'escape') return back(s);
  return scrollKey(s, build(s, undefined as never), k) ?? s;
}
