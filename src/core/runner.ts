/**
 * The one command runner. Every external program firstaid runs goes through here:
 * argv only (never a shell string), logged with exit code and duration, dry-run aware,
 * with timeouts, cancellation and line streaming. Nothing else in src/ imports execa.
 */
import type { ResultPromise } from 'execa';
import type { Readable } from 'node:stream';
import { CancelledError, CommandFailedError, ToolMissingError } from './errors.js';
import { debianPackageFor } from './tool-packages.js';
import type { SessionLog } from './log.js';

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment (LC_ALL=C is always set so output parses the same). */
  env?: Record<string, string | undefined>;
  /** stdin: all of it, or a stream written to while the command runs (ended by the caller). */
  input?: string | Buffer | Readable;
  /** Kill the command after this many milliseconds (default: 10 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called for each complete line of output as it arrives (progress). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Return a non-zero exit instead of throwing CommandFailedError. */
  allowFailure?: boolean;
  /**
   * The command only reads (lsblk, blkid, grub-script-check, ...): it runs even in dry-run mode.
   * Commands without it are recorded, not run, in dry-run mode.
   */
  readOnly?: boolean;
  /** Indexes into args whose values are secrets: they are logged as ***. */
  secretArgs?: number[];
  /** stdout as a Buffer instead of text (binary output). */
  binary?: boolean;
}

export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stdoutBuffer?: Buffer;
  stderr: string;
  durationMs: number;
  /** True when the command was only recorded (dry-run), not run. */
  dryRun: boolean;
}

export interface RunnerOptions {
  log: SessionLog;
  dryRun?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

// execa and its dependencies load with the first command, not at start-up (first frame).
let execaModule: Promise<typeof import('execa')> | null = null;
const loadExeca = () => (execaModule ??= import('execa'));

export class Runner {
  readonly log: SessionLog;
  readonly dryRun: boolean;
  /** Commands that dry-run mode recorded instead of running, in order. */
  readonly planned: string[][] = [];

  constructor(opts: RunnerOptions) {
    this.log = opts.log;
    this.dryRun = opts.dryRun ?? false;
  }

  /** A runner sharing this one's log, with dry-run switched as asked. */
  withDryRun(dryRun: boolean): Runner {
    return new Runner({ log: this.log, dryRun });
  }

  async run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const argv = [cmd, ...args];
    const logged = argv.map((a, i) => (i > 0 && opts.secretArgs?.includes(i - 1) ? '***' : a));
    if (this.dryRun && !opts.readOnly) {
      this.planned.push(logged);
      this.log.command({ argv: logged, exitCode: 0, durationMs: 0, dryRun: true });
      return { argv: logged, exitCode: 0, stdout: '', stderr: '', durationMs: 0, dryRun: true };
    }
    if (opts.signal?.aborted) throw new CancelledError(`"${cmd}"`);

    const { execa } = await loadExeca();
    const started = Date.now();
    let child: ResultPromise;
    try {
      child = execa(cmd, [...args], {
        cwd: opts.cwd,
        env: { LC_ALL: 'C', LANG: 'C', ...opts.env },
        input: opts.input,
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        cancelSignal: opts.signal,
        reject: false,
        stripFinalNewline: false,
        encoding: opts.binary ? 'buffer' : 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        stdin: opts.input === undefined ? 'ignore' : 'pipe',
      });
    } catch (err) {
      throw this.spawnError(cmd, err);
    }

    if (opts.onLine) {
      const onLine = opts.onLine;
      for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
        let buf = '';
        stream?.on('data', (chunk: Buffer) => {
          buf += chunk.toString('utf8');
          let nl: number;
          while ((nl = buf.search(/[\r\n]/)) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line) onLine(line, name);
          }
        });
        stream?.on('end', () => { if (buf) onLine(buf, name); });
      }
    }

    const r = await child;
    const durationMs = Date.now() - started;
    const errCode = (r as { code?: string }).code;
    if (r.failed && (errCode === 'ENOENT' || /ENOENT/.test(String(r.message ?? ''))) && r.exitCode === undefined) {
      this.log.command({ argv: logged, exitCode: null, durationMs, dryRun: false, stderrTail: 'not installed' });
      throw new ToolMissingError(cmd, debianPackageFor(cmd));
    }
    const stdoutBuffer = opts.binary ? Buffer.from(r.stdout as unknown as Uint8Array) : undefined;
    const stdout = opts.binary ? '' : String(r.stdout ?? '');
    const stderr = typeof r.stderr === 'string' ? r.stderr : Buffer.from(r.stderr as unknown as Uint8Array).toString('utf8');
    const exitCode = r.exitCode ?? -1;
    this.log.command({
      argv: logged,
      exitCode: r.exitCode ?? null,
      durationMs,
      dryRun: false,
      ...(exitCode !== 0 ? { stderrTail: stderr.trim().split('\n').slice(-5).join('\n') } : {}),
    });
    if (r.isCanceled) throw new CancelledError(`"${cmd}"`);
    if (exitCode !== 0 && !opts.allowFailure) {
      throw new CommandFailedError(logged, r.exitCode ?? null, stderr, r.timedOut);
    }
    return { argv: logged, exitCode, stdout, ...(stdoutBuffer ? { stdoutBuffer } : {}), stderr, durationMs, dryRun: false };
  }

  /** Whether a program can be found on PATH (without running it). */
  async has(cmd: string): Promise<boolean> {
    const { access, constants } = await import('node:fs/promises');
    const dirs = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
    for (const d of dirs) {
      try {
        await access(`${d}/${cmd}`, constants.X_OK);
        return true;
      } catch { /* next */ }
    }
    return false;
  }

  /** Throws ToolMissingError unless every named program is on PATH. */
  async require(...cmds: string[]): Promise<void> {
    for (const c of cmds) if (!(await this.has(c))) throw new ToolMissingError(c, debianPackageFor(c));
  }

  private spawnError(cmd: string, err: unknown): Error {
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return new ToolMissingError(cmd, debianPackageFor(cmd));
    return err as Error;
  }
}
