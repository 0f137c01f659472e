/**
 * The one way firstaid runs xorriso: through the Runner, argv only, with the prefix the field
 * notes measured (`-abort_on FAILURE -return_with SORRY 32`: exit 32 is a tolerated problem and a
 * failure for us; `-pkt_output on`: results and info on stdout, one channel each).
 */
import type { Runner, RunResult } from '../../core/runner.js';
import { splitPackets, type XorrisoLine } from './parse.js';

export const XORRISO_PREFIX = ['-abort_on', 'FAILURE', '-return_with', 'SORRY', '32', '-report_about', 'UPDATE', '-pkt_output', 'on'] as const;

export interface XorrisoRun {
  exitCode: number;
  /** stdout and stderr together (the banner and a few messages go to stderr). */
  output: string;
  lines: XorrisoLine[];
  result: RunResult;
}

export interface XorrisoOptions {
  /**
   * Nothing on the media changes: the drive is acquired shared and read-only (-drive_access
   * shared:readonly), so a disc that is mounted (the rescue CD the system booted from) can be
   * read, and the checks of one verify can read the same drive side by side. Found in the
   * guest: acquired exclusively, /dev/srN is refused while mounted ("Cannot acquire drive").
   */
  readOnly?: boolean;
  onLine?: (text: string) => void;
  /** Replaces the -abort_on FAILURE of the prefix (rescue reads use NEVER). */
  abortOn?: 'FAILURE' | 'NEVER';
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function xorriso(runner: Runner, args: readonly string[], opts: XorrisoOptions = {}): Promise<XorrisoRun> {
  const prefix: string[] = [...XORRISO_PREFIX];
  if (opts.abortOn) prefix[1] = opts.abortOn;
  if (opts.readOnly) prefix.push('-drive_access', 'shared:readonly');
  const result = await runner.run('xorriso', [...prefix, ...args], {
    allowFailure: true,
    readOnly: opts.readOnly,
    timeoutMs: opts.timeoutMs ?? 6 * 60 * 60 * 1000,
    signal: opts.signal,
    ...(opts.onLine ? { onLine: (l: string) => opts.onLine!(l.replace(/^[RI]:\d+: ?/, '')) } : {}),
  });
  const output = `${result.stdout}\n${result.stderr}`;
  return { exitCode: result.exitCode, output, lines: splitPackets(output), result };
}

/** The FAILURE/SORRY lines of a run, for a message. */
export function problemLines(run: XorrisoRun): string[] {
  return run.lines.map((l) => l.text).filter((t) => /: (FAILURE|SORRY|FATAL|MISHAP) :/.test(t)).map((t) => t.replace(/^.*?: (FAILURE|SORRY|FATAL|MISHAP) : /, ''));
}
