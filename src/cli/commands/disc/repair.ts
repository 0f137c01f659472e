/** `firstaid disc repair --drive D --to FILE`: not built yet (ECC, issue 12 part 5). */
import type { CliContext } from '../../context.js';
import { FirstaidError, type ExitCode } from '../../../core/errors.js';

export async function discRepair(_ctx: CliContext): Promise<ExitCode> {
  throw new FirstaidError('not-available', 'disc repair (error-correction data) is not available in this build yet.', 'Check the disc with: firstaid disc verify --drive D');
}
