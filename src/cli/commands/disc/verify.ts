/** `firstaid disc verify --drive D`: every block, every MD5, every file, every backup on the disc. */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { verifyDisc, type DiscVerifyResult } from '../../../backup/discs/verify.js';
import { depsOf, driveOf, mediaBlocksOf } from './shared.js';

export function formatVerify(r: DiscVerifyResult): string {
  if (r.ok && !r.firstaidDisc) {
    return [
      `${r.drive}: intact. Not a firstaid backup disc (volume ${r.volid}).`,
      `  Every block read (${r.sessions.length} session(s)); its session MD5 tag(s) match.`,
      `  ${r.filesChecked} file(s) match their recorded MD5s. It holds no firstaid backups.`,
    ].join('\n');
  }
  if (r.ok) return `${r.drive}: intact. ${r.sessions.length} session(s), ${r.filesChecked} file(s) read back (${r.reader}), ${r.backups.length} backup(s) verified.`;
  if (r.verdict === 'unverifiable') {
    return [
      `${r.drive}: cannot be verified. Not a firstaid backup disc (volume ${r.volid || 'without a name'}),`,
      '  and it carries no MD5 checksums. Every block was read (no unreadable sectors),',
      '  but there is nothing to compare its files with.',
    ].join('\n');
  }
  const lines = [`${r.drive}: DAMAGED.`];
  for (const d of r.damaged) lines.push(`  ${d.path}${d.backup ? `  [backup ${d.backup}]` : ''}: ${d.why.join(', ')}`);
  for (const u of r.unreadable) lines.push(`  unreadable sectors: blocks ${u.lba}..${u.lba + u.blocks - 1}`);
  for (const t of r.badSessionTags) lines.push(`  session at block ${t.lba}: MD5 tag mismatch`);
  for (const b of r.backups.filter((x) => !x.ok)) lines.push(`  backup ${b.id} fails its own check: ${b.problems.join('; ')}`);
  for (const p of r.problems) lines.push(`  ${p}`);
  return lines.join('\n');
}

export async function discVerify(ctx: CliContext): Promise<ExitCode> {
  const drive = await driveOf(ctx, 'verify');
  const r = await verifyDisc(depsOf(ctx), { drive, mediaBlocks: mediaBlocksOf(ctx), ...(ctx.options.json ? {} : { onProgress: (m: string) => ctx.err(`  ${m}`) }) });
  ctx.out(ctx.options.json ? JSON.stringify({ verify: r }, null, 2) : formatVerify(r));
  return r.ok ? 0 : 1;
}
