import { FirstaidError } from '../../core/errors.js';
import type { CliCommand } from '../context.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const revertCommand: CliCommand = {
  name: 'revert',
  async run() {
    throw new FirstaidError('unfinished', 'The "revert" command is not built yet.', 'Use another command.');
  },
};
