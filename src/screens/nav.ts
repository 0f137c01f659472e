/**
 * The navigation state and the small pure helpers every screen's key handler uses.
 * The reducer (state.ts) is the only place the state changes.
 */
import type { Installation } from '../devices/types.js';
import type { FixResult, Plan } from '../rescue-plugins/types.js';
import type { LogEntry } from '../core/log.js';
import type { Size } from '../ui/layout.js';
import type { BackupEntry, PluginDiagnosis, ProgressEvent, RevertResult, TargetChoice, UserError } from './services.js';
import { initialCopyOff, type CopyJob, type CopyOffState } from './copyoff-state.js';
import { discJobWrites, initialDiscs, type DiscJob, type DiscsState } from './discs-state.js';
import { DEFAULT_STAGING_DIR } from '../backup/discs/staging-tree.js';
import { DEFAULT_POOL_FILE } from '../backup/peers/defaults.js';

export type ScreenName = 'menu' | 'systems' | 'overview' | 'detail' | 'confirm' | 'secret' | 'progress' | 'result' | 'revert' | 'log' | 'help' | 'copyoff' | 'discs';

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; step: string | null }
  | { status: 'error'; error: UserError }
  | { status: 'ready'; value: T };

export type TaskSpec =
  | { kind: 'systems'; target?: TargetChoice }
  | { kind: 'diagnose'; systemId: string }
  | { kind: 'plan'; systemId: string; pluginId: string; choices: Record<string, string> }
  // `secret` lives here only until the app has handed it to the running task ('secret-taken').
  | { kind: 'fix'; pluginId: string; plan: Plan; choices: Record<string, string>; secret?: string }
  | { kind: 'backups'; systemId: string }
  | { kind: 'revert'; systemId: string; backupId: string; force: boolean }
  | { kind: 'delete'; systemId: string; backupId: string }
  | { kind: 'archive'; job: CopyJob; systemId: string | null }
  | { kind: 'disc'; job: DiscJob; systemId: string | null };

export interface Task {
  seq: number;
  spec: TaskSpec;
  /** The person asked to cancel; the app aborts the task's signal. */
  cancel: boolean;
}

export interface Progress {
  kind: 'fix' | 'revert';
  title: string;
  steps: string[];
  fraction: number | null;
  cancellable: boolean;
  cancelling: boolean;
  startedAt: number;
}

export type Result =
  | { kind: 'fix'; fix: FixResult }
  | { kind: 'revert'; revert: RevertResult }
  | { kind: 'error'; title: string; error: UserError };

/**
 * The secret a plan asks for (Plan.secret) while it is typed: never drawn, never logged, and
 * gone from the state once the fix has it (or on cancel). Step 1 types it, step 2 repeats it.
 */
export interface SecretEntry {
  label: string;
  step: 1 | 2;
  typed: string;
  /** The first entry, kept while the second is typed. */
  first: string;
  /** Why the last Enter was refused (never quoting what was typed). */
  problem: string | null;
}

export type DialogKind = 'quit' | 'revert' | 'delete' | 'force';

export interface Dialog {
  kind: DialogKind;
  yes: boolean;
}

export interface State {
  size: Size;
  screen: ScreenName;
  history: ScreenName[];
  /** List cursor (or scroll offset) of each screen. */
  cursors: Partial<Record<ScreenName, number>>;
  targetLabel: string;
  dryRun: boolean;
  systems: Loadable<Installation[]>;
  systemId: string | null;
  /** Where picking a system leads: repair (overview) or revert. */
  afterPick: 'overview' | 'revert' | 'copyoff' | 'discs';
  /** Text being typed on the system picker (an image file or a root directory). */
  input: { kind: 'image' | 'root'; text: string } | null;
  diagnoses: Loadable<PluginDiagnosis[]>;
  pluginId: string | null;
  choices: Record<string, string>;
  choiceCursor: number;
  plan: Loadable<Plan>;
  progress: Progress | null;
  result: Result | null;
  backups: Loadable<BackupEntry[]>;
  /** The backup a revert/delete dialog is about. */
  backupId: string | null;
  dialog: Dialog | null;
  secret: SecretEntry | null;
  log: LogEntry[];
  task: Task | null;
  seq: number;
  /** Quit once the running task has ended (the person said yes while work was running). */
  quitPending: boolean;
  quit: boolean;
  notice: { text: string; tone: 'ok' | 'problem' | 'info' } | null;
  now: number;
  copyOff: CopyOffState;
  discs: DiscsState;
}

