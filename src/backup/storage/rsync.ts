/**
 * rsync://[user[:password]@]host[:port]/module/path (the daemon; the password goes in
 * RSYNC_PASSWORD, never argv) and rsync+ssh://user@host[:port]/path (rsync over OpenSSH with the
 * same host-key rules as sftp). rsync writes `.name.XXXXXX` beside the final name and renames it
 * when complete (never --inplace: that leaves a partial final file); the size is checked
 * afterwards with --list-only and the content from the server's disk (sameContent). Names with glob
 * characters are refused: the daemon and the filter rules would expand them.
 */
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { placeFile } from './local-copy.js';
import type { Runner, RunResult } from '../../core/runner.js';
import type { Backend, GetOptions, PutOptions, StorageProgress } from './types.js';
import type { StorageUrl } from './url.js';
import type { SshDeps, StorageDeps } from './registry.js';
import { StorageError, fromErrno } from './errors.js';
import { checkName, isTempName, tempNameFor } from './names.js';
import { acceptHostKey, classifySsh, hostKeyError, remoteSha256, sshClientOptions, type SshTarget } from './ssh-common.js';
import { hashFile } from '../objects/hash-file.js';

const LONG = 24 * 3600_000;
const LIST_LINE = /^([-dlcbps][-rwxsStT]{9})\s+([\d,.]+)\s+\d{4}\/\d\d\/\d\d\s+\d\d:\d\d:\d\d\s(.*)$/;
/** rsync's own temporaries: `.name.XXXXXX`. */
const RSYNC_TEMP = /^\..+\.[A-Za-z0-9]{6}$/;

