/**
 * The one reducer. Keys arrive as actions and are applied one at a time to the latest state,
 * so a chunk of keys ("Down Down Enter" in one read) acts exactly like three key presses.
 * Work is requested by setting `task`; the app runs it and reports back with its sequence
 * number (a late answer to a task that was left behind is ignored).
 */
import type { Key } from '../ui/keys.js';
import { isChar } from '../ui/keys.js';
import { confirmKey, confirmLines, CONFIRM_HINTS } from '../ui/confirm.js';
import type { Layout, ScreenModel, Size } from '../ui/layout.js';
import type { Installation } from '../devices/types.js';
import type { FixResult, Plan } from '../rescue-plugins/types.js';
import type { LogEntry } from '../core/log.js';
import type { BackupEntry, PluginDiagnosis, ProgressEvent, RevertResult, UserError } from './services.js';
import { go, loading, progressFrom, startTask, workRunning, type ScreenName, type State } from './nav.js';
import * as menu from './menu.js';
import * as systems from './systems.js';
import * as overview from './overview.js';
import * as detail from './detail.js';
import * as confirm from './confirm.js';
import * as secret from './secret.js';
import * as progress from './progress.js';
import * as result from './result.js';
import * as revert from './revert.js';
import * as log from './log.js';
import * as help from './help.js';
import * as copyoff from './copyoff.js';
import * as discs from './discs.js';

export type Action =
  | { type: 'keys'; keys: Key[]; now?: number }
  | { type: 'resize'; size: Size }
  | { type: 'tick'; now: number }
  | { type: 'task-progress'; seq: number; event: ProgressEvent }
  | { type: 'task-done'; seq: number; value: unknown }
  | { type: 'task-failed'; seq: number; error: UserError }
  | { type: 'log'; entry: LogEntry }
  | { type: 'log-reset'; entries: LogEntry[] }
  /** The app handed the task's secret to the services: drop it from the state. */
  | { type: 'secret-taken'; seq: number };

interface ScreenModule {
  build(s: State, l: Layout): ScreenModel;
  onKey(s: State, k: Key): State;
}

const SCREENS: Record<ScreenName, ScreenModule> = { menu, systems, overview, detail, confirm, secret, progress, result, revert, log, help, copyoff, discs };

/** What quitting now does to the running job, in its own terms. */
function quitNote(s: State): string {
  const spec = s.task?.spec;
  if (spec?.kind === 'disc' && (spec.job.op === 'write' || spec.job.op === 'rebuild')) {
    return 'A disc write cannot be stopped midway (the disc would be unusable): firstaid quits as soon as the write and its check end.';
  }
  if (spec?.kind === 'disc' && spec.job.op === 'stage') return 'Staging stops now: the peer being copied gets no stage indicator, so it is staged again next time.';
  if (spec?.kind === 'archive') return 'The archive being made is cancelled: nothing partial is left under its final name at the destination.';
  return 'If you quit now, the running step is cancelled safely: what it changed is restored from the backup before firstaid exits.';
}

function dialogModel(s: State): ScreenModel | null {
  const d = s.dialog;
  if (!d) return null;
  const id = s.backupId ?? '';
  switch (d.kind) {
    case 'quit':
      return { title: 'Quit?', lines: confirmLines('Work is running: quit anyway? y/N', d, [{ text: quitNote(s) }]), hints: CONFIRM_HINTS };
    case 'revert':
      return { title: 'Revert?', lines: confirmLines(`Revert backup ${id}?`, d, [{ text: 'Every file and disk range in this backup directory is put back exactly as it was before the fix. firstaid first checks that the files are still what the fix left there.' }]), hints: CONFIRM_HINTS };
    case 'force':
      return { title: 'Revert anyway?', lines: confirmLines(`Force the revert of ${id}?`, d, [{ text: 'Files changed since the fix will be overwritten with their state from before the fix.', tone: 'warn' }]), hints: CONFIRM_HINTS };
    case 'delete':
      return { title: 'Delete?', lines: confirmLines(`Delete backup ${id}?`, d, [{ text: 'The backup directory is removed for good: the fix it belongs to can no longer be reverted.', tone: 'warn' }]), hints: CONFIRM_HINTS };
  }
}

