/** `firstaid disc status --drive D`: media state, sessions, room, and the backups the disc holds. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { describeDrive } from '../../../devices/optical/drives.js';
import { discStatus as readStatus, statusProblem } from '../../../app/disc.js';
import { driveOf, mediaBlocksOf, mib } from './shared.js';

export async function discStatus(ctx: CliContext): Promise<ExitCode> {
  const drive = await driveOf(ctx, 'status');
  const info = await readStatus(ctx.runner, drive, mediaBlocksOf(ctx));
  const { closed, foreign, backups } = info;
  if (ctx.options.json) {
    ctx.out(JSON.stringify(info, null, 2));
    return statusProblem(info) ? 1 : 0;
  }
  const lines = [`${describeDrive(drive)}:`, `  ${info.status}${closed && info.status !== 'closed' ? ' (closed by firstaid)' : ''}, ${info.profile}`];
  if (foreign) lines.push('  not written by firstaid (a foreign disc)');
  lines.push(`  ${info.sessions.length} session(s), ${mib(info.usedBlocks)} used, ${mib(info.freeBlocks)} free`);
  for (const s of info.sessions) lines.push(`  session ${s.index}: block ${s.startLba}, ${mib(s.blocks)}, ${s.volid || '(no label)'}`);
  if (backups.length) lines.push('  backups on the disc:');
  let plugin = '';
  for (const b of backups) {
    if (b.pluginId !== plugin) lines.push(`    ${(plugin = b.pluginId)}:`);
    lines.push(`      ${b.id}  ${b.files} file(s), ${(b.bytes / 1024).toFixed(1)} KiB  (${b.volid})`);
  }
  for (const d of info.directories) lines.push(`  directory ${d}`);
  for (const p of info.problems) lines.push(`  PROBLEM: ${p}`);
  ctx.out(lines.join('\n'));
  return statusProblem(info) ? 1 : 0;
}
