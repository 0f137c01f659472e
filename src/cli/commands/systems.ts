import { FirstaidError } from '../../core/errors.js';
import type { CliCommand } from '../context.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const systemsCommand: CliCommand = {
  name: 'systems',
  async run() {
    throw new FirstaidError('unfinished', 'The "systems" command is not built yet.', 'Use another command.');
  },
};
