/**
 * duplicity's backend contract, in TypeScript (restic's local.go and backend_retry.go are the
 * models): one backend a file under this folder, schemes in one registry, retry as a wrapper.
 * Names are file names inside the URL's directory (no slashes); local paths are absolute.
 */

/** Why an operation failed: transient errors are retried by the wrapper, permanent ones never. */
export type StorageErrorKind =
  | 'transient' // connection cut, timeout, server busy
  | 'no-space'
  | 'permission'
  | 'not-found'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'auth'
  | 'bad-url'
  | 'corrupt' // size or hash differs after a transfer
  | 'other';

export interface StorageProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface PutOptions {
  /** sha256 (hex) of the local file, when the caller knows it; else the backend computes it. */
  sha256?: string;
  onProgress?: (p: StorageProgress) => void;
  signal?: AbortSignal;
}

export interface GetOptions {
  onProgress?: (p: StorageProgress) => void;
  signal?: AbortSignal;
}

export interface Backend {
  /** The URL it was opened with, any password removed (safe for logs and screens). */
  readonly displayUrl: string;
  /** Uploads localPath as `name`: a temporary name first, renamed when complete; then size (and hash where the backend can) checked. */
  put(localPath: string, name: string, opts?: PutOptions): Promise<void>;
  /** Downloads `name` to localPath (a temporary name beside it, renamed when complete and checked). */
  get(name: string, localPath: string, opts?: GetOptions): Promise<void>;
  /** Names in the URL's directory, temporaries excluded. */
  list(): Promise<string[]>;
  delete(name: string): Promise<void>;
  /** Deletes each name; a missing one is not an error. */
  deleteList(names: string[]): Promise<void>;
  /** Size in bytes, -1 when missing. */
  query(name: string): Promise<number>;
  queryList(names: string[]): Promise<Map<string, number>>;
  /** Moves a local file into the backend when that is cheaper than put + unlink; false when it is not (the caller then puts). */
  move?(localPath: string, name: string): Promise<boolean>;
  /** Bytes free at the destination, where the backend can tell (statvfs, df); undefined when unknown. */
  freeSpace?(): Promise<number | undefined>;
  close(): Promise<void>;
}
