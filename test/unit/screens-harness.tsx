/** Renders the app with a stand-in at 80x25 and waits for screen text (frames are throttled). */
import { render } from 'ink-testing-library';
import { App } from '../../src/screens/app.js';
import type { Services } from '../../src/screens/services.js';
import type { Size } from '../../src/ui/layout.js';

export const DOWN = '\u001b[B';
export const UP = '\u001b[A';
export const ENTER = '\r';
export const ESC = '\u001b';

export interface Harness {
  frame(): string;
  write(keys: string): void;
  waitFor(text: string | RegExp | (() => boolean), timeoutMs?: number): Promise<string>;
  waitForGone(text: string | RegExp, timeoutMs?: number): Promise<string>;
  quit: { called: boolean };
  unmount(): void;
}

function has(frame: string, t: string | RegExp): boolean {
  return typeof t === 'string' ? frame.includes(t) : t.test(frame);
}

export function renderApp(services: Services, size: Size = { cols: 80, rows: 25 }): Harness {
  const quit = { called: false };
  const r = render(<App services={services} size={size} onQuit={() => (quit.called = true)} />);
  const frame = () => r.lastFrame() ?? '';
  async function poll(ok: () => boolean, what: string, timeoutMs: number): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (ok()) return frame();
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${frame()}`);
  }
  return {
    frame,
    write: (k) => r.stdin.write(k),
    waitFor: (t, ms = 3000) => poll(() => (typeof t === "function" ? t() : has(frame(), t)), String(t), ms),
    waitForGone: (t, ms = 3000) => poll(() => !has(frame(), t), `${String(t)} to go`, ms),
    quit,
    unmount: () => r.unmount(),
  };
}

/** Main menu -> system -> overview -> the first plugin with a problem (its detail screen). */
export async function toPluginDetail(services: Services): Promise<Harness> {
  const h = renderApp(services);
  await h.waitFor('Repair a system');
  h.write(ENTER);
  await h.waitFor('Evidence for');
  h.write(ENTER);
  await h.waitFor('[PROBLEM]');
  h.write(ENTER);
  return h;
}

/** As toPluginDetail, then open the plan's confirmation and answer yes: the fix starts. */
export async function toFixRunning(services: Services): Promise<Harness> {
  const h = await toPluginDetail(services);
  await h.waitFor('What it will do:');
  h.write(`${ENTER}y`);
  return h;
}

/** Every line of a frame fits 80 columns and the frame fits 24 rows; only console-safe characters. */
export function assertConsoleSafe(frame: string, size: Size = { cols: 80, rows: 25 }): void {
  const lines = frame.split('\n');
  if (lines.length > size.rows - 1) throw new Error(`frame has ${lines.length} rows, more than ${size.rows - 1}:\n${frame}`);
  for (const l of lines) {
    if (l.length > size.cols) throw new Error(`line longer than ${size.cols}: "${l}"`);
    // eslint-disable-next-line no-control-regex
    const bad = l.replace(/\u001b\[[0-9;]*m/g, '').replace(/[\x20-\x7e┌┐└┘─│]/g, '');
    if (bad.length > 0) throw new Error(`characters a console font may lack: ${JSON.stringify(bad)} in "${l}"`);
  }
}
