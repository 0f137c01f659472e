/**
 * A secret typed at the terminal: read in raw mode, never echoed (not even as stars), asked
 * twice and compared. Backspace and Ctrl-U edit, Ctrl-C cancels. The value is returned to the
 * caller only; nothing here logs or prints it.
 */
import { FirstaidError } from '../core/errors.js';

export function readHiddenLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  const wasRaw = stdin.isRaw;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let buf: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
    };
    function onData(chunk: Buffer): void {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(buf.join(''));
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new FirstaidError('cancelled', 'Cancelled: no password was set.', 'Nothing was changed.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else if (ch === '\u0015') buf = [];
        else if (ch >= ' ') buf.push(ch);
      }
    }
    stdin.on('data', onData);
  });
}

/** Asks for `label` twice without echo; throws (nothing changed) when the two differ or it is empty. */
export async function promptSecretTwice(label: string): Promise<string> {
  const first = await readHiddenLine(`Type ${label}: `);
  if (first.length === 0) throw new FirstaidError('empty-secret', `${label.replace(/^./, (c) => c.toUpperCase())} is empty.`, 'Nothing was changed. Run the fix again and type a password.');
  const second = await readHiddenLine(`Type it again: `);
  if (second !== first) throw new FirstaidError('secrets-differ', 'The two passwords typed differ.', 'Nothing was changed. Run the fix again and type the same password twice.');
  return first;
}
