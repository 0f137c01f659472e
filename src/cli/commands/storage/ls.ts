/** `firstaid storage ls URL`: the files there with their sizes. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { needArgs, withBackend } from './open.js';

export async function storageLs(ctx: CliContext): Promise<ExitCode> {
  const [url] = needArgs(ctx, 1, 'ls URL');
  return withBackend<ExitCode>(ctx, url!, async (b) => {
    const names = await b.list();
    const sizes = await b.queryList(names);
    const files = names.map((name) => ({ name, size: sizes.get(name) ?? -1 }));
    if (ctx.options.json) ctx.out(JSON.stringify({ url: b.displayUrl, files }));
    else if (files.length === 0) ctx.out(`Nothing stored at ${b.displayUrl}.`);
    else for (const f of files) ctx.out(`${String(f.size).padStart(14)}  ${JSON.stringify(f.name).slice(1, -1)}`);
    return 0;
  });
}
