/**
 * The session log: every command (argv, exit code, duration) and every notable event of a run,
 * in memory for the Log screen and appended to a file for later reading.
 * Secrets never reach it: callers mark secret arguments, and redact() masks known patterns.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface CommandLogEntry {
  kind: 'command';
  time: string;
  argv: string[];
  exitCode: number | null;
  durationMs: number;
  dryRun: boolean;
  /** Last lines of stderr when the command failed. */
  stderrTail?: string;
}

export interface MessageLogEntry {
  kind: 'message';
  time: string;
  level: LogLevel;
  text: string;
}

export type LogEntry = CommandLogEntry | MessageLogEntry;

const SECRET_PATTERNS: RegExp[] = [
  /(password|passwd|pass|secret|token)=\S+/gi,
  /(:\/\/[^:/\s]+:)[^@\s]+@/g, // user:password@ in URLs
];

export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (m, p1: string) => (m.startsWith('://') || p1.startsWith('://') ? `${p1}***@` : `${p1}=***`));
  }
  return out;
}

export class SessionLog {
  readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<(e: LogEntry) => void>();

  /** @param file where entries are appended as JSON lines; undefined keeps them in memory only. */
  constructor(readonly file?: string) {
    if (file) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  private push(entry: LogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > 5000) this.entries.splice(0, this.entries.length - 5000);
    if (this.file) {
      try {
        appendFileSync(this.file, JSON.stringify(entry) + '\n', { mode: 0o600 });
      } catch {
        // A log that cannot be written must never stop a repair.
      }
    }
    for (const l of this.listeners) l(entry);
  }

  command(e: Omit<CommandLogEntry, 'kind' | 'time'>): void {
    this.push({
      kind: 'command',
      time: new Date().toISOString(),
      ...e,
      argv: e.argv.map(redact),
      ...(e.stderrTail !== undefined ? { stderrTail: redact(e.stderrTail) } : {}),
    });
  }

  message(level: LogLevel, text: string): void {
    this.push({ kind: 'message', time: new Date().toISOString(), level, text: redact(text) });
  }

  info(text: string): void { this.message('info', text); }
  warn(text: string): void { this.message('warn', text); }
  error(text: string): void { this.message('error', text); }
  debug(text: string): void { this.message('debug', text); }

  subscribe(fn: (e: LogEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** One line a log entry, for the Log screen and `firstaid log`. */
export function formatLogEntry(e: LogEntry): string {
  const t = e.time.slice(11, 19);
  if (e.kind === 'message') return `${t} ${e.level.toUpperCase().padEnd(5)} ${e.text}`;
  const status = e.dryRun ? 'dry-run' : e.exitCode === 0 ? 'ok' : `exit ${e.exitCode ?? 'killed'}`;
  return `${t} RUN   ${e.argv.join(' ')}  [${status}, ${e.durationMs} ms]`;
}
