/**
 * What a list screen shows before its data is there (loading, error) and when the list is empty:
 * one shape for every screen, so each only says its own words.
 */
import type { Line, ScreenModel } from '../ui/layout.js';
import type { Loadable } from './nav.js';

export interface PendingTexts {
  /** The busy line when the task gives no step of its own. */
  loading: string;
  /** Shown under the busy line. */
  loadingLines?: Line[];
  loadingHints: string;
  /** "[ERROR] ..." headline. */
  errorTitle: string;
  /** The last line of the error screen: which keys lead on. */
  errorNext: string;
  errorHints: string;
}

/** The screen for a Loadable that is not ready: idle, loading or failed. */
export function pendingModel(title: string, l: Exclude<Loadable<unknown>, { status: 'ready' }>, t: PendingTexts): ScreenModel {
  if (l.status === 'idle' || l.status === 'loading') {
    return { title, busy: true, top: [{ text: l.status === 'loading' && l.step ? l.step : t.loading }], lines: t.loadingLines ?? [], hints: t.loadingHints };
  }
  if (l.status === 'error') {
    return {
      title,
      top: [{ text: `[ERROR] ${t.errorTitle}`, tone: 'problem', bold: true }],
      lines: [{ text: l.error.message }, { text: '' }, { text: `What to do: ${l.error.hint}` }, { text: '' }, { text: t.errorNext }],
      hints: t.errorHints,
    };
  }
  return { title, busy: true, top: [{ text: t.loading }], lines: t.loadingLines ?? [], hints: t.loadingHints };
}

/** The screen for an empty list: "[NONE] what", then what to do about it. */
export function emptyModel(title: string, what: string, next: Line[], hints: string, top: Line[] = []): ScreenModel {
  return { title, top, lines: [{ text: `[NONE] ${what}`, tone: 'warn' }, ...next], hints };
}
