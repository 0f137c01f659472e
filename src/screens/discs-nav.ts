/** The small pure helpers the Discs screens share: set the part, start a job, open a drive. */
import { go, startTask, type State } from './nav.js';
import type { DiscJob, DiscsState, DiscView } from './discs-state.js';

export function setD(s: State, d: Partial<DiscsState>): State {
  return { ...s, discs: { ...s.discs, ...d } };
}

export function cursorD(s: State, view: DiscView = s.discs.view): number {
  return s.discs.cursor[view];
}

export function setCursorD(s: State, n: number, view: DiscView = s.discs.view): State {
  return setD(s, { cursor: { ...s.discs.cursor, [view]: n } });
}

const TITLES: Partial<Record<DiscJob['op'], (j: DiscJob) => string>> = {
  write: (j) => `Writing to ${(j as { drive: string }).drive}`,
  verify: (j) => `Verifying the disc in ${(j as { drive: string }).drive}`,
  revert: (j) => `Reverting ${(j as { backupId: string }).backupId} from the disc`,
  rebuild: (j) => `Rebuilding this week onto ${(j as { drive: string }).drive}`,
  stage: () => 'Staging from peers',
  eject: (j) => `Ejecting ${(j as { drive: string }).drive}`,
};

/** Starts a job: a long one gets the progress view, a load marks what it loads. */
export function runJob(s: State, job: DiscJob): State {
  const title = TITLES[job.op];
  const loading = { status: 'loading' as const };
  const part: Partial<DiscsState> =
    title ? { progress: { title: title(job), step: 'Starting', fraction: null, startedAt: s.now, phaseAt: s.now }, done: null, confirm: null, editing: null }
    : job.op === 'drives' ? { drives: loading }
    : job.op === 'status' ? { status: loading }
    : job.op === 'sources' ? { sources: loading }
    : { size: loading };
  return startTask(setD(s, part), { kind: 'disc', job, systemId: s.systemId });
}

/** The drive's screen, its media read afresh. */
export function openDrive(s: State, drive: string): State {
  return runJob(setD(s, { view: 'disc', drive, editing: null, size: { status: 'idle' } }), { op: 'status', drive, media: s.discs.media });
}

/** The Discs screens from the main menu: the drives and the day's staged files, read afresh. */
export function openDiscs(s: State): State {
  return runJob(setD(go(s, 'discs'), { view: 'drives', done: null, confirm: null, editing: null }), { op: 'drives', staging: s.discs.staging });
}
