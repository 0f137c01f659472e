/** The Discs (CD/DVD) screens' part of the state, and what their tasks carry. */
import type { DriveRow, DiscStatus } from '../app/disc.js';
import type { StagedItem } from '../app/peers.js';
import type { DiscVerifyResult } from '../backup/discs/verify.js';
import type { EjectResult } from '../devices/optical/eject.js';
import type { RevertResult, UserError } from './services.js';
import { DEFAULT_MEDIA } from '../devices/optical/capacity.js';

export type { DriveRow, DiscStatus, StagedItem, DiscVerifyResult, EjectResult };

/** drives: the drives and the staged day; disc: one drive's media and what to do; write: the form; revert: the disc's backups. */
export type DiscView = 'drives' | 'disc' | 'write' | 'revert';

export type Load<T> = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: UserError } | { status: 'ready'; value: T };

/** A backup of the store the write form offers. */
export interface SourceBackup {
  id: string;
  pluginId: string;
  created: string;
  size: number;
}

export interface WriteSources {
  backups: string[];
  /** Directories as the installation sees them (or host paths when no system is chosen). */
  dirs: string[];
}

/** Work the screens ask for (TaskSpec kind 'disc'). */
export type DiscJob =
  | { op: 'drives'; staging: string }
  | { op: 'status'; drive: string; media: string }
  | { op: 'sources'; staging: string }
  | { op: 'size'; sources: WriteSources; staging: string }
  | { op: 'write'; drive: string; sources: WriteSources; newDisc: boolean; staging: string; media: string }
  | { op: 'verify'; drive: string; media: string }
  | { op: 'revert'; drive: string; backupId: string; force?: boolean }
  | { op: 'rebuild'; drive: string; staging: string; media: string }
  | { op: 'eject'; drive: string }
  | { op: 'stage'; pool: string; staging: string };

export interface DrivesValue {
  rows: DriveRow[];
  staged: StagedItem[];
}

export interface SourcesValue {
  backups: SourceBackup[];
  staged: StagedItem[];
}

export interface SizeValue {
  files: number;
  bytes: number;
  /** Blocks the image needs, roughly (every file rounded to a block, plus the tree); the write computes it exactly. */
  blocks: number;
}

/** What the screens show of a finished write (and of a rebuild's write). */
export interface WriteSummary {
  mode: 'new' | 'append';
  volid: string;
  imageBlocks: number;
  freeBlocks: number;
  files: number;
  bytes: number;
  backups: string[];
  directories: string[];
  check: DiscVerifyResult | null;
  indicators: string[];
  /** A rebuild: the days written, and recorded sources that are gone. */
  days?: string[];
  gone?: string[];
}

export interface StageLine {
  name: string;
  state: 'staged' | 'not-ready' | 'unreachable' | 'failed';
  text: string;
}

export interface DiscProgress {
  title: string;
  step: string;
  fraction: number | null;
  startedAt: number;
  phaseAt: number;
}

export type DiscDone =
  | { kind: 'write' | 'rebuild'; r: WriteSummary }
  | { kind: 'verify'; r: DiscVerifyResult }
  | { kind: 'revert'; r: RevertResult }
  | { kind: 'stage'; lines: StageLine[]; dir: string }
  | { kind: 'eject'; r: EjectResult }
  /** A failed job; `retry` is the job again (a failed write also offers a new disc). */
  | { kind: 'error'; title: string; error: UserError; retry: DiscJob | null };

export interface DiscsState {
  view: DiscView;
  cursor: Record<DiscView, number>;
  editing: { field: 'pseudo' | 'staging' | 'pool' | 'dir'; text: string } | null;
  staging: string;
  pool: string;
  /** The medium an image file pseudo-drive stands for (--media of the CLI): its capacity. */
  media: string;
  drives: Load<DrivesValue>;
  drive: string | null;
  status: Load<DiscStatus>;
  sources: Load<SourcesValue>;
  picks: WriteSources;
  newDisc: boolean;
  size: Load<SizeValue>;
  /** A yes/no before a write, rebuild or revert. */
  confirm: { job: DiscJob; yes: boolean } | null;
  progress: DiscProgress | null;
  done: DiscDone | null;
}

export function initialDiscs(staging: string, pool: string): DiscsState {
  return {
    view: 'drives', cursor: { drives: 0, disc: 0, write: 0, revert: 0 }, editing: null, staging, pool, media: DEFAULT_MEDIA,
    drives: { status: 'idle' }, drive: null, status: { status: 'idle' }, sources: { status: 'idle' },
    picks: { backups: [], dirs: [] }, newDisc: false, size: { status: 'idle' }, confirm: null, progress: null, done: null,
  };
}

/** Jobs that write (quitting must ask first). */
export function discJobWrites(job: DiscJob): boolean {
  return job.op === 'write' || job.op === 'rebuild' || job.op === 'revert' || job.op === 'stage';
}
