/**
 * What the sftp and rsync-over-ssh backends share: the OpenSSH client options (argv, never a
 * string; host keys always checked, BatchMode so nothing prompts), reading OpenSSH's stderr into
 * error kinds, and host keys: an unknown key is refused with its fingerprint and the way to
 * accept it; a changed key is refused; accepting writes only to firstaid's own known_hosts.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { StorageError } from './errors.js';
import type { SshDeps } from './registry.js';
import type { StorageErrorKind } from './types.js';
import { PassThrough } from 'node:stream';
import { BULK_CIPHER_OPTIONS } from '../../core/ssh-ciphers.js';
import { COMMIT_IF_HASH_SH, parseHashRecords, remoteCommand, remoteSha256Words } from '../../core/remote-shell.js';

export interface SshTarget { user?: string; host: string; port?: number }

/** firstaid's own known_hosts (where an accepted key goes), then the user's. */
export function knownHostsFiles(deps: SshDeps | undefined): string[] {
  if (deps?.knownHostsFiles?.length) return deps.knownHostsFiles;
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return [join(config, 'firstaid', 'known_hosts'), join(homedir(), '.ssh', 'known_hosts')];
}

/** `-o` options for ssh, sftp and scp (no port flag: sftp/scp want -P, ssh -p). */
export function sshClientOptions(deps: SshDeps | undefined): string[] {
  const files = knownHostsFiles(deps);
  for (const f of files) if (/\s/.test(f)) throw new StorageError('bad-url', `The known_hosts path "${f}" holds a space; OpenSSH cannot take it.`);
  return [
    ...(deps?.identityFile ? ['-i', deps.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${files.join(' ')}`,
    '-o', 'UpdateHostKeys=no',
    '-o', 'ConnectTimeout=10',
    // A dead link fails within ~30 s instead of hanging (field notes: dropped connection).
    '-o', 'ServerAliveInterval=10',
    '-o', 'ServerAliveCountMax=3',
    // After the caller's options: OpenSSH takes the first value given, so theirs wins.
    ...(deps?.options ?? []),
    ...BULK_CIPHER_OPTIONS,
  ];
}

export function destination(t: SshTarget): string {
  return t.user ? `${t.user}@${t.host}` : t.host;
}

function hostPattern(t: SshTarget): string {
  return t.port && t.port !== 22 ? `[${t.host}]:${t.port}` : t.host;
}

/** Kind of an OpenSSH failure from its stderr (exit 255 = ssh itself failed). */
export function classifySsh(stderr: string, exitCode: number): StorageErrorKind | null {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) return 'host-key-changed';
  if (/No \S+ host key is known|Host key verification failed/i.test(stderr)) return 'host-key-unknown';
  if (/Permission denied \(|Too many authentication failures|no more authentication methods/i.test(stderr)) return 'auth';
  if (/Could not resolve hostname|Name or service not known/i.test(stderr)) return 'bad-url';
  if (/Connection (closed|reset|refused|timed out)|Broken pipe|lost connection|Timeout, server|Network is unreachable|No route to host|kex_exchange_identification|Connection to .* closed/i.test(stderr)) return 'transient';
  if (exitCode === 255) return 'transient';
  // Killed by a signal: a shared connection's client dies with its master when the link is cut.
  if (exitCode === -1) return 'transient';
  return null;
}

/** The server's host keys as `ssh-keyscan` sees them, with their SHA256 fingerprints. */
export async function scanHostKeys(runner: Runner, t: SshTarget): Promise<{ line: string; fingerprint: string; type: string }[]> {
  const scan = await runner.run('ssh-keyscan', ['-T', '5', '-p', String(t.port ?? 22), '--', t.host], { allowFailure: true, readOnly: true, timeoutMs: 20_000 });
  const out: { line: string; fingerprint: string; type: string }[] = [];
  for (const line of scan.stdout.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const fp = await runner.run('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: line + '\n', allowFailure: true, readOnly: true });
    const m = /^\d+\s+(SHA256:\S+)\s.*\((\S+)\)\s*$/.exec(fp.stdout.trim());
    if (m) out.push({ line, fingerprint: m[1]!, type: m[2]! });
  }
  return out;
}

/** The error for an unknown or changed host key, with fingerprints and what to do. */
export async function hostKeyError(runner: Runner, kind: 'host-key-unknown' | 'host-key-changed', t: SshTarget, deps: SshDeps | undefined): Promise<StorageError> {
  const keys = await scanHostKeys(runner, t).catch(() => []);
  const fps = keys.map((k) => `${k.fingerprint} (${k.type})`).join(', ') || 'unknown (the server did not answer ssh-keyscan)';
  const where = `${t.host}${t.port ? `:${t.port}` : ''}`;
  const files = knownHostsFiles(deps);
  if (kind === 'host-key-changed') {
    return new StorageError(kind, `The host key of ${where} has CHANGED since it was recorded (now: ${fps}). This can mean someone is intercepting the connection; nothing was sent.`,
      `If the server was really reinstalled, remove its old line (ssh-keygen -R '${hostPattern(t)}' -f FILE, with FILE one of ${files.join(', ')}) and connect again.`);
  }
  const first = keys[0]?.fingerprint ?? 'SHA256:...';
  return new StorageError(kind, `The host key of ${where} is not known (its fingerprint: ${fps}); nothing was sent.`,
    `Check the fingerprint with the server's owner (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there); if it is right, run again with --accept-host-key ${first} (it is then kept in ${files[0]}).`);
}

/**
 * Records the server's key in firstaid's known_hosts when its fingerprint is exactly the one
 * the person confirmed. Refused when the host already has a different key on record (a changed
 * key is never overridden this way).
 */
export async function acceptHostKey(runner: Runner, t: SshTarget, fingerprint: string, deps: SshDeps | undefined): Promise<void> {
  const files = knownHostsFiles(deps);
  for (const f of files) {
    const known = await runner.run('ssh-keygen', ['-F', hostPattern(t), '-f', f], { allowFailure: true, readOnly: true });
    if (known.exitCode === 0 && known.stdout.trim()) {
      const keys = await scanHostKeys(runner, t);
      const recorded = known.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/).slice(1, 3).join(' '));
      if (keys.some((k) => recorded.includes(k.line.split(/\s+/).slice(1, 3).join(' ')))) return; // already known
      throw await hostKeyError(runner, 'host-key-changed', t, deps);
    }
  }
  const keys = await scanHostKeys(runner, t);
  const match = keys.find((k) => k.fingerprint === fingerprint);
  if (!match) {
    throw new StorageError('host-key-unknown', `The host key of ${t.host} has the fingerprint ${keys.map((k) => k.fingerprint).join(', ') || '(none seen)'}, not ${fingerprint}: not accepted.`,
      'Check the fingerprint with the server\'s owner and give exactly the one shown.');
  }
  const line = `${hostPattern(t)} ${match.line.split(/\s+/).slice(1, 3).join(' ')}\n`;
  await mkdir(dirname(files[0]!), { recursive: true, mode: 0o700 });
  await appendFile(files[0]!, line, { mode: 0o600 });
}

/** Quotes a path for an sftp batch line: every blank, quote, backslash and glob character escaped (sftp would glob them). */
export function sftpQuote(path: string): string {
  if (/[\n\r\0]/.test(path)) throw new StorageError('bad-url', 'A path with a newline cannot be sent to sftp.');
  return path.replace(/[\\\s"'*?[\]#{}]/g, '\\$&');
}

/**
 * sha256 of one file on the server, through ssh and the one remote hash (argv; the path is a
 * positional argument of `sh -c`, never read by the remote shell). null when no shell command
 * runs there (an sftp-only account, no sha256 tool): the caller reads the file back instead.
 */
export async function remoteSha256(runner: Runner, t: SshTarget, deps: SshDeps | undefined, path: string, signal?: AbortSignal, extra: readonly string[] = []): Promise<string | null> {
  const r = await runner.run('ssh', [
    ...extra, ...sshClientOptions(deps), ...(t.port ? ['-p', String(t.port)] : []), destination(t), '--', remoteCommand(remoteSha256Words([path])),
  ], { allowFailure: true, readOnly: true, timeoutMs: 24 * 3600_000, ...(signal ? { signal } : {}) });
  if (r.exitCode === 255) {
    const kind = classifySsh(r.stderr, r.exitCode);
    if (kind === 'host-key-unknown' || kind === 'host-key-changed') throw await hostKeyError(runner, kind, t, deps);
    throw new StorageError(kind ?? 'transient', `checking the sha256 on ${t.host}: ssh failed (${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}).`);
  }
  if (r.exitCode !== 0) return null;
  try {
    return parseHashRecords(r.stdout).get(path) ?? null;
  } catch {
    return null;
  }
}

/** What the armed commit session did: renamed after a match, found another hash, or could not run. */
export type RemoteCommit = { state: 'renamed'; sha256: string } | { state: 'mismatch'; there: string } | { state: 'unavailable' };

export interface ArmedCommit {
  /** Tells the session the sha256 `tmp` must have and waits for its verdict. */
  commit(sha256: string): Promise<RemoteCommit>;
  /** The upload failed: the session ends without touching anything. */
  cancel(): Promise<void>;
}

/**
 * A session opened while a put uploads (COMMIT_IF_HASH_SH): once told the sha256, it hashes the
 * temporary on the server and renames it into place only on a match, so the check and the
 * rename add no session after the upload. `after` resolves when its login may start (the
 * shared connection is up). Where it cannot run (no shell there: an sftp-only account; the
 * connection dropped) the verdict is 'unavailable' and the caller checks another way.
 */
export function armRemoteCommit(runner: Runner, t: SshTarget, deps: SshDeps | undefined, tmp: string, final: string, after: Promise<unknown>, extra: readonly string[] = [], signal?: AbortSignal): ArmedCommit {
  const stdin = new PassThrough();
  let cancelled = false;
  const run = after.then(() => cancelled ? null : runner.run('ssh', [
    ...extra, ...sshClientOptions(deps), ...(t.port ? ['-p', String(t.port)] : []), destination(t), '--',
    remoteCommand(['sh', '-c', COMMIT_IF_HASH_SH, 'firstaid-commit', tmp, final]),
  ], { allowFailure: true, input: stdin, timeoutMs: 24 * 3600_000, ...(signal ? { signal } : {}) }));
  run.catch(() => undefined);
  return {
    async commit(sha256) {
      stdin.end(sha256 + '\n');
      const r = await run.catch(() => null);
      const there = /^([0-9a-f]{64})\n/.exec(r?.stdout ?? '')?.[1];
      if (r?.exitCode === 0 && there === sha256) return { state: 'renamed', sha256 };
      if (r?.exitCode === 6 && there) return { state: 'mismatch', there };
      return { state: 'unavailable' };
    },
    async cancel() {
      cancelled = true;
      stdin.end();
      await run.catch(() => undefined);
    },
  };
}
