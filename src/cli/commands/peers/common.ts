/** What the peers verbs share: the pool from --peers (else DEFAULT_POOL_FILE), the staging dir from --staging. */
import type { CliContext } from '../../context.js';
import { DEFAULT_POOL_FILE } from '../../../app/peers.js';
import { DEFAULT_STAGING_DIR } from '../../../backup/discs/staging-tree.js';
import { readPoolFile } from '../../../backup/peers/pool-file.js';
import type { Pool } from '../../../backup/peers/pool.js';
import type { CommandOptionSpec } from '../../options.js';

export const PEERS_OPTIONS = {
  peers: { type: 'string' },
  staging: { type: 'string' },
} as const satisfies CommandOptionSpec;

export function poolPath(ctx: CliContext): string {
  const p = ctx.flags.peers;
  return typeof p === 'string' && p !== '' ? p : DEFAULT_POOL_FILE;
}

export function loadPool(ctx: CliContext): Promise<Pool> {
  return readPoolFile(poolPath(ctx));
}

export function stagingDir(ctx: CliContext): string {
  const s = ctx.flags.staging;
  return typeof s === 'string' && s !== '' ? s : DEFAULT_STAGING_DIR;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Indented lines of at most 80 columns (a message or hint under a peer's line). */
export function indented(text: string, width = 80, indent = '  '): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && indent.length + cur.length + 1 + word.length > width) {
      out.push(indent + cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(indent + cur);
  return out;
}
