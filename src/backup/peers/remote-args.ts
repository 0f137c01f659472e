/**
 * Building the remote side of a command without letting a remote shell or glob read our paths.
 * scp in SFTP mode (`-s`, the default since OpenSSH 9.0) globs a remote source path on the
 * client, never through a shell: escaping `\ * ? [` makes it literal. Legacy scp (`-O`) and rcp
 * hand remote paths to the remote shell, where a name like `x;touch${IFS}/y` runs a command
 * (measured, field notes): the pool parser refuses `-O`, and other copy programs get
 * POSIX-shell quoting. ssh always joins its arguments into one string for the login shell, so
 * every word of a remote command is quoted here.
 */
import { basename } from 'node:path';
import { shQuote, remoteCommand } from '../../core/remote-shell.js';

export { shQuote, remoteCommand };

/** A path made literal for the SFTP glob scp applies to remote sources. */
export function sftpGlobEscape(path: string): string {
  return path.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

/** How the copy program reads remote paths. */
export type RemotePathMode = 'sftp-glob' | 'shell';

/** scp without `-O` speaks SFTP (we add `-s` to be sure); anything else is taken as rcp-like. */
export function remotePathMode(rcp: readonly string[]): RemotePathMode {
  return isScp(rcp) && !rcp.includes('-O') ? 'sftp-glob' : 'shell';
}

export function isScp(argv: readonly string[]): boolean {
  return argv.length > 0 && basename(argv[0]!) === 'scp';
}

/**
 * The copy command as it runs: scp gets `-s` (SFTP protocol) unless already there, so a
 * remote path is never read by the remote shell, whatever this scp's default is.
 */
export function copyArgv(rcp: readonly string[]): string[] {
  if (isScp(rcp) && !rcp.includes('-s') && !rcp.includes('-O')) return [rcp[0]!, '-s', ...rcp.slice(1)];
  return [...rcp];
}

/** `[user@]host:path`, the path made literal for the copy program. */
export function remoteOperand(host: string, user: string | undefined, path: string, mode: RemotePathMode): string {
  const p = mode === 'sftp-glob' ? sftpGlobEscape(path) : shQuote(path);
  return `${user ? `${user}@` : ''}${host}:${p}`;
}

/** `[user@]host` for ssh. */
export function sshDestination(host: string, user: string | undefined): string {
  return `${user ? `${user}@` : ''}${host}`;
}
