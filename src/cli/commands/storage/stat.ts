/** `firstaid storage stat URL NAME...`: sizes; exit 1 when one is missing. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { needArgs, withBackend } from './open.js';

export async function storageStat(ctx: CliContext): Promise<ExitCode> {
  const [url, ...names] = needArgs(ctx, 2, 'stat URL NAME...');
  return withBackend<ExitCode>(ctx, url!, async (b) => {
    const sizes = await b.queryList(names);
    const files = names.map((name) => ({ name, size: sizes.get(name) ?? -1 }));
    if (ctx.options.json) ctx.out(JSON.stringify({ url: b.displayUrl, files }));
    else for (const f of files) ctx.out(f.size < 0 ? `${f.name}: not found at ${b.displayUrl}` : `${f.name}: ${f.size} bytes`);
    return files.some((f) => f.size < 0) ? 1 : 0;
  });
}
