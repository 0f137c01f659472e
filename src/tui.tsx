/**
 * The repair screens: renders the app over the real core and returns when the person quits.
 * Mounts and loop devices are undone on the way out (also by the CLI's teardown and signals).
 */
import type { ExitCode } from './core/errors.js';
import type { CliContext } from './cli/context.js';

/** Loads Ink and the screens. yoga-layout's loader fetches its inline wasm through `fetch`
 *  when there is one, which makes Node load undici (~30 ms of the first frame): hide it. */
async function loadScreens() {
  const g = globalThis as { fetch?: unknown };
  const saved = g.fetch;
  g.fetch = undefined;
  try {
    const [ink, app, lazy] = await Promise.all([import('ink'), import('./screens/app.js'), import('./screens/lazy-services.js')]);
    return { render: ink.render, App: app.App, LazyServices: lazy.LazyServices };
  } finally {
    g.fetch = saved;
  }
}

export async function startTui(ctx: CliContext): Promise<ExitCode> {
  const { render, App, LazyServices } = await loadScreens();
  // The core loads on the first action, after the first frame is on screen.
  const services = new LazyServices(ctx);
  // When the terminal goes away (window closed, SSH dropped) writes fail with EIO; that must not
  // crash the process before the SIGHUP teardown has unmounted and detached everything.
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  process.stdin.on('error', ignore);
  // Ctrl+C is a key like q (asks first while work is running), not an instant exit.
  const ink = render(<App services={services} />, { exitOnCtrlC: false, patchConsole: true });
  try {
    await ink.waitUntilExit();
  } finally {
    ink.cleanup();
    await services.close();
    process.stdout.off('error', ignore);
    process.stdin.off('error', ignore);
  }
  return 0;
}
