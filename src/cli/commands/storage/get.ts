/** `firstaid storage get URL NAME [LOCAL]`: a temporary beside LOCAL (default ./NAME), checked, renamed. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../../context.js';
import { FirstaidError, type ExitCode } from '../../../core/errors.js';
import { needArgs, progressPrinter, withBackend } from './open.js';

export async function storageGet(ctx: CliContext): Promise<ExitCode> {
  const [url, name, localArg] = needArgs(ctx, 2, 'get URL NAME [LOCAL]');
  const local = resolve(localArg ?? name!);
  if (existsSync(local) && !ctx.options.force) {
    throw new FirstaidError('exists', `${local} exists already; it was not touched.`, 'Give another local path, or --force to replace it.');
  }
  return withBackend<ExitCode>(ctx, url!, async (b) => {
    const onProgress = progressPrinter(ctx, `get ${name}`);
    await b.get(name!, local, onProgress ? { onProgress } : {});
    if (ctx.options.json) ctx.out(JSON.stringify({ url: b.displayUrl, name, local }));
    else ctx.out(`${name} from ${b.displayUrl} is now ${local}.`);
    return 0;
  });
}
