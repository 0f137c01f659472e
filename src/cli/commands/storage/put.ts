/** `firstaid storage put URL FILE [NAME]`: a temporary name there, checked, renamed to NAME (default: FILE's name). */
import { basename, resolve } from 'node:path';
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { needArgs, progressPrinter, withBackend } from './open.js';

export async function storagePut(ctx: CliContext): Promise<ExitCode> {
  const [url, file, nameArg] = needArgs(ctx, 2, 'put URL FILE [NAME]');
  const local = resolve(file!);
  const name = nameArg ?? basename(local);
  return withBackend<ExitCode>(ctx, url!, async (b) => {
    const onProgress = progressPrinter(ctx, `put ${name}`);
    await b.put(local, name, onProgress ? { onProgress } : {});
    const size = await b.query(name);
    if (ctx.options.json) ctx.out(JSON.stringify({ url: b.displayUrl, name, size }));
    else ctx.out(`${local} is stored as ${name} at ${b.displayUrl} (${size} bytes).`);
    return 0;
  });
}