/** The model the frame draws for the current state. */
export function buildScreen(s: State, l: Layout): ScreenModel {
  return dialogModel(s) ?? SCREENS[s.screen].build(s, l);
}

function startRevert(s: State, force: boolean): State {
  if (!s.systemId || !s.backupId) return { ...s, dialog: null };
  const n: State = {
    ...go({ ...s, dialog: null }, 'progress'),
    result: null,
    progress: { kind: 'revert', title: `Reverting ${s.backupId}`, steps: ['Starting'], fraction: null, cancellable: true, cancelling: false, startedAt: s.now },
  };
  return startTask(n, { kind: 'revert', systemId: s.systemId, backupId: s.backupId, force });
}

function dialogKey(s: State, k: Key): State {
  const d = s.dialog;
  if (!d) return s;
  const { outcome, next } = confirmKey(d, k);
  if (outcome === null) return { ...s, dialog: { ...d, ...next } };
  if (outcome === 'no') return { ...s, dialog: null };
  switch (d.kind) {
    case 'quit': {
      if (!s.task) return { ...s, dialog: null, quit: true };
      const p = s.progress;
      const canCancel = p ? p.cancellable : true;
      return {
        ...s,
        dialog: null,
        quitPending: true,
        task: { ...s.task, cancel: canCancel || s.task.cancel },
        ...(p ? { progress: { ...p, cancelling: canCancel, steps: [...p.steps, canCancel ? 'Quitting: cancelling safely' : 'Quitting when this step ends'] } } : {}),
      };
    }
    case 'revert':
      return startRevert(s, false);
    case 'force':
      return startRevert(s, true);
    case 'delete':
      if (!s.systemId || !s.backupId) return { ...s, dialog: null };
      return startTask({ ...s, dialog: null, notice: { text: `Deleting ${s.backupId}`, tone: 'info' }, backups: loading(`Deleting ${s.backupId}`) }, { kind: 'delete', systemId: s.systemId, backupId: s.backupId });
  }
}

function keyReducer(s: State, k: Key): State {
  if (s.quit) return s;
  if (s.dialog) return dialogKey(s, k);
  const text = systems.takesText(s) || secret.takesText(s) || copyoff.takesText(s) || discs.takesText(s);
  const quitKey = k.name === 'ctrl-c' || (isChar(k, 'q') && !text);
  if (quitKey) return workRunning(s) ? { ...s, dialog: { kind: 'quit', yes: false } } : { ...s, quit: true };
  if (isChar(k, '?') && !text && s.screen !== 'help') return { ...go(s, 'help'), cursors: { ...s.cursors, help: 0 } };
  return SCREENS[s.screen].onKey(s, k);
}

function loadable<T>(value: T): { status: 'ready'; value: T } {
  return { status: 'ready', value };
}

function taskDone(s0: State, value: unknown): State {
  const spec = s0.task?.spec;
  const s: State = { ...s0, task: null };
  if (!spec) return s;
  switch (spec.kind) {
    case 'systems':
      return { ...s, systems: loadable(value as Installation[]) };
    case 'diagnose':
      return { ...s, diagnoses: loadable(value as PluginDiagnosis[]) };
    case 'plan':
      return { ...s, plan: loadable(value as Plan) };
    case 'backups':
      return { ...s, backups: loadable(value as BackupEntry[]) };
    case 'fix':
      return { ...s, screen: 'result', progress: null, result: { kind: 'fix', fix: value as FixResult }, diagnoses: { status: 'idle' }, backups: { status: 'idle' }, cursors: { ...s.cursors, result: 0 } };
    case 'revert':
      return { ...s, screen: 'result', progress: null, result: { kind: 'revert', revert: value as RevertResult }, diagnoses: { status: 'idle' }, backups: { status: 'idle' }, cursors: { ...s.cursors, result: 0 } };
    case 'delete':
      return startTask({ ...s, notice: { text: `Deleted ${spec.backupId}.`, tone: 'ok' }, backups: loading('Reading the backup store') }, { kind: 'backups', systemId: spec.systemId });
    case 'archive':
      return copyoff.taskDone(s, spec.job, value);
    case 'disc':
      return discs.taskDone(s, spec.job, value);
  }
}

