/**
 * Keys from raw terminal input. A chunk can hold many keys (a fast typist, a paste, a test
 * harness writing "\x1b[B\x1b[B\r" at once): every one of them is returned, in order, so the
 * reducer can apply them one after the other to the latest state.
 */
export type KeyName =
  | 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end'
  | 'enter' | 'escape' | 'backspace' | 'delete' | 'tab' | 'ctrl-c';

export type Key = { name: KeyName } | { name: 'char'; ch: string };

const CSI: Record<string, KeyName> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
  '1~': 'home', '4~': 'end', '7~': 'home', '8~': 'end', '5~': 'pageup', '6~': 'pagedown', '3~': 'delete',
};

export function parseKeys(raw: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c === '\u001b') {
      const next = raw[i + 1];
      if (next === '[' || next === 'O') {
        // CSI / SS3: parameters then a final byte in @..~ (also the console's ESC [ [ A form).
        let j = i + 2;
        if (raw[j] === '[') j++;
        while (j < raw.length && /[0-9;]/.test(raw[j] as string)) j++;
        const final = raw[j];
        if (final === undefined) {
          keys.push({ name: 'escape' });
          i += 1;
          continue;
        }
        const params = raw.slice(i + 2, j).replace(/^\[/, '').replace(/^1;\d+$/, '');
        const name = final === '~' ? CSI[`${params}~`] : CSI[final];
        if (name) keys.push({ name });
        i = j + 1;
        continue;
      }
      keys.push({ name: 'escape' });
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      keys.push({ name: 'enter' });
      // "\r\n" from a paste is one Enter.
      i += c === '\r' && raw[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c === '\u007f' || c === '\b') keys.push({ name: 'backspace' });
    else if (c === '\t') keys.push({ name: 'tab' });
    else if (c === '\u0003') keys.push({ name: 'ctrl-c' });
    else if (c >= ' ') keys.push({ name: 'char', ch: c });
    i += 1;
  }
  return keys;
}

export function isChar(k: Key, ...chars: string[]): boolean {
  return k.name === 'char' && chars.includes(k.ch);
}
