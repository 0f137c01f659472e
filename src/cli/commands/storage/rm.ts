/** `firstaid storage rm URL NAME...`: deletes each; a missing one is reported and makes the exit 1. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { StorageError } from '../../../backup/storage/errors.js';
import { needArgs, withBackend } from './open.js';

export async function storageRm(ctx: CliContext): Promise<ExitCode> {
  const [url, ...names] = needArgs(ctx, 2, 'rm URL NAME...');
  return withBackend<ExitCode>(ctx, url!, async (b) => {
    const results: { name: string; deleted: boolean; error?: string }[] = [];
    for (const name of names) {
      try {
        await b.delete(name);
        results.push({ name, deleted: true });
      } catch (err) {
        if (!(err instanceof StorageError && err.kind === 'not-found')) throw err;
        results.push({ name, deleted: false, error: 'not found' });
      }
    }
    if (ctx.options.json) ctx.out(JSON.stringify({ url: b.displayUrl, results }));
    else for (const r of results) ctx.out(r.deleted ? `${r.name}: deleted` : `${r.name}: not found at ${b.displayUrl}`);
    return results.every((r) => r.deleted) ? 0 : 1;
  });
}
