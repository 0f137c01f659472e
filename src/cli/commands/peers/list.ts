/** `firstaid peers list`: the pool's peers, as the pool file gives them (no connection made). */
import type { CliContext } from '../../context.js';
import type { ExitCode } from '../../../core/errors.js';
import { json, loadPool } from './common.js';

export async function peersList(ctx: CliContext): Promise<ExitCode> {
  const pool = await loadPool(ctx);
  if (ctx.options.json) {
    ctx.out(json({ peers: pool.peers }));
    return 0;
  }
  if (pool.peers.length === 0) ctx.out('The pool has no peers.');
  for (const p of pool.peers) {
    const who = p.type === 'remote' ? `${p.remoteUser ? `${p.remoteUser}@` : ''}${p.name}` : 'this machine';
    ctx.out(`${p.name}  ${p.type}  ${who}`);
    ctx.out(`  collect dir: ${p.collectDir} (indicator ${p.collectIndicator})`);
  }
  return 0;
}
