/**
 * A real terminal for the screens: a tmux session of 80x25 running a command, read with
 * capture-pane and driven with send-keys. The shell stays after the app ends, so the last
 * screen and the exit code (FIRSTAID-EXIT=N) can be read.
 */
import { execFileSync } from 'node:child_process';

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class Console {
  /** Every distinct screen seen while waiting, for the test's own checks. */
  readonly seen: string[] = [];
  constructor(readonly name: string) {}

  start(cmd: string): void {
    tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', this.name, `${cmd}; echo FIRSTAID-EXIT=$?; sleep 300`);
  }

  screen(): string {
    return tmux('capture-pane', '-p', '-t', this.name);
  }

  async waitFor(what: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = this.screen();
      if (this.seen[this.seen.length - 1] !== s) this.seen.push(s);
      if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)}; screen:\n${s}`);
  }

  keys(...k: string[]): void {
    tmux('send-keys', '-t', this.name, ...k);
  }

  text(t: string): void {
    tmux('send-keys', '-t', this.name, '-l', t);
  }

  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}
