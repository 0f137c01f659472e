/** What the storage verbs share: the command's own options, opening the URL, progress on stderr. */
import type { CliContext } from '../../context.js';
import type { CommandOptionSpec } from '../../options.js';
import { UsageError } from '../../../core/errors.js';
import { openBackend, type StorageDeps } from '../../../backup/storage/registry.js';
import type { Backend, StorageProgress } from '../../../backup/storage/types.js';

export const STORAGE_OPTIONS = {
  identity: { type: 'string' },
  'known-hosts': { type: 'string' },
  'accept-host-key': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  bwlimit: { type: 'string' },
} as const satisfies CommandOptionSpec;

function str(ctx: CliContext, name: keyof typeof STORAGE_OPTIONS): string | undefined {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function depsFrom(ctx: CliContext): StorageDeps {
  const identity = str(ctx, 'identity');
  const knownHosts = str(ctx, 'known-hosts');
  const accept = str(ctx, 'accept-host-key');
  const bw = str(ctx, 'bwlimit');
  if (accept !== undefined && !/^SHA256:[A-Za-z0-9+/=]+$/.test(accept)) throw new UsageError(`--accept-host-key wants a fingerprint like SHA256:abc..., got "${accept}".`);
  if (bw !== undefined && !/^\d+$/.test(bw)) throw new UsageError(`--bwlimit wants Kbit/s as a whole number, got "${bw}".`);
  const endpoint = str(ctx, 'endpoint');
  const region = str(ctx, 'region');
  return {
    runner: ctx.runner,
    log: ctx.log,
    ssh: {
      ...(identity ? { identityFile: identity } : {}),
      ...(knownHosts ? { knownHostsFiles: [knownHosts] } : {}),
      ...(accept ? { acceptHostKey: accept } : {}),
      ...(bw ? { bwlimitKbit: Number(bw) } : {}),
    },
    s3: { ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) },
  };
}

export function needArgs(ctx: CliContext, min: number, usage: string): string[] {
  const rest = ctx.args.slice(1);
  if (rest.length < min) throw new UsageError(`Usage: firstaid storage ${usage}`);
  return rest;
}

/** Opens the URL, runs fn, always closes. */
export async function withBackend<T>(ctx: CliContext, url: string, fn: (b: Backend) => Promise<T>): Promise<T> {
  const b = await openBackend(url, depsFrom(ctx));
  try {
    return await fn(b);
  } finally {
    await b.close().catch(() => undefined);
  }
}

/** Progress with bytes and an ETA on stderr, when it is a terminal and not --json. */
export function progressPrinter(ctx: CliContext, what: string): ((p: StorageProgress) => void) | undefined {
  if (ctx.options.json || !process.stderr.isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 500 && p.bytesDone < p.bytesTotal) return;
    last = now;
    const rate = p.bytesDone / Math.max(0.001, (now - started) / 1000);
    const eta = rate > 0 && p.bytesTotal > 0 ? Math.round((p.bytesTotal - p.bytesDone) / rate) : 0;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    process.stderr.write(`\r${what}: ${mb(p.bytesDone)} of ${mb(p.bytesTotal)} MB, ETA ${eta} s   ${p.bytesDone >= p.bytesTotal ? '\n' : ''}`);
  };
}
