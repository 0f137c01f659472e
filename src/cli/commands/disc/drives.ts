/** `firstaid disc drives`: the real CD/DVD drives and what is in them. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { driveRows } from '../../../app/disc.js';
import { noArgs } from './shared.js';

export async function discDrives(ctx: CliContext): Promise<ExitCode> {
  noArgs(ctx, 'drives');
  const rows = await driveRows(ctx.runner);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ drives: rows }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.out('No CD/DVD drive found. A loop device or an image file can serve as a pseudo-drive (--drive FILE).');
    return 0;
  }
  for (const r of rows) ctx.out(`${r.path}  ${`${r.vendor} ${r.model}`.trim().slice(0, 30)}  ${r.status}${r.media ? ` (${r.media})` : ''}${r.volid ? `  ${r.volid}` : ''}`);
  return 0;
}
