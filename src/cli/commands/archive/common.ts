/** What the archive verbs share: their options, the storage URL opened as a Backend, scratch dirs, numbers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../context.js';
import type { CommandOptionSpec } from '../../options.js';
import { UsageError } from '../../../core/errors.js';
import type { Backend } from '../../../backup/storage/types.js';
import { STORAGE_OPTIONS, depsFrom } from '../storage/open.js';

export const ARCHIVE_OPTIONS = {
  to: { type: 'string' },
  type: { type: 'string' },
  strength: { type: 'string' },
  level: { type: 'string' },
  incremental: { type: 'boolean' },
  name: { type: 'string' },
  provider: { type: 'string' },
  'from-level': { type: 'string' },
  keeping: { type: 'string' },
  // The destination is opened as the storage verbs open it (ssh and S3 options alike).
  ...STORAGE_OPTIONS,
} as const satisfies CommandOptionSpec;

export function flagString(ctx: CliContext, name: keyof typeof ARCHIVE_OPTIONS): string | undefined {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function flagInt(ctx: CliContext, name: keyof typeof ARCHIVE_OPTIONS, min: number, max: number): number | undefined {
  const v = flagString(ctx, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} wants a whole number ${min}-${max}, got "${v}".`);
  return Number(v);
}

/** Opens the storage URL with the storage verbs' options (--identity, --known-hosts, --accept-host-key, --endpoint, ...). */
export async function openArchiveBackend(ctx: CliContext, url: string): Promise<Backend> {
  const { openBackend } = await import('../../../backup/storage/registry.js');
  const backend = await openBackend(url, depsFrom(ctx));
  ctx.teardown.push(`close ${backend.displayUrl}`, () => backend.close());
  return backend;
}

/** A private scratch directory, removed at the end of the run (also on signals). */
export async function scratchDir(ctx: CliContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'firstaid-archive-'));
  ctx.teardown.push(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function human(bytes: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${u[i]}`;
}

/** "12.0 MiB of 40.0 MiB, ETA 0:31" from bytes done, total and the start time. */
export function progressLine(what: string, done: number, total: number, startedMs: number, now = Date.now()): string {
  const el = (now - startedMs) / 1000;
  const rate = el > 0 ? done / el : 0;
  const left = total > done && rate > 0 ? Math.round((total - done) / rate) : 0;
  const eta = total > 0 ? `, ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : '';
  return `${what}: ${human(done)}${total > 0 ? ` of ${human(total)}` : ''}${eta}`;
}

export function needArgs(ctx: CliContext, verb: string, n: number, usage: string): string[] {
  const rest = ctx.args.slice(1);
  if (rest.length !== n) throw new UsageError(`archive ${verb} takes ${n} argument${n === 1 ? '' : 's'}.`, `Use: firstaid ${usage}`);
  return rest;
}
