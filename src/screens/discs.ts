/**
 * Discs (CD/DVD): the views (drives, one drive, the write form, the revert list), and what all
 * of them share: a yes/no before writing, progress with a gauge and an ETA where xorriso gives a
 * percentage (a spinner where it does not), the results, and a failed write's retry or new disc.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import { gauge } from '../ui/gauge.js';
import { confirmKey, confirmLines, CONFIRM_HINTS } from '../ui/confirm.js';
import { mib } from '../devices/optical/capacity.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import type { State } from './nav.js';
import type { ProgressEvent, RevertResult, UserError } from './services.js';
import { advancePhase, etaText } from './eta.js';
import { bytes } from './labels.js';
import { openDrive, runJob, setD } from './discs-nav.js';
import * as drives from './discs-drives.js';
import * as disc from './discs-disc.js';
import * as write from './discs-write.js';
import type { DiscDone, DiscJob, DiscStatus, DiscVerifyResult, DrivesValue, EjectResult, SizeValue, SourcesValue, StageLine, WriteSummary } from './discs-state.js';
import { fieldKey } from '../ui/text-field.js';

function errorLines(e: UserError): Line[] {
  return [{ text: e.message }, { text: '' }, { text: `What to do: ${e.hint}` }];
}

export function verifyLines(r: DiscVerifyResult): Line[] {
  const other: Line[] = r.firstaidDisc ? [] : [{ text: `Not a firstaid backup disc (volume ${r.volid || 'without a name'}): nothing on it to revert.`, tone: 'dim' }];
  if (r.verdict === 'intact') return [{ text: `[INTACT] ${r.sessions.length} session(s), ${r.filesChecked} file(s) read back${r.reader ? ` (${r.reader})` : ''}, ${r.backups.length} backup(s) verified.`, tone: 'ok', bold: true }, ...other];
  if (r.verdict === 'unverifiable') {
    return [
      { text: '[CANNOT VERIFY] Every block was read, but the disc carries no MD5 checksums to compare its files with.', tone: 'warn', bold: true },
      ...other,
      { text: 'Compare it with the originals, or write the files again with firstaid (its discs carry checksums).' },
    ];
  }
  const out: Line[] = [{ text: '[DAMAGED] The disc does not read back as it was written.', tone: 'problem', bold: true }];
  if (r.damaged.length) out.push({ text: 'Damaged files:' });
  for (const d of r.damaged) out.push({ text: `  ${d.path}${d.backup ? `  [backup ${d.backup}]` : ''}: ${d.why.join(', ')}`, tone: 'problem' });
  for (const u of r.unreadable) out.push({ text: `Unreadable sectors: blocks ${u.lba}..${u.lba + u.blocks - 1}`, tone: 'problem' });
  for (const t of r.badSessionTags) out.push({ text: `Session at block ${t.lba}: MD5 tag mismatch`, tone: 'problem' });
  for (const b of r.backups.filter((x) => !x.ok)) out.push({ text: `Backup ${b.id} fails its own check: ${b.problems.join('; ')}`, tone: 'problem' });
  for (const p of r.problems) out.push({ text: p, tone: 'problem' });
  const intact = r.filesChecked - r.damaged.length;
  if (intact > 0) out.push({ text: `${intact} other file(s) read back intact.`, tone: 'dim' });
  return out;
}

function writeLines(kind: 'write' | 'rebuild', r: WriteSummary): Line[] {
  const what = r.mode === 'new' ? 'a new disc' : 'a new session';
  const out: Line[] = [{ text: `[DONE] ${kind === 'rebuild' ? `Rebuilt ${r.days?.length ?? 0} day(s) onto` : 'Wrote'} ${what} ${r.volid}: ${mib(r.imageBlocks)} of ${mib(r.freeBlocks)} free.`, tone: 'ok', bold: true }];
  for (const b of r.backups) out.push({ text: `  backup ${b}` });
  for (const d of r.directories) out.push({ text: `  directory ${d}` });
  out.push({ text: `  ${r.files} file(s), ${bytes(r.bytes)}` });
  for (const g of r.gone ?? []) out.push({ text: `  no longer there (not written): ${g}`, tone: 'warn' });
  out.push({ text: '' }, { text: 'The check after the write:' });
  out.push(...(r.check ? verifyLines(r.check) : [{ text: 'not run', tone: 'warn' as const }]));
  if (r.indicators.length) out.push({ text: `Store indicator written: ${r.indicators.join(', ')}`, tone: 'dim' });
  return out;
}

function revertLines(r: RevertResult): Line[] {
  if (r.ok) return [{ text: `[DONE] ${r.backupId} was put back from the disc.`, tone: 'ok', bold: true }, ...(r.restored ?? []).map((x) => ({ text: `  ${x}` }))];
  return [
    { text: `[NOT DONE] ${r.error?.message ?? 'The revert did not run.'}`, tone: 'problem', bold: true },
    ...r.changedSinceFix.map((x) => ({ text: `  changed since the fix: ${x}`, tone: 'warn' as const })),
    { text: '' }, { text: r.error?.hint ?? '' },
  ];
}

function doneModel(s: State, d: DiscDone): ScreenModel {
  const title = drives.TITLE;
  const cont = keyHints('Enter continue', { move: false });
  switch (d.kind) {
    case 'write':
    case 'rebuild':
      return { title, lines: writeLines(d.kind, d.r), hints: cont };
    case 'verify':
      return { title: `Verify - ${d.r.drive}`, lines: verifyLines(d.r), hints: cont };
    case 'revert':
      return { title, lines: revertLines(d.r), hints: d.r.ok ? cont : keyHints('f revert anyway  Enter continue', { move: false }) };
    case 'eject':
      return { title, lines: [{ text: d.r.ejected ? `[DONE] ${d.r.message}` : `[NOTE] ${d.r.message}`, tone: d.r.ejected ? 'ok' : 'info' }], hints: cont };
    case 'stage': {
      const lines: Line[] = [{ text: `Staged into ${d.dir}:`, bold: true }];
      for (const l of d.lines) lines.push({ text: `${l.state === 'staged' ? '[STAGED]' : l.state === 'not-ready' ? '[NOT READY]' : l.state === 'unreachable' ? '[UNREACHABLE]' : '[FAILED]'} ${l.text}`, tone: l.state === 'staged' ? 'ok' : l.state === 'not-ready' ? 'warn' : 'problem' });
      if (d.lines.length === 0) lines.push({ text: '[NONE] The pool has no peers.', tone: 'warn' });
      return { title, lines, hints: cont };
    }
    case 'error': {
      const again = d.retry ? (d.retry.op === 'write' && !d.retry.newDisc ? 'r retry  n new disc  ' : 'r retry  ') : '';
      const next: Line[] = d.retry ? [{ text: '' }, { text: d.retry.op === 'write' && !d.retry.newDisc ? 'Press r to try again, n to write a new disc instead (a blank one, or rewritable media blanked), or Enter to go back.' : 'Press r to try again, or Enter to go back.' }] : [];
      return { title, lines: [{ text: `[ERROR] ${d.title}`, tone: 'problem', bold: true }, ...errorLines(d.error), ...next], hints: keyHints(`${again}Enter continue`, { move: false }) };
    }
  }
}

const QUESTIONS: Partial<Record<DiscJob['op'], (s: State, j: DiscJob) => { q: string; details: Line[] }>> = {
  write: (s, j) => {
    const w = j as Extract<DiscJob, { op: 'write' }>;
    const n = w.sources.backups.length + w.sources.dirs.length;
    const staged = s.discs.sources.status === 'ready' ? s.discs.sources.value.staged.length : 0;
    return { q: `Write ${n} source(s)${staged ? ` and ${staged} staged item(s)` : ''} to ${w.drive}?`, details: [{ text: w.newDisc ? 'A new disc: rewritable media are blanked first; what they hold is lost.' : 'A new session is added; the earlier sessions stay readable.', tone: w.newDisc ? 'warn' : 'info' }, { text: 'After the write every block and file is read back and checked.' }] };
  },
  rebuild: (_s, j) => ({ q: `Rebuild this week onto a new disc in ${(j as { drive: string }).drive}?`, details: [{ text: 'Rewritable media are blanked first: what the disc holds now is lost.', tone: 'warn' }] }),
  revert: (_s, j) => {
    const r = j as Extract<DiscJob, { op: 'revert' }>;
    return { q: `${r.force ? 'Force the revert' : 'Revert'} of ${r.backupId} from the disc?`, details: [{ text: r.force ? 'Files changed since the fix will be overwritten with their state from before the fix.' : 'The backup is read from the disc and checked, then every file and disk range in it is put back as it was before the fix.', tone: r.force ? 'warn' : 'info' }] };
  },
};

export function build(s: State, l: Layout): ScreenModel {
  const d = s.discs;
  if (d.progress) {
    const p = d.progress;
    const secs = Math.max(0, Math.round((s.now - p.startedAt) / 1000));
    const top: Line[] = [];
    if (p.fraction !== null) top.push({ text: gauge(p.fraction, Math.min(42, l.inner - 6)), noWrap: true });
    top.push({ text: `Elapsed: ${secs} s${etaText(s.now, p.phaseAt, p.fraction)}` }, { text: '' });
    return { title: p.title, busy: true, top, lines: [{ text: p.step, bold: true }], hints: '? help  q quit (asks first)' };
  }
  if (d.done) return doneModel(s, d.done);
  if (d.confirm) {
    const q = QUESTIONS[d.confirm.job.op]!(s, d.confirm.job);
    return { title: drives.TITLE, lines: confirmLines(q.q, d.confirm, q.details), hints: CONFIRM_HINTS };
  }
  switch (d.view) {
    case 'drives':
      return drives.build(s);
    case 'disc':
      return disc.build(s);
    case 'write':
      return write.build(s);
    case 'revert':
      return disc.buildRevert(s);
  }
}

export function takesText(s: State): boolean {
  return s.screen === 'discs' && s.discs.editing !== null && !s.discs.progress && !s.discs.done && !s.discs.confirm;
}

function editKey(s: State, k: Key): State {
  const e = s.discs.editing!;
  const f = fieldKey(e.text, k);
  if (f.kind === 'cancel') return setD(s, { editing: null });
  if (f.kind === 'edit') return setD(s, { editing: { ...e, text: f.text } });
  if (f.kind !== 'submit') return s;
  const text = f.text;
  switch (e.field) {
    case 'pseudo':
      return text ? openDrive(setD(s, { editing: null }), text) : setD(s, { editing: null });
    case 'staging':
      return text ? runJob(setD(s, { editing: null, staging: text }), { op: 'drives', staging: text }) : setD(s, { editing: null });
    case 'pool':
      return text ? runJob(setD(s, { pool: text }), { op: 'stage', pool: text, staging: s.discs.staging }) : setD(s, { editing: null });
    case 'dir':
      return write.addDir(s, text);
  }
}

/** After a result: back to where the job was asked for, its data read afresh. */
function afterDone(s: State): State {
  const d = s.discs;
  const n = setD(s, { done: null });
  if (d.done?.kind === 'stage' || !d.drive) return runJob(setD(n, { view: 'drives' }), { op: 'drives', staging: d.staging });
  return runJob(setD(n, { view: d.view === 'revert' && d.done?.kind === 'revert' && d.done.r.ok ? 'disc' : d.view === 'write' && d.done?.kind === 'write' ? 'disc' : d.view }), { op: 'status', drive: d.drive, media: d.media });
}

