/** The run context both twins receive (gh's cmdutil.Factory): options, IO, log, runner, teardown. */
import type { SessionLog } from '../core/log.js';
import type { Runner } from '../core/runner.js';
import type { Teardown } from '../core/teardown.js';
import type { CommandFlags, GlobalOptions } from './options.js';
import type { IO } from './io.js';

export interface AppContext {
  options: GlobalOptions;
  /** Positional arguments after the command name. */
  args: string[];
  /** The command's own options (declared in CliCommand.options), by long name. */
  flags: CommandFlags;
  log: SessionLog;
  runner: Runner;
  /** Everything set up (mounts, loops) registers here; run on exit and on signals. */
  teardown: Teardown;
  io: IO;
  /** Shorthands for io.out / io.err. */
  out(text: string): void;
  err(text: string): void;
}

export function makeContext(parts: Omit<AppContext, 'out' | 'err'>): AppContext {
  return { ...parts, out: (t) => parts.io.out(t), err: (t) => parts.io.err(t) };
}
