/**
 * The peer contract, as in CedarBackup's LocalPeer and RemotePeer: stage a peer's collect dir
 * into a target dir, ask whether it finished collecting, tell it that it was staged. Unlike the
 * seed, "not ready" and "unreachable" are different answers, and staging reports what it did.
 */

/** CedarBackup's indicator names, so an existing pool works as it is. */
export const DEFAULT_COLLECT_INDICATOR = 'cback.collect';
export const DEFAULT_STAGE_INDICATOR = 'cback.stage';

/** Owner given to staged files: names or numeric ids (resolved on the master). */
export interface Ownership {
  user?: string;
  group?: string;
}

/** Why a peer could not be reached: each has its own next step. */
export type UnreachableReason =
  | 'refused'
  | 'timeout'
  | 'no-route'
  | 'unresolved'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'connection-lost'
  | 'ssh-failed'
  | 'tool-missing'
  | 'no-collect-dir';

export type PeerReadiness =
  | { state: 'ready' }
  | { state: 'not-ready'; reason: string }
  | { state: 'unreachable'; reason: UnreachableReason; message: string };

/** One file as the peer listed it (path relative to the collect dir). */
export interface PeerFile {
  path: string;
  size: number;
  /** sha256 computed on the peer; absent when the peer cannot run commands. */
  sha256?: string;
}

export interface StagedFile extends PeerFile {
  /** How it was checked after the copy: size and sha256 against the peer's, or size and local sha256 only. */
  checked: 'size+sha256' | 'size' | 'copy-only';
}

export interface StageReport {
  peer: string;
  targetDir: string;
  files: StagedFile[];
  bytes: number;
  /** Things worth saying that did not fail the staging (skipped symlinks, files that appeared late). */
  warnings: string[];
}

export interface StageOptions {
  ownership?: Ownership;
  /** Permission bits for staged files (e.g. 0o640). */
  permissions?: number;
  /** Where the per-run copy dir is made (same filesystem as targetDir); default: targetDir's parent. */
  tempParent?: string;
  signal?: AbortSignal;
  /** Bytes arrived so far, against the peer's total, with an ETA (about once a second). */
  onProgress?: (p: import('./progress.js').StageProgress) => void;
}

export interface Peer {
  readonly name: string;
  readonly type: 'local' | 'remote';
  readonly collectDir: string;
  /** Copies the collect dir's files into targetDir; returns how many were staged and checked. */
  stagePeer(targetDir: string, ownership?: Ownership, permissions?: number): Promise<number>;
  /** The same, with the report (files, sizes, how each was checked). */
  stage(targetDir: string, opts?: StageOptions): Promise<StageReport>;
  checkCollectIndicator(name?: string): Promise<PeerReadiness>;
  writeStageIndicator(name?: string): Promise<void>;
}
