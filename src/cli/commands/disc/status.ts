/** `firstaid disc status --drive D`: media state, sessions, room, and the backups the disc holds. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { describeDrive } from '../../../devices/optical/drives.js';
import { isForeign } from '../../../devices/optical/refusals.js';
import { readContents } from '../../../backup/discs/disc-read.js';
import { discBackups } from '../../../backup/discs/from-disc.js';
import { driveOf, mediaBlocksOf, mib, noArgs } from './shared.js';

export async function discStatus(ctx: CliContext): Promise<ExitCode> {
  noArgs(ctx, 'status');
  const drive = await driveOf(ctx);
  const c = await readContents(ctx.runner, drive, mediaBlocksOf(ctx));
  const closed = c.media.status === 'closed' || c.manifests.at(-1)?.closed === true;
  const backups = discBackups(c);
  const foreign = isForeign(c.media);
  const info = {
    drive: drive.path, kind: drive.kind, profile: c.media.profile, status: c.media.status, closed, foreign,
    rewritable: c.media.rewritable, volid: c.media.volid, sessions: c.media.sessions,
    usedBlocks: c.media.dataBlocks, freeBlocks: c.freeBlocks, capacityBlocks: c.capacityBlocks,
    backups, directories: c.manifests.flatMap((m) => m.directories), problems: c.manifestProblems,
  };
  if (ctx.options.json) {
    ctx.out(JSON.stringify(info, null, 2));
    return c.manifestProblems.length > 0 && !foreign ? 1 : 0;
  }
  const lines = [`${describeDrive(drive)}:`, `  ${c.media.status}${closed && c.media.status !== 'closed' ? ' (closed by firstaid)' : ''}, ${c.media.profile}`];
  if (foreign) lines.push('  not written by firstaid (a foreign disc)');
  lines.push(`  ${c.media.sessions.length} session(s), ${mib(c.media.dataBlocks)} used, ${mib(c.freeBlocks)} free`);
  for (const s of c.media.sessions) lines.push(`  session ${s.index}: block ${s.startLba}, ${mib(s.blocks)}, ${s.volid || '(no label)'}`);
  if (backups.length) lines.push('  backups on the disc:');
  let plugin = '';
  for (const b of backups) {
    if (b.pluginId !== plugin) lines.push(`    ${(plugin = b.pluginId)}:`);
    lines.push(`      ${b.id}  ${b.files} file(s), ${(b.bytes / 1024).toFixed(1)} KiB  (${b.volid})`);
  }
  for (const d of info.directories) lines.push(`  directory ${d}`);
  for (const p of c.manifestProblems) lines.push(`  PROBLEM: ${p}`);
  ctx.out(lines.join('\n'));
  return c.manifestProblems.length > 0 && !foreign ? 1 : 0;
}
