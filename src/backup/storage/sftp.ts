/**
 * sftp://user@host[:port]/path through OpenSSH's own sftp client (`sftp -b -`, argv only, the
 * batch on stdin with every path escaped): OpenSSH handles ssh_config, agent and known_hosts.
 * put = `put -f` (fsync@openssh.com) to `<name>.firstaid-tmp-<hex>`, size checked, its sha256
 * computed on the server through ssh (read back over sftp where no shell runs) against the
 * local one, then `rename` (posix-rename@openssh.com) onto the final name; a failed try's temporary is removed
 * (at once, else by retryCleanup/close). Never scp -O (remote shell injection, field notes).
 * SFTP reports a full disk only as "Failure": statvfs (`df`) tells it apart.
 */
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { Runner, RunResult } from '../../core/runner.js';
import type { Backend, GetOptions, PutOptions } from './types.js';
import type { StorageUrl } from './url.js';
import type { SshDeps, StorageDeps } from './registry.js';
import { StorageError, fromErrno } from './errors.js';
import { checkName, isTempName, tempNameFor } from './names.js';
import { acceptHostKey, armRemoteCommit, classifySsh, destination, hostKeyError, remoteSha256, sftpQuote as q, sshClientOptions, type SshTarget } from './ssh-common.js';
import { controlSocketUp } from '../../core/remote-shell.js';
import { hashFile } from '../objects/hash-file.js';
import { placeFile } from './local-copy.js';

const LONG = 24 * 3600_000; // a transfer may take hours; a dead link is caught by ServerAlive
const LS_LINE = /^([-dlcbps][-rwxsStT]{9}\S*)\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\w{3}\s+\d+\s+(?:\d\d:\d\d|\d{4})\s(.*)$/;

export interface LsEntry { name: string; size: number; isFile: boolean }

/** Parses `ls -ln` lines of an sftp batch (the echoed `sftp> ` lines skipped); names relative to dir. */
export function parseSftpLs(stdout: string, dir: string): LsEntry[] {
  const out: LsEntry[] = [];
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  for (const line of stdout.split('\n')) {
    if (line.startsWith('sftp> ')) continue;
    const m = LS_LINE.exec(line);
    if (!m) continue;
    let name = m[3]!;
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
    if (name === '.' || name === '..' || name.includes('/')) continue;
    out.push({ name, size: Number(m[2]), isFile: m[1]!.startsWith('-') });
  }
  return out;
}

export class SftpBackend implements Backend {
  readonly displayUrl: string;
  private readonly target: SshTarget;
  private readonly pendingTemps = new Set<string>();
  private hostKeyChecked = false;

  constructor(private readonly runner: Runner, url: StorageUrl, private readonly ssh: SshDeps | undefined, readonly dir: string) {
    this.displayUrl = url.display;
    this.target = { host: url.host!, ...(url.user ? { user: url.user } : {}), ...(url.port ? { port: url.port } : {}) };
  }

  /** The private socket dir of the shared connection (created with the first session). */
  private muxDir: string | undefined;