function doneKey(s: State, k: Key): State {
  const d = s.discs.done!;
  if (d.kind === 'error' && d.retry && isChar(k, 'r')) return runJob(s, d.retry);
  if (d.kind === 'error' && d.retry?.op === 'write' && !d.retry.newDisc && isChar(k, 'n')) return setD(s, { done: null, newDisc: true, confirm: { job: { ...d.retry, newDisc: true }, yes: false } });
  if (d.kind === 'revert' && !d.r.ok && isChar(k, 'f')) {
    const job = s.discs.drive ? { op: 'revert' as const, drive: s.discs.drive, backupId: d.r.backupId, force: true } : null;
    return job ? setD(s, { done: null, confirm: { job, yes: false } }) : s;
  }
  return k.name === 'enter' || k.name === 'escape' ? afterDone(s) : s;
}

export function onKey(s: State, k: Key): State {
  const d = s.discs;
  if (d.progress) return s;
  if (d.done) return doneKey(s, k);
  if (d.confirm) {
    const { outcome, next } = confirmKey(d.confirm, k);
    if (outcome === null) return setD(s, { confirm: { ...d.confirm, ...next } });
    if (outcome === 'no') return setD(s, { confirm: null });
    return runJob(s, d.confirm.job);
  }
  if (d.editing) return editKey(s, k);
  switch (d.view) {
    case 'drives':
      return drives.onKey(s, k);
    case 'disc':
      return disc.onKey(s, k);
    case 'write':
      return write.onKey(s, k);
    case 'revert':
      return disc.onKeyRevert(s, k);
  }
}

