/** A one-line text field: what a key does to the text being typed (the screens keep the text). */
import type { Key } from './keys.js';

export type FieldKey =
  | { kind: 'cancel' }
  | { kind: 'edit'; text: string }
  /** Enter: the text, trimmed. */
  | { kind: 'submit'; text: string }
  | { kind: 'ignore' };

export function fieldKey(text: string, k: Key): FieldKey {
  switch (k.name) {
    case 'escape':
      return { kind: 'cancel' };
    case 'backspace':
      return { kind: 'edit', text: text.slice(0, -1) };
    case 'char':
      return { kind: 'edit', text: text + k.ch };
    case 'enter':
      return { kind: 'submit', text: text.trim() };
    default:
      return { kind: 'ignore' };
  }
}
