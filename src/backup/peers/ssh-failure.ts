/**
 * What an OpenSSH failure was, from its exit code and stderr. ssh exits 255 for every failure
 * of its own (refused, timeout, auth, an unknown and a changed host key alike): only stderr
 * tells them apart (measured, OpenSSH 9.2). scp reports ssh's lines and "Connection closed".
 */
import type { UnreachableReason } from './types.js';

const PATTERNS: Array<[RegExp, UnreachableReason]> = [
  [/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i, 'host-key-changed'],
  [/No \S+ host key is known for|Host key verification failed/i, 'host-key-unknown'],
  [/Permission denied \(|Too many authentication failures|no such identity/i, 'auth-failed'],
  [/Connection refused/i, 'refused'],
  [/timed out|Operation timed out/i, 'timeout'],
  [/No route to host|Network is unreachable/i, 'no-route'],
  [/Could not resolve hostname|Name or service not known/i, 'unresolved'],
  [/Broken pipe|Connection reset|Connection closed|closed by remote host|lost connection|Timeout, server .* not responding/i, 'connection-lost'],
];

/** The reason when stderr shows an ssh-level failure, else null. */
export function sshFailureReason(exitCode: number, stderr: string): UnreachableReason | null {
  for (const [re, reason] of PATTERNS) if (re.test(stderr)) return reason;
  return exitCode === 255 ? 'ssh-failed' : null;
}

/** The line of stderr that says most, for a message (never the whole output). */
export function sshFailureLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => PATTERNS.some(([re]) => re.test(l)));
  return telling ?? lines[lines.length - 1] ?? 'no message';
}
