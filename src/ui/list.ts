/** Cursor movement in a list: pure, so every key of a chunk applies to the latest cursor. */
import { isChar, type Key } from './keys.js';

/** The new cursor for a movement key, or null when the key does not move the cursor. */
export function moveCursor(cursor: number, count: number, key: Key, page = 10): number | null {
  if (count <= 0) return key.name === 'up' || key.name === 'down' || isChar(key, 'j', 'k') ? 0 : null;
  const clamp = (n: number) => Math.max(0, Math.min(count - 1, n));
  if (key.name === 'down' || isChar(key, 'j')) return clamp(cursor + 1);
  if (key.name === 'up' || isChar(key, 'k')) return clamp(cursor - 1);
  if (key.name === 'pagedown') return clamp(cursor + page);
  if (key.name === 'pageup') return clamp(cursor - page);
  if (key.name === 'home' || isChar(key, 'g')) return 0;
  if (key.name === 'end' || isChar(key, 'G')) return count - 1;
  return null;
}
