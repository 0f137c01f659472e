/**
 * The one IO object of a run (gh's iostreams): where text goes, whether a person can be asked,
 * and the one confirm prompt. Nothing else reads process.stdin.isTTY.
 */
import { createInterface } from 'node:readline/promises';

export interface IO {
  out(text: string): void;
  err(text: string): void;
  /** A person is at a terminal (stdin and stdout are TTYs): questions can be asked. */
  readonly canPrompt: boolean;
  /** Asks a yes/no question (default no). Only when canPrompt. */
  confirm(question: string): Promise<boolean>;
}

const line = (t: string) => (t.endsWith('\n') ? t : t + '\n');

export function consoleIO(): IO {
  return {
    out: (t) => process.stdout.write(line(t)),
    err: (t) => process.stderr.write(line(t)),
    canPrompt: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}
