/**
 * The repair screens: renders the app over the real core and returns when the person quits.
 * Mounts and loop devices are undone on the way out (also by the CLI's teardown and signals).
 */
import { render } from 'ink';
import type { ExitCode } from './core/errors.js';
import type { CliContext } from './cli/context.js';
import { App } from './screens/app.js';
import { RealServices } from './screens/real-services.js';

export async function startTui(ctx: CliContext): Promise<ExitCode> {
  const services = new RealServices(ctx);
  // Ctrl+C is a key like q (asks first while work is running), not an instant exit.
  const ink = render(<App services={services} />, { exitOnCtrlC: false, patchConsole: true });
  try {
    await ink.waitUntilExit();
  } finally {
    ink.cleanup();
    await services.close();
  }
  return 0;
}
