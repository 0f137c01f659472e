/**
 * Storage errors carry a kind (duplicity's error codes, restic's IsPermanentError): the retry
 * wrapper retries only 'transient'; everything else is final and says what to do next.
 */
import { FirstaidError } from '../../core/errors.js';
import type { StorageErrorKind } from './types.js';

const HINTS: Record<StorageErrorKind, string> = {
  transient: 'The connection failed; check the network and the server, then try again.',
  'no-space': 'Free space at the destination or choose another one.',
  permission: 'Check the permissions (and that the destination is writable) there.',
  'not-found': 'Check the name and the URL (firstaid storage ls URL lists what is there).',
  'host-key-unknown': 'Check the fingerprint with the server\'s owner, then accept it with --accept-host-key FINGERPRINT.',
  'host-key-changed': 'The server\'s key is not the one recorded: if the change is expected, remove the old line from the known_hosts file named above.',
  auth: 'Check the user name, the key or password for that server.',
  'bad-url': 'Give a URL such as /media/usb/backups, file:///dir, sftp://user@host/dir, rsync://host/module/dir or s3://bucket/prefix.',
  corrupt: 'The copy differs from the original; it was not kept. Try again; if it happens again the medium or the link is faulty.',
  other: 'See the session log for details (firstaid log).',
};

export class StorageError extends FirstaidError {
  readonly kind: StorageErrorKind;
  constructor(kind: StorageErrorKind, message: string, hint = HINTS[kind], options?: { cause?: unknown }) {
    // A URL or name that cannot work is a usage error (exit 2); everything else a failure (1).
    super(`storage-${kind}`, message, hint, kind === 'bad-url' ? 2 : 1, options);
    this.name = 'StorageError';
    this.kind = kind;
  }
}

export function isStorageError(err: unknown): err is StorageError {
  return err instanceof StorageError;
}

/** Only transient errors are worth another try (never no space, permission, missing, host key, auth). */
export function isTransient(err: unknown): boolean {
  return err instanceof StorageError && err.kind === 'transient';
}

/** A Node fs error as a StorageError, naming what was being done. */
export function fromErrno(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const msg = (err as Error)?.message ?? String(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StorageError('no-space', `No space left while ${what}.`, undefined, { cause: err });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new StorageError('permission', `Permission denied while ${what} (${code}).`, undefined, { cause: err });
    case 'ENOENT':
      return new StorageError('not-found', `Not found while ${what}.`, undefined, { cause: err });
    case 'EAGAIN':
    case 'EINTR':
    case 'ETIMEDOUT':
    case 'EBUSY':
      return new StorageError('transient', `Temporary failure while ${what} (${code}).`, undefined, { cause: err });
    default:
      return new StorageError('other', `Failed while ${what}: ${msg}`, undefined, { cause: err });
  }
}
