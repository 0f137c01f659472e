/**
 * Space IDs and name checks (pure). A space ID is "<pluginId>/<YYYYMMDDTHHMMSSZ>-<6 hex>":
 * UTC, and minutes are minutes (FirstAidKit put the month there).
 */
import { randomBytes } from 'node:crypto';

const PLUGIN_ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const SPACE_NAME_RE = /^(\d{8}T\d{6}Z)-([0-9a-f]{6})$/;

export function isPluginId(s: string): boolean {
  return PLUGIN_ID_RE.test(s) && s !== '.' && s !== '..' && !s.includes('..');
}

/** "20261122T205301Z" for a date, always UTC. */
export function utcStamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`
  );
}

export function stampToDate(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function newSpaceId(pluginId: string, now = new Date(), shortId = randomBytes(3).toString('hex')): string {
  return `${pluginId}/${utcStamp(now)}-${shortId}`;
}

export interface ParsedSpaceId {
  pluginId: string;
  stamp: string;
  shortId: string;
  created: Date;
}

/** Parses a space ID; undefined when it is not one (so it can never name a path outside the store). */
export function parseSpaceId(id: string): ParsedSpaceId | undefined {
  const slash = id.indexOf('/');
  if (slash < 0 || id.indexOf('/', slash + 1) >= 0) return undefined;
  const pluginId = id.slice(0, slash);
  const m = SPACE_NAME_RE.exec(id.slice(slash + 1));
  if (!isPluginId(pluginId) || !m) return undefined;
  const created = stampToDate(m[1]!);
  if (!created) return undefined;
  return { pluginId, stamp: m[1]!, shortId: m[2]!, created };
}

/** Why an object name is unacceptable, or null. Names may look like paths, but never climb. */
export function badObjectName(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'empty name';
  if (name.includes('\0')) return 'name contains NUL';
  if (name.length > 4096) return 'name too long';
  if (name.split('/').includes('..')) return 'name contains ".."';
  return null;
}

/** Why a target path (an origin) is unacceptable, or null: absolute, normalized, no "..". */
export function badOrigin(p: unknown): string | null {
  if (typeof p !== 'string' || !p.startsWith('/')) return 'origin is not an absolute path';
  if (p.includes('\0')) return 'origin contains NUL';
  const parts = p.split('/').slice(1);
  if (p !== '/' && parts.some((c) => c === '' || c === '.' || c === '..')) return 'origin is not a normalized path';
  return null;
}

/** Why a path inside a directory object is unacceptable, or null: relative, no "..", no empty parts. */
export function badEntryPath(p: unknown): string | null {
  if (typeof p !== 'string' || p === '') return 'empty entry path';
  if (p.includes('\0')) return 'entry path contains NUL';
  if (p.startsWith('/')) return 'entry path is absolute';
  if (p.split('/').some((c) => c === '' || c === '.' || c === '..')) return 'entry path contains "..", "." or an empty part';
  return null;
}

/** A normalized absolute target path ("boot//grub/" -> "/boot/grub"); ".." is refused. */
export function normalizeTargetPath(p: string): string {
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new Error(`"${p}" contains ".."`);
  return '/' + parts.join('/');
}

export function isSha256(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}
