/**
 * The copy and rsh commands a remote peer runs, as argv lists. Defaults are OpenSSH's scp and
 * ssh, never asking anything (BatchMode), refusing unknown or changed host keys, and giving up
 * on a dead link instead of hanging, AES-GCM first where the CPU has AES instructions (a pool's
 * own rcpCommand or rshCommand replaces all of this). When firstaid runs as root and the peer
 * names a local user, the command runs as that user through runuser with an argv (CedarBackup
 * built a `su -c STRING` from unquoted paths instead).
 */
import { BULK_CIPHER_OPTIONS } from '../../core/ssh-ciphers.js';

const SSH_OPTIONS = [
  '-o', 'BatchMode=yes',
  '-o', 'StrictHostKeyChecking=yes',
  '-o', 'ConnectTimeout=10',
  '-o', 'ServerAliveInterval=10',
  '-o', 'ServerAliveCountMax=3',
  ...BULK_CIPHER_OPTIONS,
];

/** scp in SFTP mode (-s), quiet, keeping times and modes (-p). */
export const DEFAULT_RCP_COMMAND: readonly string[] = ['scp', '-s', '-q', '-p', ...SSH_OPTIONS];
export const DEFAULT_RSH_COMMAND: readonly string[] = ['ssh', ...SSH_OPTIONS];

/** argv that runs `argv` as `localUser` when we are root; as is otherwise. */
export function asLocalUser(argv: readonly string[], localUser: string | undefined, uid = process.getuid?.()): string[] {
  if (!localUser || uid !== 0) return [...argv];
  return ['runuser', '-u', localUser, '--', ...argv];
}
