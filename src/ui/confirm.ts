/**
 * A yes/no question. No is the default: Enter on a fresh dialog does nothing harmful.
 * y / n answer at once; Left/Right/Tab move between [ Yes ] and [ No ]; Esc is No.
 */
import { isChar, type Key } from './keys.js';
import type { Line } from './layout.js';

export interface ConfirmState {
  yes: boolean;
}

export type ConfirmOutcome = 'yes' | 'no' | null;

/** The answer a key gives, or null while still asking; `next` is the dialog after the key. */
export function confirmKey(state: ConfirmState, key: Key): { outcome: ConfirmOutcome; next: ConfirmState } {
  if (isChar(key, 'y', 'Y')) return { outcome: 'yes', next: state };
  if (isChar(key, 'n', 'N') || key.name === 'escape') return { outcome: 'no', next: state };
  if (key.name === 'left' || key.name === 'right' || key.name === 'tab' || isChar(key, 'h', 'l')) return { outcome: null, next: { yes: !state.yes } };
  if (key.name === 'enter') return { outcome: state.yes ? 'yes' : 'no', next: state };
  return { outcome: null, next: state };
}

export function confirmLines(question: string, state: ConfirmState, details: Line[] = []): Line[] {
  const yes = state.yes ? '> [ Yes ] <' : '  [ Yes ]  ';
  const no = state.yes ? '  [ No ]  ' : '> [ No ] <';
  return [...details, { text: '' }, { text: question, bold: true }, { text: `${yes}   ${no}`, noWrap: true }];
}

export const CONFIRM_HINTS = 'y yes  n/Esc no  Left/Right choose  Enter answer';
