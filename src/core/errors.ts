/**
 * Errors the person is meant to read. Every failure that reaches the CLI or a screen is
 * (or is wrapped into) a FirstaidError: what happened, and what to do next. Never a stack trace.
 */
export type ExitCode = 0 | 1 | 2;

export class FirstaidError extends Error {
  /** What to do next, in one sentence. */
  readonly hint: string;
  /** 1: a problem found or an operation failed; 2: the invocation was wrong. */
  readonly exitCode: ExitCode;
  readonly code: string;
  /** What the message names, as data for the screens and --json (e.g. `changed`: the paths). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, hint: string, exitCode: ExitCode = 1, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'FirstaidError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
    this.details = options?.details ?? {};
  }
}

export class UsageError extends FirstaidError {
  constructor(message: string, hint = 'Run "firstaid --help" for the commands and options.') {
    super('usage', message, hint, 2);
    this.name = 'UsageError';
  }
}

/** A system tool is not installed; names the Debian package that has it. */
export class ToolMissingError extends FirstaidError {
  readonly tool: string;
  readonly debianPackage: string;
  constructor(tool: string, debianPackage: string) {
    super(
      'tool-missing',
      `The program "${tool}" is not installed on this system.`,
      `Install it with: apt-get install ${debianPackage}`,
    );
    this.name = 'ToolMissingError';
    this.tool = tool;
    this.debianPackage = debianPackage;
  }
}

/** A command ran and failed. The message carries the command and the end of its stderr. */
export class CommandFailedError extends FirstaidError {
  readonly argv: string[];
  readonly exitCodeOfCommand: number | null;
  readonly stderr: string;
  constructor(argv: string[], exitCode: number | null, stderr: string, timedOut = false) {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    const how = timedOut ? 'timed out' : exitCode === null ? 'was killed' : `failed with exit code ${exitCode}`;
    super(
      'command-failed',
      `"${argv.join(' ')}" ${how}${tail ? `: ${tail}` : ''}`,
      'See the session log for the full output (firstaid log, or the Log screen).',
    );
    this.name = 'CommandFailedError';
    this.argv = argv;
    this.exitCodeOfCommand = exitCode;
    this.stderr = stderr;
  }
}

export class CancelledError extends FirstaidError {
  constructor(what = 'The operation') {
    super('cancelled', `${what} was cancelled.`, 'Nothing more was changed; start it again when ready.');
    this.name = 'CancelledError';
  }
}

/** Turns anything thrown into a FirstaidError, so callers can always print message + hint. */
export function asFirstaidError(err: unknown): FirstaidError {
  if (err instanceof FirstaidError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const path = e.path ? ` (${e.path})` : '';
    switch (e.code) {
      case 'EACCES':
      case 'EPERM':
        return new FirstaidError('permission', `Permission denied${path}.`, 'Run firstaid as root (sudo firstaid).', 1, { cause: err });
      case 'ENOSPC':
        return new FirstaidError('no-space', `No space left on the device${path}.`, 'Free space there or choose another backup store with --backup-store DIR.', 1, { cause: err });
      case 'EROFS':
        return new FirstaidError('read-only', `The filesystem is read-only${path}.`, 'Choose a writable location (for backups: --backup-store DIR).', 1, { cause: err });
      case 'ENOENT':
        return new FirstaidError('not-found', `Not found${path}.`, 'Check the path and try again.', 1, { cause: err });
      default:
        break;
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FirstaidError('internal', message, 'This is a bug in firstaid; the session log has the details.', 1, { cause: err });
}
