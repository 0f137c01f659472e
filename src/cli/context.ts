/** What every CLI command receives: the app's run context (src/app/context.ts). */
import type { AppContext } from '../app/context.js';
import type { ExitCode } from '../core/errors.js';
import type { CommandOptionSpec } from './options.js';

export type CliContext = AppContext;

export interface CliCommand {
  name: string;
  /** Options only this command takes (parseArgs form); the global ones are always there. */
  options?: CommandOptionSpec;
  run(ctx: CliContext): Promise<ExitCode>;
}
