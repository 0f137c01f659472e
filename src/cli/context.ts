/** What every CLI command receives. */
import type { CommandFlags, CommandOptionSpec, GlobalOptions } from './options.js';
import type { SessionLog } from '../core/log.js';
import type { Runner } from '../core/runner.js';
import type { Teardown } from '../core/teardown.js';
import type { ExitCode } from '../core/errors.js';

export interface CliContext {
  options: GlobalOptions;
  /** Positional arguments after the command name. */
  args: string[];
  /** The command's own options (declared in CliCommand.options), by long name. */
  flags: CommandFlags;
  log: SessionLog;
  runner: Runner;
  /** Everything set up (mounts, loops) registers here; run on exit and on signals. */
  teardown: Teardown;
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  name: string;
  /** Options only this command takes (parseArgs form); the global ones are always there. */
  options?: CommandOptionSpec;
  run(ctx: CliContext): Promise<ExitCode>;
}
