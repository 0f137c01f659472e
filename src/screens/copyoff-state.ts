/** The "Copy off this machine" screen's part of the state, and what its tasks carry. */
import type { ArchiveType } from '../backup/archives/types.js';
import type { UserError } from './services.js';

export const COPY_TYPES: ArchiveType[] = ['tar.gz', 'tar.xz', 'tar.zst', 'tar.bz2', 'tar'];

export type CopyField = 'source' | 'url' | 'type' | 'level' | 'start' | 'list';
export const COPY_FIELDS: CopyField[] = ['source', 'url', 'type', 'level', 'start', 'list'];

/** One archive at the destination, as the list shows it. */
export interface ArchiveRow {
  id: string;
  level: number;
  keepingId: string | null;
  type: ArchiveType;
  name: string;
  size: number;
  entries: number;
  created: string;
}

export interface CopyCreateResult {
  url: string;
  name: string;
  level: number;
  incremental: boolean;
  entries: number;
  bytes: number;
  archiveBytes: number;
  sha256: string;
  warnings: string[];
}

export interface CopyExtractResult {
  id: string;
  level: number;
  dir: string;
  levels: { level: number; archive: string }[];
  entries: number;
  bytes: number;
}

/** Work the screen asks for (TaskSpec kind 'archive'). */
export type CopyJob =
  | { op: 'create'; source: string; url: string; type: ArchiveType; incremental: boolean }
  | { op: 'list'; url: string }
  | { op: 'extract'; url: string; id: string; level: number; keepingId: string | null; dir: string };

export interface CopyProgress {
  title: string;
  step: string;
  fraction: number | null;
  startedAt: number;
  /** When the current fraction's phase began (the ETA is of the phase). */
  phaseAt: number;
}

export interface CopyOffState {
  field: number;
  /** The field being typed into, with its text so far. */
  editing: { field: 'source' | 'url' | 'dir'; text: string } | null;
  source: string;
  url: string;
  type: ArchiveType;
  incremental: boolean;
  archives: { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: UserError } | { status: 'ready'; rows: ArchiveRow[] };
  /** Cursor in the archive list (null: the cursor is on the form). */
  row: number | null;
  progress: CopyProgress | null;
  done: { kind: 'create'; r: CopyCreateResult } | { kind: 'extract'; r: CopyExtractResult } | { kind: 'error'; title: string; error: UserError } | null;
}

export function initialCopyOff(): CopyOffState {
  return { field: 0, editing: null, source: '/home', url: '', type: 'tar.gz', incremental: false, archives: { status: 'idle' }, row: null, progress: null, done: null };
}
