/**
 * Storage URLs, parsed once into types (the backends never parse text again), and the form
 * safe to show: the password removed.
 */
import { isAbsolute, resolve } from 'node:path';
import { StorageError } from './errors.js';

export interface StorageUrl {
  /** The scheme without meta prefixes: file, sftp, rsync, rsync+ssh, s3. */
  scheme: string;
  user?: string;
  /** Never logged; displayUrl leaves it out. */
  password?: string;
  host?: string;
  port?: number;
  /** Percent-decoded path ('/a/b' for sftp://h/a/b; the absolute path for file and plain paths). */
  path: string;
  /** Query parameters (?endpoint=...&region=...). */
  params: Record<string, string>;
  /** The URL as given with the password removed. */
  display: string;
}

/** Removes the password from a URL (user:pw@ -> user@), for logs and screens. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@:]*):[^/@]*@/i, '$1$2@');
}

/** Splits `par2+sftp://...` into its meta prefixes and the rest (a registered scheme may itself hold a '+'). */
export function splitScheme(url: string): { scheme: string; rest: string } | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m ? { scheme: m[1]!.toLowerCase(), rest: url.slice(m[0].length) } : null;
}

export function parseStorageUrl(url: string, scheme: string): StorageUrl {
  const display = displayUrl(url);
  const bad = (why: string) => new StorageError('bad-url', `"${display}" is not a usable storage URL: ${why}.`);
  if (scheme === 'file' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // A plain path (a USB stick's mount point, a directory).
    return { scheme: 'file', path: isAbsolute(url) ? url : resolve(url), params: {}, display };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('it cannot be parsed');
  }
  const params: Record<string, string> = {};
  for (const [k, v] of u.searchParams) params[k] = v;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    throw bad('its path has a broken %-escape');
  }
  if (path.includes('\0')) throw bad('its path holds a NUL');
  const out: StorageUrl = { scheme, path, params, display };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  if (u.hostname) out.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (u.port) out.port = Number(u.port);
  if (scheme === 'file') {
    if (out.host) throw bad('file URLs have no host (file:///absolute/path)');
  } else if (!out.host) {
    throw bad('it names no host');
  }
  if (out.host && /^-/.test(out.host)) throw bad('a host name cannot start with "-"');
  if (out.user && /^-/.test(out.user)) throw bad('a user name cannot start with "-"');
  return out;
}