export function initialState(opts: { size: Size; targetLabel: string; dryRun?: boolean; now?: number }): State {
  return {
    size: opts.size,
    screen: 'menu',
    history: [],
    cursors: {},
    targetLabel: opts.targetLabel,
    dryRun: opts.dryRun ?? false,
    systems: { status: 'idle' },
    systemId: null,
    afterPick: 'overview',
    input: null,
    diagnoses: { status: 'idle' },
    pluginId: null,
    choices: {},
    choiceCursor: 0,
    plan: { status: 'idle' },
    progress: null,
    result: null,
    backups: { status: 'idle' },
    backupId: null,
    dialog: null,
    secret: null,
    log: [],
    task: null,
    seq: 0,
    quitPending: false,
    quit: false,
    notice: null,
    now: opts.now ?? Date.now(),
    copyOff: initialCopyOff(),
    discs: initialDiscs(DEFAULT_STAGING_DIR, DEFAULT_POOL_FILE),
  };
}

export function cursorOf(s: State, screen: ScreenName = s.screen): number {
  return s.cursors[screen] ?? 0;
}

export function setCursor(s: State, n: number, screen: ScreenName = s.screen): State {
  return { ...s, cursors: { ...s.cursors, [screen]: n } };
}

/** Opens a screen; Esc comes back to the current one. */
export function go(s: State, screen: ScreenName): State {
  if (s.screen === screen) return s;
  const history = s.screen === 'progress' ? s.history : [...s.history, s.screen];
  return { ...s, screen, history, notice: null };
}

export function back(s: State): State {
  const history = [...s.history];
  const prev = history.pop();
  if (!prev) return s;
  return { ...s, screen: prev, history, notice: null };
}

/** Back to the main menu, forgetting the way there (after a result). */
export function home(s: State): State {
  return { ...s, screen: 'menu', history: [], notice: null };
}

export function startTask(s: State, spec: TaskSpec): State {
  const seq = s.seq + 1;
  return { ...s, seq, task: { seq, spec, cancel: false } };
}

/** Whether work that changes the disk is running (quitting must ask first). */
export function workRunning(s: State): boolean {
  return s.task !== null && (s.task.spec.kind === 'fix' || s.task.spec.kind === 'revert' || s.task.spec.kind === 'delete' || (s.task.spec.kind === 'archive' && s.task.spec.job.op !== 'list') || (s.task.spec.kind === 'disc' && discJobWrites(s.task.spec.job)));
}

export function loading(step: string | null = null): Loadable<never> {
  return { status: 'loading', step };
}

export function progressFrom(p: Progress, e: ProgressEvent): Progress {
  // The placeholder 'Starting' gives way to the first real step.
  const before = p.steps.length === 1 && p.steps[0] === 'Starting' ? [] : p.steps;
  const steps = before[before.length - 1] === e.step ? before : [...before, e.step].slice(-200);
  return {
    ...p,
    steps,
    fraction: e.fraction ?? p.fraction,
    cancellable: e.cancellable ?? p.cancellable,
  };
}

export function selectedSystem(s: State): Installation | null {
  if (s.systems.status !== 'ready') return null;
  return s.systems.value.find((i) => i.id === s.systemId) ?? null;
}

export function systemLabel(s: State): string {
  const sys = selectedSystem(s);
  return sys ? `${sys.name} on ${sys.root.device}` : 'no system chosen';
}