  /**
   * One ssh login for a put's sessions (the upload, the sha256 on the server, the rename) and
   * whatever follows: OpenSSH ControlMaster, its socket in a fresh 0700 dir of ours; close()
   * tells the master to exit (else it ends by itself 10 s after its last session).
   */
  private async shared(): Promise<string[]> {
    if (!this.muxDir) {
      const dir = await mkdtemp(join(tmpdir(), 'fa-sftp-'));
      this.muxDir = dir;
      // A backend never closed leaves no dir behind the process.
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${this.muxDir}/%C`, '-o', 'ControlPersist=10'];
  }

  private remote(name: string): string {
    return posix.join(this.dir, name);
  }

  /** `-mkdir` of the directory and each missing parent (sftp's mkdir makes one level). */
  private mkdirs(): string[] {
    const parts = this.dir.split('/').filter(Boolean);
    const abs = this.dir.startsWith('/');
    return parts.map((_, i) => `-mkdir ${q((abs ? '/' : '') + parts.slice(0, i + 1).join('/'))}`);
  }

  /** Runs one sftp batch; failures come back as StorageErrors with kinds. */
  private async batch(lines: string[], what: string, opts: { allowFailure?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RunResult> {
    if (!this.hostKeyChecked && this.ssh?.acceptHostKey) await acceptHostKey(this.runner, this.target, this.ssh.acceptHostKey, this.ssh);
    this.hostKeyChecked = true;
    const args = [
      ...(await this.shared()),
      ...sshClientOptions(this.ssh),
      ...(this.target.port ? ['-P', String(this.target.port)] : []),
      ...(this.ssh?.bwlimitKbit ? ['-l', String(this.ssh.bwlimitKbit)] : []),
      '-b', '-', destination(this.target),
    ];
    const r = await this.runner.run('sftp', args, {
      input: lines.join('\n') + '\n',
      allowFailure: true,
      timeoutMs: opts.timeoutMs ?? 120_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (r.exitCode !== 0 && !opts.allowFailure) throw await this.errorOf(r, what);
    return r;
  }

  private async errorOf(r: RunResult, what: string): Promise<StorageError> {
    // What the `-mkdir` lines (existing directories) and the temporary sweep say is not the failure.
    const err = r.stderr.split('\n').filter((l) => !/^remote mkdir "|^remote delete .*\.firstaid-tmp-\*:/.test(l)).join('\n').trim();
    const tail = err.split('\n').filter((l) => !/^Warning: Permanently added/.test(l)).slice(-2).join(' | ');
    const kind = classifySsh(err, r.exitCode);
    if (kind === 'host-key-unknown' || kind === 'host-key-changed') return hostKeyError(this.runner, kind, this.target, this.ssh);
    if (kind === 'auth') {
      return new StorageError('auth', `${this.displayUrl}: the server refused the login (${tail}).`,
        'Give a key the server accepts (its public half in ~/.ssh/authorized_keys there); passwords cannot be typed in here.');
    }
    if (kind) return new StorageError(kind, `${what} on ${this.displayUrl} failed: ${tail || `sftp exit ${r.exitCode}`}.`);
    if (/Permission denied/i.test(err)) return new StorageError('permission', `${what} on ${this.displayUrl}: permission denied (${tail}).`);
    if (/No such file|not found/i.test(err)) return new StorageError('not-found', `${what} on ${this.displayUrl}: not found (${tail}).`);
    return new StorageError('other', `${what} on ${this.displayUrl} failed: ${tail || `sftp exit ${r.exitCode}`}.`);
  }

  async put(localPath: string, name: string, opts: PutOptions = {}): Promise<void> {
    checkName(name);
    const st = await stat(localPath).catch((err: unknown) => { throw fromErrno(err, `reading ${localPath}`); });
    if (!st.isFile()) throw new StorageError('other', `${localPath} is not a regular file.`);
    const tmp = this.remote(tempNameFor(name));
    this.pendingTemps.add(tmp);
    // Hashed here while sftp sends it (the two share nothing but the page cache).
    const localSha = opts.sha256 ? Promise.resolve(opts.sha256) : hashFile(localPath);
    localSha.catch(() => undefined);
    const final = this.remote(name);
    const shared = await this.shared();
    // `-rm NAME.firstaid-tmp-*` (the name escaped, the glob not) sweeps what killed runs left.
    const upload = this.batch([...this.mkdirs(), `-rm ${q(final)}.firstaid-tmp-*`, `put -f ${q(localPath)} ${q(tmp)}`, `ls -ln ${q(tmp)}`], `put ${name}`,
      { allowFailure: true, timeoutMs: LONG, ...(opts.signal ? { signal: opts.signal } : {}) });
    // Its login rides on the upload's; it waits there for the sha256, then checks and renames.
    const armed = armRemoteCommit(this.runner, this.target, this.ssh, tmp, final, controlSocketUp(this.muxDir!, upload), shared, opts.signal);
    let committed = false;
    try {
      const r = await upload;
      if (r.exitCode !== 0) {
        const e = await this.errorOf(r, `put ${name}`);
        if ((e.kind === 'other' || e.kind === 'not-found') && /^write remote .*: Failure/m.test(r.stderr)) {
          // SFTP says only "Failure" when the disk is full: ask statvfs.
          const free = await this.freeSpace().catch(() => undefined);
          if (free !== undefined && free < st.size) {
            throw new StorageError('no-space', `put ${name} on ${this.displayUrl}: no space left there (${free} bytes free, ${st.size} needed).`);
          }
        }
        throw e;
      }
      const got = parseSftpLs(r.stdout, this.dir).find((e) => posix.join(this.dir, e.name) === tmp);
      if (!got || got.size !== st.size) {
        throw new StorageError('corrupt', `put ${name} on ${this.displayUrl}: ${got?.size ?? 'no'} bytes arrived, ${st.size} were sent.`);
      }
      const want = await localSha;
      committed = true;
      const c = await armed.commit(want);
      const mismatch = (there: string) => new StorageError('corrupt', `put ${name} on ${this.displayUrl}: what arrived differs from what was sent (sha256 ${there.slice(0, 12)}... there, ${want.slice(0, 12)}... here); not kept.`);
      if (c.state === 'mismatch') throw mismatch(c.there);
      if (c.state === 'unavailable') {
        // No shell there (or the session dropped): read it back, then rename over sftp.
        const there = await this.remoteHash(tmp, opts.signal);
        if (there !== want) throw mismatch(there);
        await this.batch([`rename ${q(tmp)} ${q(final)}`], `renaming ${basename(tmp)} to ${name}`);
      }
      this.pendingTemps.delete(tmp);
      opts.onProgress?.({ bytesDone: st.size, bytesTotal: st.size });
    } catch (err) {
      // No session was opened: there is no temporary to remove.
      if (err instanceof StorageError && ['host-key-unknown', 'host-key-changed', 'auth', 'bad-url'].includes(err.kind)) this.pendingTemps.delete(tmp);
      throw err;
    } finally {
      if (!committed) await armed.cancel();
      if (this.pendingTemps.has(tmp)) await this.removeTemps();
    }
  }

  /** sha256 of a remote file: computed there through ssh, else (no shell there) read back and hashed here. */
  private async remoteHash(path: string, signal?: AbortSignal): Promise<string> {
    const there = await remoteSha256(this.runner, this.target, this.ssh, path, signal, await this.shared());
    if (there) return there;
    const dir = await mkdtemp(join(tmpdir(), 'firstaid-sftp-readback-'));
    try {
      const back = join(dir, 'f');
      await this.batch([`get -f ${q(path)} ${q(back)}`], `reading back ${basename(path)}`, { timeoutMs: LONG, ...(signal ? { signal } : {}) });
      return await hashFile(back);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(name: string, localPath: string, opts: GetOptions = {}): Promise<void> {
    checkName(name);
    const tmp = join(dirname(localPath), tempNameFor(basename(localPath)));
    // Progress: the temporary's size as it grows (sftp shows no meter without a terminal).
    const total = opts.onProgress ? await this.query(name) : -1;
    const meter = opts.onProgress && total > 0
      ? setInterval(() => { stat(tmp).then((s) => opts.onProgress!({ bytesDone: s.size, bytesTotal: total }), () => undefined); }, 500)
      : undefined;
    try {
      const r = await this.batch([`ls -ln ${q(this.remote(name))}`, `get -f ${q(this.remote(name))} ${q(tmp)}`], `get ${name}`,
        { timeoutMs: LONG, ...(opts.signal ? { signal: opts.signal } : {}) }).finally(() => clearInterval(meter));
      const want = parseSftpLs(r.stdout, this.dir).find((e) => e.name === name);
      const got = await stat(tmp);
      if (!want || got.size !== want.size) throw new StorageError('corrupt', `get ${name} from ${this.displayUrl}: ${got.size} bytes arrived, ${want?.size ?? '?'} expected.`);
      await placeFile(tmp, localPath);
      opts.onProgress?.({ bytesDone: got.size, bytesTotal: got.size });
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err instanceof StorageError ? err : fromErrno(err, `writing ${localPath}`);
    }
  }

  private async lsDir(): Promise<LsEntry[]> {
    const r = await this.batch([`ls -ln ${q(this.dir)}`], 'list', { allowFailure: true });
    if (r.exitCode !== 0) {
      const e = await this.errorOf(r, 'list');
      if (e.kind === 'not-found') return [];
      throw e;
    }
    return parseSftpLs(r.stdout, this.dir).filter((e) => e.isFile);
  }

  async list(): Promise<string[]> {
    return (await this.lsDir()).filter((e) => !isTempName(e.name)).map((e) => e.name).sort();
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    await this.batch([`rm ${q(this.remote(name))}`], `delete ${name}`);
  }

  async deleteList(names: string[]): Promise<void> {
    if (names.length === 0) return;
    for (const n of names) checkName(n);
    await this.batch(names.map((n) => `-rm ${q(this.remote(n))}`), 'delete');
  }

  async query(name: string): Promise<number> {
    checkName(name);
    return (await this.queryList([name])).get(name) ?? -1;
  }

  async queryList(names: string[]): Promise<Map<string, number>> {
    const sizes = new Map((await this.lsDir()).map((e) => [e.name, e.size]));
    return new Map(names.map((n) => [n, sizes.get(n) ?? -1]));
  }

  async freeSpace(): Promise<number | undefined> {
    const r = await this.batch([`df ${q(this.dir)}`], 'free space', { allowFailure: true });
    // "Size Used Avail (root) %Capacity" in KiB.
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+%/m.exec(r.stdout);
    return m ? Number(m[3]) * 1024 : undefined;
  }

  /** Removes the temporaries of failed tries (a new session: the old one may be dead). */
  async retryCleanup(): Promise<void> {
    await this.removeTemps();
  }

  private async removeTemps(): Promise<void> {
    if (this.pendingTemps.size === 0) return;
    const temps = [...this.pendingTemps];
    const r = await this.batch(temps.map((t) => `-rm ${q(t)}`), 'removing temporaries', { allowFailure: true }).catch(() => null);
    if (r && r.exitCode === 0) for (const t of temps) this.pendingTemps.delete(t);
  }

  async close(): Promise<void> {
    await this.removeTemps();
    const dir = this.muxDir;
    if (!dir) return;
    this.muxDir = undefined;
    await this.runner.run('ssh', ['-o', `ControlPath=${dir}/%C`, ...sshClientOptions(this.ssh), ...(this.target.port ? ['-p', String(this.target.port)] : []), '-O', 'exit', destination(this.target)], { allowFailure: true, readOnly: true, timeoutMs: 20_000 }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function openSftpBackend(url: StorageUrl, deps: StorageDeps): Promise<Backend> {
  if (url.password) {
    throw new StorageError('auth', `${url.display}: a password in an sftp URL cannot be used (OpenSSH takes none non-interactively).`, 'Use a key: --identity FILE, or ssh-agent.');
  }
  const dir = url.path.replace(/\/+$/, '') || '/';
  return new SftpBackend(deps.runner, url, deps.ssh, dir);
}
