/** Scrolling for text screens (detail, result, log, help): clamped with the fitted frame. */
import { isChar, type Key } from '../ui/keys.js';
import { fitModel, layoutFor, type ScreenModel } from '../ui/layout.js';
import { cursorOf, setCursor, type State } from './nav.js';

/** The new state when k scrolls the screen, or null when k is not a scrolling key. */
export function scrollKey(s: State, model: ScreenModel, k: Key): State | null {
  const fitted = fitModel(model, layoutFor(s.size));
  const max = fitted.maxScroll;
  const page = Math.max(1, fitted.body.length - 1);
  const cur = Math.min(cursorOf(s), max);
  let next: number | null = null;
  if (k.name === 'down' || isChar(k, 'j')) next = cur + 1;
  else if (k.name === 'up' || isChar(k, 'k')) next = cur - 1;
  else if (k.name === 'pagedown' || isChar(k, ' ')) next = cur + page;
  else if (k.name === 'pageup') next = cur - page;
  else if (k.name === 'home' || isChar(k, 'g')) next = 0;
  else if (k.name === 'end' || isChar(k, 'G')) next = max;
  if (next === null) return null;
  return setCursor(s, Math.max(0, Math.min(max, next)));
}
