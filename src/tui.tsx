import { FirstaidError, type ExitCode } from './core/errors.js';
import type { CliContext } from './cli/context.js';

// Placeholder until the screens land.
export async function startTui(_ctx: CliContext): Promise<ExitCode> {
  throw new FirstaidError('unfinished', 'The repair screens are not built yet.', 'Use the commands (firstaid --help).');
}
