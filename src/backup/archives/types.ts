/**
 * AutoArchive's archiver service contract, in TypeScript. A backup definition says what to
 * archive and where; a provider (GNU tar or node-tar) makes the archive; the service adds the
 * file path rule, levels, keeping ids and the manifest beside each archive. Level and keeping id
 * live in the manifest: nothing is ever parsed back out of a file name.
 */

export const ARCHIVE_TYPES = ['tar', 'tar.gz', 'tar.bz2', 'tar.xz', 'tar.zst'] as const;
export type ArchiveType = (typeof ARCHIVE_TYPES)[number];

export type ProviderName = 'external' | 'internal';

export interface BackupDefinition {
  /** Letters, digits, '-' and '_' (no dots, so the name rule below cannot be ambiguous). */
  id: string;
  type: ArchiveType;
  /** Local directory the archives and their manifests are written to. */
  destination: string;
  /** Directory the include paths are relative to. */
  root: string;
  /** Paths relative to root (default: everything under it). */
  include?: readonly string[];
  /** GNU tar --exclude patterns, anchored at root. */
  exclude?: readonly string[];
}

/** What a provider can do for a type. An absent feature is refused, never silently ignored. */
export type Feature =
  | 'incremental'
  | 'compression-strength'
  | 'xattrs'
  | 'acls'
  | 'selinux'
  | 'sparse'
  | 'hard-links'
  | 'special-files'; // FIFOs and device nodes

/** The seed's operations and error kinds. */
export type Operation = 'stat' | 'open' | 'read' | 'finish' | 'unknown';
export type ErrorKind =
  | 'permission-denied'
  | 'socket-ignored'
  | 'unknown-type-ignored'
  | 'file-changed'
  | 'some-files-changed'
  | 'directory-renamed'
  | 'unknown-os-error'
  | 'unknown-error';

export interface BackupOperationError {
  operation: Operation;
  kind: ErrorKind;
  /** The file concerned, relative to root, when there is one. */
  path?: string;
  /** The tool's own words (for the log and the result screen). */
  message: string;
}

/** One member of an archive as the manifest records it. */
export interface ArchiveMember {
  path: string;
  /** '-' file, 'd' directory, 'l' symlink, 'h' hard link, 'p' FIFO, 'c'/'b' device. */
  kind: string;
  size: number;
}

export interface ArchiveEvents {
  fileAdd: (path: string) => void;
  backupOperationError: (e: BackupOperationError) => void;
  /** Bytes of the source read so far (from the members' sizes). */
  progress: (p: { bytesDone: number; files: number }) => void;
}

export interface CreateRequest {
  def: BackupDefinition;
  /** 0-9; undefined: the compressor's default. */
  strength?: number;
  /** Where the provider writes the archive (the service picks a temporary name). */
  file: string;
  /** GNU listed-incremental snapshot file to read and update (external provider only). */
  snapshot?: string;
  onMember(m: ArchiveMember): void;
  onError(e: BackupOperationError): void;
  /**
   * The service reads the archive as it is written (for its sha256); a provider that wants the
   * same bytes registers here, synchronously, when create is called. Absent: nobody reads along.
   */
  tapArchive?(onData: (b: Buffer) => void): void;
  signal?: AbortSignal;
}

export interface CreateResult {
  /** Some files changed while they were read (tar exit 1): the archive is complete but not a snapshot. */
  someFilesChanged: boolean;
}

export interface ArchiverProvider {
  readonly name: ProviderName;
  readonly types: readonly ArchiveType[];
  features(type: ArchiveType): ReadonlySet<Feature>;
  create(req: CreateRequest): Promise<CreateResult>;
}

export const MANIFEST_FORMAT = 'firstaid-archive/1';

/** The small JSON file beside each archive: what the archive is and how to check it. */
export interface ArchiveManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  type: ArchiveType;
  /** Level in an incremental chain; 0 for a full archive. */
  level: number;
  /** Whether the archive was made with a snapshot (can start or continue a chain). */
  incremental: boolean;
  keepingId: string | null;
  provider: ProviderName;
  created: string;
  /** Where the files came from (informational). */
  root: string;
  archive: { name: string; size: number; sha256: string };
  /** sha256 of the archive of the level below (links a chain: a remade level breaks the higher ones). */
  parentSha256: string | null;
  /** The snapshot after this level, kept beside the archive so the next level can be made elsewhere. */
  snapshot: { name: string; size: number; sha256: string } | null;
  members: ArchiveMember[];
  totalBytes: number;
  warnings: BackupOperationError[];
}
