/**
 * A remote peer (CedarBackup's RemotePeer), pulled over OpenSSH. One `scp -r` copies the collect
 * dir into a fresh per-run dir (one connection, dotfiles included) while the rsh command lists
 * and hashes the same dir on the peer; what is staged is what arrived and matched the peer's
 * own listing, so staging again into a dir that already holds the files works.
 */
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Runner, RunOptions, RunResult } from '../../core/runner.js';
import { PeerStageError, PeerUnreachableError } from './errors.js';
import { copyArgv, remoteCommand, remoteOperand, remotePathMode, sshDestination } from './remote-args.js';
import { asLocalUser, DEFAULT_RCP_COMMAND, DEFAULT_RSH_COMMAND } from './commands.js';
import { sshFailureLine, sshFailureReason } from './ssh-failure.js';
import { HASH_MARKER, listTree, parseRemoteListing, remoteListingWords, type ParsedListing } from './listing.js';
import { checkHashes, compareArrived, placeFiles } from './place.js';
import { resolveOwnership, userIds } from './ownership.js';
import { pollArrived } from './progress.js';
import { followArrivals, type Arrived } from './follow-arrivals.js';
import { DEFAULT_COLLECT_INDICATOR, DEFAULT_STAGE_INDICATOR, type Ownership, type Peer, type PeerReadiness, type StageOptions, type StageReport } from './types.js';
import { pathExists } from '../../core/path-exists.js';
import { controlSocketUp } from '../../core/remote-shell.js';

export interface RemotePeerConfig {
  name: string;
  collectDir: string;
  /** A local dir for the indicator copies. */
  workingDir: string;
  remoteUser?: string;
  localUser?: string;
  rcpCommand?: readonly string[];
  rshCommand?: readonly string[];
  collectIndicator?: string;
  stageIndicator?: string;
}

/** A copy of a large collect dir may take hours; a dead link is caught by ServerAlive*. */
const COPY_TIMEOUT_MS = 12 * 60 * 60 * 1000;
const SHORT_TIMEOUT_MS = 2 * 60 * 1000;

export class RemotePeer implements Peer {
  readonly type = 'remote' as const;
  readonly name: string;
  readonly collectDir: string;
  readonly workingDir: string;
  readonly remoteUser: string | undefined;
  readonly localUser: string | undefined;
  readonly rcpCommand: readonly string[];
  readonly rshCommand: readonly string[];
  readonly collectIndicator: string;
  readonly stageIndicator: string;

  constructor(cfg: RemotePeerConfig, private readonly runner: Runner) {
    this.name = cfg.name;
    this.collectDir = cfg.collectDir;
    this.workingDir = cfg.workingDir;
    this.remoteUser = cfg.remoteUser;
    this.localUser = cfg.localUser;
    this.rcpCommand = cfg.rcpCommand ?? DEFAULT_RCP_COMMAND;
    this.rshCommand = cfg.rshCommand ?? DEFAULT_RSH_COMMAND;
    this.collectIndicator = cfg.collectIndicator ?? DEFAULT_COLLECT_INDICATOR;
    this.stageIndicator = cfg.stageIndicator ?? DEFAULT_STAGE_INDICATOR;
  }

  /** A private socket dir while sharing one connection (sharingConnection); undefined otherwise. */
  private muxDir: string | undefined;

  /** OpenSSH's ssh and scp share the connection through the private socket; other programs run as given. */
  private mux(argv: string[]): string[] {
    if (!this.muxDir || !['ssh', 'scp'].includes(basename(argv[0]!))) return argv;
    return [argv[0]!, '-o', 'ControlMaster=auto', '-o', `ControlPath=${this.muxDir}/%C`, '-o', 'ControlPersist=60', ...argv.slice(1)];
  }

