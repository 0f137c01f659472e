/**
 * Schemes in one registry (duplicity's register_backend / register_backend_prefix, restic's
 * location registry). `openBackend(url, deps)` opens a leaf backend by scheme, wraps it in the
 * one retry wrapper, then applies meta backends named by prefix: `par2+sftp://...`. A plain path
 * (no scheme) is a local directory, e.g. a USB stick's mount point.
 *
 *   const b = await openBackend('sftp://root@10.0.0.2/srv/backups', { runner, log });
 *   await b.put('/tmp/home.tar.xz', 'home.tar.xz');
 *   await b.close();
 */
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import type { Backend } from './types.js';
import { StorageError } from './errors.js';
import { parseStorageUrl, splitScheme, displayUrl, type StorageUrl } from './url.js';
import { withRetry, type RetryOptions } from './retry.js';

export interface SshDeps {
  /** known_hosts files consulted (default: firstaid's own, then ~/.ssh/known_hosts). The first is where an accepted key goes. */
  knownHostsFiles?: string[];
  identityFile?: string;
  /** More `-o Key=Value` options for ssh (argv, never a string). */
  options?: string[];
  /** Accept the server's key when its fingerprint is exactly this (SHA256:...), writing it to the first known_hosts file. */
  acceptHostKey?: string;
  /** Bandwidth limit in Kbit/s (sftp -l, rsync --bwlimit in KiB/s). */
  bwlimitKbit?: number;
}

export interface S3Deps {
  /** S3-compatible servers: http(s)://host:port (also ?endpoint= in the URL). */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

export interface StorageDeps {
  runner: Runner;
  log: SessionLog;
  ssh?: SshDeps;
  s3?: S3Deps;
  /** Retry policy for transient errors; false: none (tests of a single failure). */
  retry?: RetryOptions | false;
  /** Scratch space (par2 work dirs); default os.tmpdir(). */
  tmpDir?: string;
}

export type BackendFactory = (url: StorageUrl, deps: StorageDeps) => Promise<Backend>;
export type MetaFactory = (inner: Backend, innerUrl: string, deps: StorageDeps) => Promise<Backend>;

const schemes = new Map<string, BackendFactory>();
const prefixes = new Map<string, MetaFactory>();

export function registerScheme(scheme: string, factory: BackendFactory): void {
  if (schemes.has(scheme) || prefixes.has(scheme)) throw new Error(`storage scheme ${scheme} registered twice`);
  schemes.set(scheme, factory);
}

export function registerPrefix(prefix: string, factory: MetaFactory): void {
  if (schemes.has(prefix) || prefixes.has(prefix)) throw new Error(`storage prefix ${prefix} registered twice`);
  prefixes.set(prefix, factory);
}

export function registeredSchemes(): { schemes: string[]; prefixes: string[] } {
  return { schemes: [...schemes.keys()].sort(), prefixes: [...prefixes.keys()].sort() };
}

let loaded: Promise<void> | null = null;
/** The backends register themselves on import; S3's SDK loads only when an s3:// URL is opened. */
function loadBackends(): Promise<void> {
  return (loaded ??= import('./backends.js').then(() => undefined));
}

export async function openBackend(url: string, deps: StorageDeps): Promise<Backend> {
  await loadBackends();
  const split = splitScheme(url);
  if (!split) {
    if (!url) throw new StorageError('bad-url', 'No storage URL or path was given.');
    return openLeaf('file', url, deps);
  }
  if (schemes.has(split.scheme)) return openLeaf(split.scheme, url, deps);
  const plus = split.scheme.indexOf('+');
  const prefix = plus > 0 ? split.scheme.slice(0, plus) : '';
  const meta = prefixes.get(prefix);
  if (!meta) {
    throw new StorageError('bad-url', `"${displayUrl(url)}": the scheme "${split.scheme}" is not known (known: ${[...schemes.keys(), ...[...prefixes.keys()].map((p) => `${p}+...`)].join(', ')}).`);
  }
  const innerUrl = url.slice(plus + 1);
  const inner = await openBackend(innerUrl, deps);
  return meta(inner, innerUrl, deps);
}

async function openLeaf(scheme: string, url: string, deps: StorageDeps): Promise<Backend> {
  const parsed = parseStorageUrl(url, scheme);
  const backend = await schemes.get(scheme)!(parsed, deps);
  return deps.retry === false ? backend : withRetry(backend, { log: deps.log, ...(deps.retry ?? {}) });
}