/** rsync --list-only output -> entries (names are \#ooo-escaped by rsync). */
export function parseRsyncList(stdout: string): { name: string; size: number; isFile: boolean }[] {
  const out: { name: string; size: number; isFile: boolean }[] = [];
  for (const line of stdout.split('\n')) {
    const m = LIST_LINE.exec(line);
    if (!m || m[3] === '.') continue;
    const name = m[3]!.replace(/\\#(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ name, size: Number(m[2]!.replace(/[,.]/g, '')), isFile: m[1]!.startsWith('-') });
  }
  return out;
}

/** rsync's -e takes one string it splits on spaces itself; quote what holds a space. */
function rshString(argv: string[]): string {
  return argv.map((a) => {
    if (!/[\s'"]/.test(a)) return a;
    if (!a.includes("'")) return `'${a}'`;
    if (!a.includes('"')) return `"${a}"`;
    throw new StorageError('bad-url', `The ssh option ${a} holds both kinds of quote; rsync -e cannot carry it.`);
  }).join(' ');
}

export class RsyncBackend implements Backend {
  readonly displayUrl: string;
  private hostKeyChecked = false;
  /** Names being put (whose rsync temporaries a retry may sweep). */
  private readonly putting = new Set<string>();

  constructor(
    private readonly runner: Runner,
    private readonly url: StorageUrl,
    private readonly overSsh: boolean,
    private readonly ssh: SshDeps | undefined,
  ) {
    this.displayUrl = url.display;
  }

  private get target(): SshTarget {
    return { host: this.url.host!, ...(this.url.user ? { user: this.url.user } : {}), ...(this.url.port ? { port: this.url.port } : {}) };
  }

  private dirPath(): string {
    return this.url.path.replace(/\/+$/, '');
  }

  /** The remote location of `name` (or the directory with a trailing slash), as rsync wants it. */
  private remote(name?: string): string {
    const path = name === undefined ? `${this.dirPath()}/` : `${this.dirPath()}/${name}`;
    if (this.overSsh) return `${this.url.user ? `${this.url.user}@` : ''}${this.url.host}:${path}`;
    return `rsync://${this.url.user ? `${encodeURIComponent(this.url.user)}@` : ''}${this.url.host}${this.url.port ? `:${this.url.port}` : ''}${path}`;
  }

  private checkRsyncName(name: string): string {
    checkName(name);
    if (/[*?[\]\\]/.test(name)) throw new StorageError('bad-url', `"${name}": rsync would expand * ? [ ] \\ in a name; choose a name without them.`, 'Give a plain file name.');
    return name;
  }

  private async rsync(args: string[], what: string, opts: { allowFailure?: boolean; timeoutMs?: number; signal?: AbortSignal; progress?: { total: number; onProgress: (p: StorageProgress) => void } } = {}): Promise<RunResult> {
    const pre: string[] = [];
    if (this.overSsh) {
      if (!this.hostKeyChecked && this.ssh?.acceptHostKey) await acceptHostKey(this.runner, this.target, this.ssh.acceptHostKey, this.ssh);
      this.hostKeyChecked = true;
      pre.push('-e', rshString(['ssh', ...sshClientOptions(this.ssh), ...(this.url.port ? ['-p', String(this.url.port)] : [])]));
    } else {
      pre.push('--contimeout=15');
    }
    if (this.ssh?.bwlimitKbit) pre.push(`--bwlimit=${Math.max(1, Math.floor(this.ssh.bwlimitKbit / 8))}`);
    const progress = opts.progress;
    if (progress) pre.push('--info=progress2', '--no-human-readable');
    const r = await this.runner.run('rsync', [...pre, '--timeout=60', ...args], {
      allowFailure: true,
      // "  1234567  45%  12.34MB/s  0:00:05": bytes so far, first on the line.
      ...(progress ? { onLine: (line: string, stream: 'stdout' | 'stderr') => {
        const m = stream === 'stdout' ? /^\s*([\d,]+)\s+\d+%/.exec(line) : null;
        if (m) progress.onProgress({ bytesDone: Number(m[1]!.replace(/,/g, '')), bytesTotal: progress.total });
      } } : {}),
      timeoutMs: opts.timeoutMs ?? 120_000,
      ...(this.url.password ? { env: { RSYNC_PASSWORD: this.url.password } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (r.exitCode !== 0 && !opts.allowFailure) throw await this.errorOf(r, what);
    return r;
  }

  private async errorOf(r: RunResult, what: string): Promise<StorageError> {
    const err = r.stderr.trim();
    const tail = err.split('\n').filter((l) => l && !/^rsync error: |^Warning: Permanently/.test(l)).slice(-2).join(' | ') || `rsync exit ${r.exitCode}`;
    const msg = `${what} on ${this.displayUrl} failed: ${tail}.`;
    if (this.overSsh && (r.exitCode === 255 || r.exitCode === 12)) {
      const k = classifySsh(err, r.exitCode);
      if (k === 'host-key-unknown' || k === 'host-key-changed') return hostKeyError(this.runner, k, this.target, this.ssh);
      if (k && k !== 'transient') return new StorageError(k, msg);
    }
    if (/No space left on device|\(28\)/.test(err)) return new StorageError('no-space', `${what} on ${this.displayUrl}: no space left there (${tail}).`);
    if (r.exitCode === 5 || /@ERROR: auth failed/.test(err)) return new StorageError('auth', `${this.displayUrl}: the rsync daemon refused the login (${tail}).`, 'Check the user and password (rsync://user:password@host/module/...).');
    if (/module is read only|Permission denied|\(13\)/.test(err)) return new StorageError('permission', `${what} on ${this.displayUrl}: permission denied (${tail}).`);
    if (/@ERROR: Unknown module/.test(err)) return new StorageError('bad-url', `${this.displayUrl}: the rsync daemon has no such module (${tail}).`);
    if (/No such file or directory|\(2\)/.test(err)) return new StorageError('not-found', `${what} on ${this.displayUrl}: not found (${tail}).`);
    if ([10, 12, 20, 30, 35, 255].includes(r.exitCode) || /max connections|Connection (refused|reset|timed out)/.test(err)) return new StorageError('transient', msg);
    return new StorageError('other', msg);
  }

  private async ls(path: string): Promise<{ name: string; size: number; isFile: boolean }[] | null> {
    const r = await this.rsync(['--list-only', '--', path], 'list', { allowFailure: true });
    if (r.exitCode === 0) return parseRsyncList(r.stdout);
    const e = await this.errorOf(r, 'list');
    if (e.kind === 'not-found') return null;
    throw e;
  }

  async put(localPath: string, name: string, opts: PutOptions = {}): Promise<void> {
    this.checkRsyncName(name);
    const st = await stat(localPath).catch((err: unknown) => { throw fromErrno(err, `reading ${localPath}`); });
    if (!st.isFile()) throw new StorageError('other', `${localPath} is not a regular file.`);
    this.putting.add(name);
    await this.rsync(['--times', '--mkpath', '--', localPath, this.remote(name)], `put ${name}`, {
      timeoutMs: LONG,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { progress: { total: st.size, onProgress: opts.onProgress } } : {}),
    });
    this.putting.delete(name);
    const got = (await this.ls(this.remote(name)))?.find((e) => e.name === name);
    if (!got || got.size !== st.size) {
      throw new StorageError('corrupt', `put ${name} on ${this.displayUrl}: ${got?.size ?? 'no'} bytes there, ${st.size} were sent.`);
    }
    if (!(await this.sameContent(localPath, name, opts))) {
      // rsync renamed it already: a damaged file must not stay under the name.
      await this.deleteList([name]).catch(() => undefined);
      throw new StorageError('corrupt', `put ${name} on ${this.displayUrl}: what arrived differs from what was sent (checked after rsync's rename); removed.`);
    }
    opts.onProgress?.({ bytesDone: st.size, bytesTotal: st.size });
  }

  /**
   * Whether the file there is what was sent, read back from its disk (rsync's own checksum
   * covers the bytes it received, not what then sits there): over ssh the one remote sha256;
   * on a daemon (no shell), or where no command runs, rsync --checksum --dry-run, which makes
   * the server read the file and compare its whole-file checksum with ours.
   */
  private async sameContent(localPath: string, name: string, opts: PutOptions): Promise<boolean> {
    if (this.overSsh) {
      const [want, there] = await Promise.all([
        opts.sha256 ? Promise.resolve(opts.sha256) : hashFile(localPath),
        remoteSha256(this.runner, this.target, this.ssh, `${this.dirPath()}/${name}`, opts.signal),
      ]);
      if (there) return there === want;
    }
    const r = await this.rsync(['--checksum', '--dry-run', '--itemize-changes', '--times', '--', localPath, this.remote(name)], `checking ${name}`, {
      timeoutMs: LONG, ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // An itemized file line (`>fc.t......`) means rsync would send it again: it differs.
    return !r.stdout.split('\n').some((l) => /^[<>ch*.]f/.test(l));
  }

  async get(name: string, localPath: string, opts: GetOptions = {}): Promise<void> {
    this.checkRsyncName(name);
    const want = (await this.ls(this.remote(name)))?.find((e) => e.name === name && e.isFile);
    if (!want) throw new StorageError('not-found', `get ${name} from ${this.displayUrl}: not found.`);
    const tmp = join(dirname(localPath), tempNameFor(basename(localPath)));
    try {
      await this.rsync(['--times', '--', this.remote(name), tmp], `get ${name}`, {
        timeoutMs: LONG,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? { progress: { total: want.size, onProgress: opts.onProgress } } : {}),
      });
      const got = await stat(tmp);
      if (got.size !== want.size) throw new StorageError('corrupt', `get ${name} from ${this.displayUrl}: ${got.size} bytes arrived, ${want.size} expected.`);
      await placeFile(tmp, localPath);
      opts.onProgress?.({ bytesDone: got.size, bytesTotal: got.size });
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err instanceof StorageError ? err : fromErrno(err, `writing ${localPath}`);
    }
  }

  async list(): Promise<string[]> {
    const entries = (await this.ls(this.remote())) ?? [];
    return entries.filter((e) => e.isFile && !isTempName(e.name) && !RSYNC_TEMP.test(e.name)).map((e) => e.name).sort();
  }

  async delete(name: string): Promise<void> {
    this.checkRsyncName(name);
    if ((await this.query(name)) < 0) throw new StorageError('not-found', `delete ${name} on ${this.displayUrl}: not found.`);
    await this.deleteList([name]);
  }

  /** rsync has no delete: an empty directory synced with --delete, only the named files included. */
  async deleteList(names: string[]): Promise<void> {
    if (names.length === 0) return;
    for (const n of names) this.checkRsyncName(n);
    const empty = await mkdtemp(join(tmpdir(), 'firstaid-rsync-empty-'));
    try {
      const filters = names.flatMap((n) => ['--include', `/${n}`]);
      const r = await this.rsync(['--recursive', '--delete', ...filters, '--exclude', '*', '--', `${empty}/`, this.remote()], 'delete', { allowFailure: true });
      if (r.exitCode !== 0) {
        const e = await this.errorOf(r, 'delete');
        if (e.kind !== 'not-found') throw e; // the directory itself is missing: nothing to delete
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }

  async query(name: string): Promise<number> {
    this.checkRsyncName(name);
    return (await this.queryList([name])).get(name) ?? -1;
  }

  async queryList(names: string[]): Promise<Map<string, number>> {
    const sizes = new Map(((await this.ls(this.remote())) ?? []).filter((e) => e.isFile).map((e) => [e.name, e.size]));
    return new Map(names.map((n) => [n, sizes.get(n) ?? -1]));
  }

  /** Removes what rsync left of an interrupted put (`.name.XXXXXX`) before the next try. */
  async retryCleanup(): Promise<void> {
    if (this.putting.size === 0) return;
    const entries = (await this.ls(this.remote()).catch(() => null)) ?? [];
    const stale = entries.filter((e) => RSYNC_TEMP.test(e.name) && this.putting.has(e.name.slice(1, -7))).map((e) => e.name);
    if (stale.length) await this.deleteList(stale).catch(() => undefined);
  }

  async close(): Promise<void> { /* one process per operation: nothing held */ }
}

export async function openRsyncBackend(url: StorageUrl, deps: StorageDeps, overSsh: boolean): Promise<Backend> {
  if (overSsh && url.password) {
    throw new StorageError('auth', `${url.display}: a password cannot be used for rsync over ssh.`, 'Use a key (--identity FILE or ssh-agent), or the rsync daemon (rsync://).');
  }
  if (!overSsh && url.path.replace(/\/+$/, '').split('/').filter(Boolean).length < 1) {
    throw new StorageError('bad-url', `${url.display}: name the daemon's module (rsync://host/module/dir).`);
  }
  return new RsyncBackend(deps.runner, url, overSsh, deps.ssh);
}