export function taskProgress(s: State, e: ProgressEvent): State {
  const p = s.discs.progress;
  return p ? setD(s, { progress: advancePhase(p, e, s.now) }) : s;
}

export function taskDone(s: State, job: DiscJob, value: unknown): State {
  const ready = <T>(v: unknown) => ({ status: 'ready' as const, value: v as T });
  switch (job.op) {
    case 'drives':
      return setD(s, { drives: ready<DrivesValue>(value) });
    case 'status':
      return setD(s, { status: ready<DiscStatus>(value) });
    case 'sources':
      return setD(s, { sources: ready<SourcesValue>(value) });
    case 'size':
      return setD(s, { size: ready<SizeValue>(value) });
    case 'write':
    case 'rebuild':
      return setD(s, { progress: null, done: { kind: job.op, r: value as WriteSummary } });
    case 'verify':
      return setD(s, { progress: null, done: { kind: 'verify', r: value as DiscVerifyResult } });
    case 'revert':
      return setD(s, { progress: null, done: { kind: 'revert', r: value as RevertResult } });
    case 'eject':
      return setD(s, { progress: null, done: { kind: 'eject', r: value as EjectResult } });
    case 'stage':
      return setD(s, { progress: null, editing: null, done: { kind: 'stage', ...(value as { lines: StageLine[]; dir: string }) } });
  }
}

const FAILED: Partial<Record<DiscJob['op'], string>> = {
  write: 'The disc was not written (or did not pass its check)', rebuild: 'The rebuild did not finish', verify: 'The disc could not be verified',
  revert: 'Nothing was put back from the disc', eject: 'The disc was not ejected', stage: 'Nothing was staged',
};

export function taskFailed(s: State, job: DiscJob, error: UserError): State {
  const err = { status: 'error' as const, error };
  switch (job.op) {
    case 'drives':
      return setD(s, { drives: err });
    case 'status':
      return setD(s, { status: err });
    case 'sources':
      return setD(s, { sources: err });
    case 'size':
      return setD(s, { size: err });
    default:
      return setD(s, { progress: null, editing: null, done: { kind: 'error', title: FAILED[job.op]!, error, retry: job.op === 'eject' ? null : job } });
  }
}