function taskFailed(s0: State, error: UserError): State {
  const spec = s0.task?.spec;
  const s: State = { ...s0, task: null };
  if (!spec) return s;
  const err = { status: 'error' as const, error };
  switch (spec.kind) {
    case 'systems':
      return { ...s, systems: err };
    case 'diagnose':
      return { ...s, diagnoses: err };
    case 'plan':
      return { ...s, plan: err };
    case 'backups':
      return { ...s, backups: err };
    case 'fix':
      return { ...s, screen: 'result', progress: null, result: { kind: 'error', title: 'The fix did not run', error }, cursors: { ...s.cursors, result: 0 } };
    case 'revert':
      return { ...s, screen: 'result', progress: null, result: { kind: 'error', title: 'The revert did not run', error }, cursors: { ...s.cursors, result: 0 } };
    case 'delete':
      return startTask({ ...s, notice: { text: `[ERROR] ${error.message} ${error.hint}`, tone: 'problem' }, backups: loading('Reading the backup store') }, { kind: 'backups', systemId: spec.systemId });
    case 'archive':
      return copyoff.taskFailed(s, spec.job, error);
    case 'disc':
      return discs.taskFailed(s, spec.job, error);
  }
}

function afterTask(s: State): State {
  return s.quitPending && s.task === null ? { ...s, quit: true } : s;
}

function taskProgress(s: State, e: ProgressEvent): State {
  const spec = s.task?.spec;
  if (!spec) return s;
  if ((spec.kind === 'fix' || spec.kind === 'revert') && s.progress) return { ...s, progress: progressFrom(s.progress, e) };
  if (spec.kind === 'archive') return copyoff.taskProgress(s, e);
  if (spec.kind === 'disc') return discs.taskProgress(s, e);
  const step = { status: 'loading' as const, step: e.step };
  if (spec.kind === 'systems' && s.systems.status === 'loading') return { ...s, systems: step };
  if (spec.kind === 'diagnose' && s.diagnoses.status === 'loading') return { ...s, diagnoses: step };
  if (spec.kind === 'plan' && s.plan.status === 'loading') return { ...s, plan: step };
  if (spec.kind === 'backups' && s.backups.status === 'loading') return { ...s, backups: step };
  return s;
}

export function reducer(s: State, a: Action): State {
  switch (a.type) {
    case 'keys': {
      let n = a.now !== undefined ? { ...s, now: a.now } : s;
      for (const k of a.keys) n = keyReducer(n, k);
      return n;
    }
    case 'resize':
      return s.size.cols === a.size.cols && s.size.rows === a.size.rows ? s : { ...s, size: a.size };
    case 'tick':
      return { ...s, now: a.now };
    case 'task-progress':
      return s.task?.seq === a.seq ? taskProgress(s, a.event) : s;
    case 'task-done':
      return s.task?.seq === a.seq ? afterTask(taskDone(s, a.value)) : s;
    case 'task-failed':
      return s.task?.seq === a.seq ? afterTask(taskFailed(s, a.error)) : s;
    case 'log':
      return { ...s, log: [...s.log, a.entry].slice(-2000) };
    case 'log-reset':
      return { ...s, log: a.entries.slice(-2000) };
    case 'secret-taken':
      return secret.secretTaken(s, a.seq);
  }
}