  /**
   * Runs fn with every ssh and scp of this peer over one connection (OpenSSH ControlMaster, its
   * socket in a fresh 0700 dir of ours, owned by localUser when the copies run as that user):
   * the check, the copy, the listing and the stage indicator pay for one login, not four. The
   * master is told to exit afterwards. Only when both commands are OpenSSH's.
   */
  async sharingConnection<T>(fn: () => Promise<T>): Promise<T> {
    if (this.muxDir || !['ssh', 'scp'].includes(basename(this.rcpCommand[0] ?? '')) || basename(this.rshCommand[0] ?? '') !== 'ssh') return fn();
    const dir = await mkdtemp(join(tmpdir(), 'fa-ssh-'));
    if (this.localUser && process.getuid?.() === 0) {
      const { uid, gid } = await userIds(this.runner, this.localUser);
      await chown(dir, uid, gid);
    }
    this.muxDir = dir;
    try {
      return await fn();
    } finally {
      await this.run([...this.rshCommand, '-O', 'exit', sshDestination(this.name, this.remoteUser)], { readOnly: true, timeoutMs: SHORT_TIMEOUT_MS }).catch(() => undefined);
      this.muxDir = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  }

  private run(argv: string[], opts: RunOptions): Promise<RunResult> {
    const full = asLocalUser(this.mux(argv), this.localUser);
    return this.runner.run(full[0]!, full.slice(1), { allowFailure: true, ...opts });
  }

  private remote(path: string): string {
    return remoteOperand(this.name, this.remoteUser, path, remotePathMode(this.rcpCommand));
  }

  /** A fresh dir the copy (run as localUser when we are root) may write to. */
  private async freshDir(parent: string, prefix: string): Promise<string> {
    await mkdir(parent, { recursive: true });
    const dir = await mkdtemp(join(parent, prefix));
    if (this.localUser && process.getuid?.() === 0) {
      const { uid, gid } = await userIds(this.runner, this.localUser);
      await chown(dir, uid, gid);
    }
    return dir;
  }

  private unreachable(r: RunResult): PeerUnreachableError | null {
    const reason = sshFailureReason(r.exitCode, r.stderr);
    return reason ? new PeerUnreachableError(this.name, reason, sshFailureLine(r.stderr)) : null;
  }

  async checkCollectIndicator(name = this.collectIndicator): Promise<PeerReadiness> {
    const dir = await this.freshDir(this.workingDir, '.firstaid-check-');
    try {
      const local = join(dir, 'indicator');
      const argv = [...copyArgv(this.rcpCommand), this.remote(join(this.collectDir, name)), local];
      const r = await this.run(argv, { readOnly: true, timeoutMs: SHORT_TIMEOUT_MS });
      if (r.exitCode === 0 && (await pathExists(local))) return { state: 'ready' };
      if (/No such file or directory/.test(r.stderr)) return { state: 'not-ready', reason: `no ${name} in ${this.collectDir} yet` };
      const u = this.unreachable(r);
      if (u) return { state: 'unreachable', reason: u.reason, message: sshFailureLine(r.stderr) };
      return { state: 'unreachable', reason: 'ssh-failed', message: r.exitCode === 0 ? 'the copy exited 0 but brought no indicator' : sshFailureLine(r.stderr) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async writeStageIndicator(name = this.stageIndicator): Promise<void> {
    const dir = await this.freshDir(this.workingDir, '.firstaid-indicator-');
    try {
      const local = join(dir, name);
      await writeFile(local, '');
      const r = await this.run([...copyArgv(this.rcpCommand), local, this.remote(join(this.collectDir, name))], { timeoutMs: SHORT_TIMEOUT_MS });
      if (r.exitCode !== 0) {
        throw this.unreachable(r) ?? new PeerStageError(this.name, `could not write ${name} on the peer: ${sshFailureLine(r.stderr)}`, 'Check that the remote user may write to the collect dir.');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async stagePeer(targetDir: string, ownership?: Ownership, permissions?: number): Promise<number> {
    const opts: StageOptions = { ...(ownership ? { ownership } : {}), ...(permissions !== undefined ? { permissions } : {}) };
    return (await this.sharingConnection(() => this.stage(targetDir, opts))).files.length;
  }

  /** The peer's listing with hashes; null when it cannot run commands (sftp-only account). */
  private async listOnPeer(signal?: AbortSignal): Promise<{ listing: ParsedListing | null; warning?: string }> {
    const words = remoteListingWords(this.collectDir);
    const argv = [...this.rshCommand, sshDestination(this.name, this.remoteUser), '--', remoteCommand(words)];
    const r = await this.run(argv, { readOnly: true, timeoutMs: COPY_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    if (r.exitCode === 0) return { listing: parseRemoteListing(r.stdout, [this.collectIndicator, this.stageIndicator]) };
    const u = this.unreachable(r);
    if (u && u.reason !== 'ssh-failed') throw u;
    if (r.exitCode === 3) throw new PeerUnreachableError(this.name, 'no-collect-dir', `${this.collectDir}: ${sshFailureLine(r.stderr)}`);
    if (r.exitCode === 5 && r.stdout.includes(`\0${HASH_MARKER}\0`)) {
      // Listed, but hashing failed (no sha256sum there): sizes are still checked.
      const listing = parseRemoteListing(r.stdout, [this.collectIndicator, this.stageIndicator]);
      return { listing, warning: `the peer could not hash its files (${sshFailureLine(r.stderr)}): ${listing.files.filter((f) => !f.sha256).length} were checked by size and a local sha256 only` };
    }
    return { listing: null, warning: `the peer could not list and hash its collect dir (${sshFailureLine(r.stderr)}): files were checked by what the copy brought only` };
  }

  async stage(targetDir: string, opts: StageOptions = {}): Promise<StageReport> {
    const owner = await resolveOwnership(this.runner, opts.ownership);
    const fresh = await this.freshDir(opts.tempParent ?? dirname(targetDir), `.firstaid-stage-${this.name}-`);
    let arrivals: Promise<Map<string, Arrived>> | undefined;
    try {
      const into = join(fresh, 'c');
      const signal = opts.signal;
      const copy = this.run([...copyArgv(this.rcpCommand), '-r', this.remote(this.collectDir), into], {
        timeoutMs: COPY_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      });
      // All at once: the peer hashes while the bytes travel, and we hash them as they land.
      arrivals = followArrivals(into, copy);
      let total: number | undefined;
      // Once the copy's login is up, so the listing rides on it instead of logging in beside it.
      const listingDone = (this.muxDir ? controlSocketUp(this.muxDir, copy) : Promise.resolve()).then(() => this.listOnPeer(signal)).then((l) => {
        total = l.listing?.files.reduce((n, f) => n + f.size, 0);
        return l;
      });
      const poll = opts.onProgress ? pollArrived(into, () => total, opts.onProgress) : undefined;
      const [listed, copied] = await Promise.allSettled([listingDone, copy]).finally(() => poll?.stop());
      if (copied.status === 'rejected') throw copied.reason;
      const c = copied.value;
      if (c.exitCode !== 0) {
        if (/No such file or directory/.test(c.stderr) && !(await pathExists(into))) {
          throw new PeerUnreachableError(this.name, 'no-collect-dir', sshFailureLine(c.stderr));
        }
        throw this.unreachable(c) ?? new PeerStageError(this.name, `the copy failed (exit ${c.exitCode}): ${sshFailureLine(c.stderr)}`);
      }
      if (listed.status === 'rejected') throw listed.reason;
      const { listing, warning } = listed.value;
      const warnings = warning ? [warning] : [];
      if (!(await pathExists(into))) throw new PeerStageError(this.name, 'the copy exited 0 but staged nothing');
      const arrived = await listTree(into, [this.collectIndicator, this.stageIndicator]);
      const checked = compareArrived(listing?.files ?? null, arrived.files);
      if (checked.problems.length) {
        throw new PeerStageError(this.name, `the copy exited 0 but ${checked.problems.length} of ${listing?.files.length} files are not right: ${checked.problems.slice(0, 3).join('; ')}`);
      }
      if (checked.files.length === 0) throw new PeerStageError(this.name, `nothing to stage: ${this.collectDir} holds no files`, 'Check that the peer collected its backups into collectDir.');
      const bad = await checkHashes(into, checked.files, signal, await arrivals);
      if (bad.length) throw new PeerStageError(this.name, bad.slice(0, 3).join('; '));
      if (listing?.skipped.length) warnings.push(`not regular files, not staged: ${listing.skipped.join(', ')}`);
      if (checked.extras.length) warnings.push(`appeared after the peer's listing, not staged: ${checked.extras.join(', ')}`);
      await placeFiles(this.runner, into, targetDir, checked.files, owner, opts.permissions);
      return { peer: this.name, targetDir, files: checked.files, bytes: checked.files.reduce((n, f) => n + f.size, 0), warnings };
    } finally {
      await arrivals;
      await rm(fresh, { recursive: true, force: true });
    }
  }
}
