/**
 * `firstaid peers list`: the pool's peers as the pool file gives them (no connection made), and
 * what each has staged today under --staging.
 */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { stagedOn } from '../../../backup/peers/staged-today.js';
import { dayDir } from '../../../backup/discs/staging-tree.js';
import { json, loadPool, stagingDir } from './common.js';

export async function peersList(ctx: CliContext): Promise<ExitCode> {
  const pool = await loadPool(ctx);
  const date = new Date();
  const staged = await stagedOn(stagingDir(ctx), date, pool.peers.map((p) => p.name));
  const byName = new Map(staged.map((s) => [s.name, s]));
  if (ctx.options.json) {
    ctx.out(json({ dayDir: dayDir(stagingDir(ctx), date), peers: pool.peers.map((p) => ({ ...p, stagedToday: byName.get(p.name) ?? null })) }));
    return 0;
  }
  if (pool.peers.length === 0) ctx.out('The pool has no peers.');
  for (const p of pool.peers) {
    const who = p.type === 'remote' ? `${p.remoteUser ? `${p.remoteUser}@` : ''}${p.name}` : 'this machine';
    const s = byName.get(p.name);
    ctx.out(`${p.name}  ${p.type}  ${who}`);
    ctx.out(`  collect dir: ${p.collectDir} (indicator ${p.collectIndicator})`);
    ctx.out(`  ${s ? `staged today: ${s.files} files, ${s.bytes} bytes` : 'nothing staged today'}`);
  }
  return 0;
}
