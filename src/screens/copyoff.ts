/**
 * Copy off this machine: a directory of the installation (e.g. /home) or a backup id, a
 * destination URL (a USB stick's directory, sftp://, rsync://, s3://), the type and whether to
 * make the next level; progress with bytes and an ETA; the result; the archives there, and
 * extraction of one into a directory.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import { gauge } from '../ui/gauge.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { back, startTask, systemLabel, type State } from './nav.js';
import type { ProgressEvent, UserError } from './services.js';
import { bytes } from './labels.js';
import { advancePhase, etaText } from './eta.js';
import { COPY_FIELDS, COPY_TYPES, type CopyCreateResult, type CopyExtractResult, type CopyJob, type CopyOffState, type ArchiveRow } from './copyoff-state.js';
import { fieldKey } from '../ui/text-field.js';

const HELP: Record<string, string> = {
  source: 'What to copy: a directory as the installation sees it (e.g. /home), or a backup id (grub/2026...). Enter to type.',
  url: 'Where to: a directory (a USB stick: /media/usb/backups), sftp://user@host/dir, rsync://host/module/dir or s3://bucket/prefix. Enter to type.',
  type: 'Archive type; Enter changes it. tar.gz is quick, tar.xz small, tar.zst both.',
  level: 'A full archive, or the next level of a chain there (only what changed since the level below). Enter changes it.',
  start: 'Make the archive here, then send it to the destination (checked by size and sha256).',
  list: 'Read the archives at the destination (Enter on one extracts it).',
};

function eta(s: State, p: NonNullable<CopyOffState['progress']>): string {
  return etaText(s.now, p.phaseAt, p.fraction);
}

function rowLine(r: ArchiveRow): string {
  return `${r.id}${r.keepingId ? ` (${r.keepingId})` : ''} level ${r.level}  ${r.type}  ${bytes(r.size)}  ${r.entries} entries  ${r.created.slice(0, 16).replace('T', ' ')}`;
}

function errorLines(e: UserError): Line[] {
  return [{ text: e.message }, { text: '' }, { text: `What to do: ${e.hint}` }];
}

export function build(s: State, l: Layout): ScreenModel {
  const c = s.copyOff;
  const title = 'Copy off this machine';
  if (c.progress) {
    const p = c.progress;
    const secs = Math.max(0, Math.round((s.now - p.startedAt) / 1000));
    const top: Line[] = [];
    if (p.fraction !== null) top.push({ text: gauge(p.fraction, Math.min(42, l.inner - 6)), noWrap: true });
    top.push({ text: `Elapsed: ${secs} s${eta(s, p)}` }, { text: '' });
    return { title: p.title, busy: true, top, lines: [{ text: p.step, bold: true }], hints: '? help  q quit (asks first)' };
  }
  if (c.done) {
    const d = c.done;
    const lines: Line[] =
      d.kind === 'error' ? [{ text: `[ERROR] ${d.title}`, tone: 'problem', bold: true }, ...errorLines(d.error)]
      : d.kind === 'create' ? [
          { text: `[DONE] ${d.r.name}${d.r.incremental ? ` (level ${d.r.level})` : ''}`, tone: 'ok', bold: true },
          { text: `is at ${d.r.url}` },
          { text: `${d.r.entries} entries, ${bytes(d.r.bytes)} read; archive ${bytes(d.r.archiveBytes)}, sha256 ${d.r.sha256.slice(0, 16)}...` },
          { text: 'A manifest beside it lists every entry and the archive\'s size and sha256.' },
          ...d.r.warnings.slice(0, 8).map((w) => ({ text: `warning: ${w}`, tone: 'warn' as const })),
        ]
      : [
          { text: `[DONE] "${d.r.id}" level ${d.r.level} extracted into ${d.r.dir}`, tone: 'ok', bold: true },
          ...d.r.levels.map((x) => ({ text: `level ${x.level}: ${x.archive}` })),
          { text: `${d.r.dir} now holds ${d.r.entries} entries, ${bytes(d.r.bytes)} in files.` },
        ];
    return { title, lines, hints: keyHints('Enter continue', { move: false }) };
  }
  const e = c.editing;
  const show = (f: 'source' | 'url', v: string) => (e && e.field === f ? `> ${e.text}_` : v || '(not set)');
  const cur = c.row !== null ? COPY_FIELDS.length + c.row : c.field;
  const form = [
    `Source:       ${show('source', c.source)}`,
    `Destination:  ${show('url', c.url)}`,
    `Type:         ${c.type}`,
    `Level:        ${c.incremental ? 'next level of the chain there (incremental)' : 'full archive'}`,
    '[ Start the copy ]',
    '[ List the archives there ]',
  ];
  const lines: Line[] = form.map((text, i) => ({ text, item: i, selected: i === cur, noWrap: true }));
  const a = c.archives;
  if (a.status === 'loading') lines.push({ text: '' }, { text: 'Reading the archives there...' });
  if (a.status === 'error') lines.push({ text: '' }, { text: '[ERROR] The destination could not be read.', tone: 'problem' }, ...errorLines(a.error));
  if (a.status === 'ready') {
    lines.push({ text: '' }, { text: a.rows.length ? `Archives at ${c.url} (Enter extracts):` : `[NONE] No archives at ${c.url}.` });
    a.rows.forEach((r, i) => lines.push({ text: rowLine(r), item: COPY_FIELDS.length + i, selected: cur === COPY_FIELDS.length + i, noWrap: true }));
  }
  const top: Line[] = [{ text: `System: ${systemLabel(s)}` }, ...(s.notice ? [{ text: s.notice.text, tone: s.notice.tone } as Line] : []), { text: '' }];
  const field = COPY_FIELDS[c.field]!;
  const help = e ? (e.field === 'dir' ? 'Directory to extract into (new or empty). Enter extracts, Esc cancels.' : 'Type, then Enter to keep it or Esc to cancel.') : c.row !== null ? 'Enter: extract this archive (all levels up to it) into a directory.' : HELP[field]!;
  const dirLine: Line[] = e?.field === 'dir' ? [{ text: `Extract into: > ${e.text}_`, bold: true }] : [];
  return { title, top, lines, bottom: [{ text: '' }, ...dirLine, { text: help, tone: 'dim' }], hints: e ? 'Enter accept  Esc cancel' : keyHints('Enter choose') };
}

export function takesText(s: State): boolean {
  return s.screen === 'copyoff' && s.copyOff.editing !== null;
}

function set(s: State, c: Partial<CopyOffState>): State {
  return { ...s, copyOff: { ...s.copyOff, ...c } };
}

function run(s: State, job: CopyJob, title: string): State {
  const n = set(s, { editing: null, done: null, progress: job.op === 'list' ? null : { title, step: 'Starting', fraction: null, startedAt: s.now, phaseAt: s.now }, ...(job.op === 'list' ? { archives: { status: 'loading' as const }, row: null } : {}) });
  return startTask(n, { kind: 'archive', job, systemId: s.systemId });
}

function editKey(s: State, k: Key): State {
  const e = s.copyOff.editing!;
  const f = fieldKey(e.text, k);
  if (f.kind === 'cancel') return set(s, { editing: null });
  if (f.kind === 'edit') return set(s, { editing: { ...e, text: f.text } });
  if (f.kind !== 'submit') return s;
  const text = f.text;
  if (e.field === 'dir') {
    const a = s.copyOff.archives;
    const r = a.status === 'ready' && s.copyOff.row !== null ? a.rows[s.copyOff.row] : undefined;
    if (!r || !text) return set(s, { editing: null });
    return run(s, { op: 'extract', url: s.copyOff.url, id: r.id, level: r.level, keepingId: r.keepingId, dir: text }, `Extracting ${r.id} level ${r.level}`);
  }
  return set(s, { editing: null, [e.field]: text });
}

export function onKey(s: State, k: Key): State {
  const c = s.copyOff;
  if (c.progress) return s;
  if (c.done) return k.name === 'enter' || k.name === 'escape' ? set(s, { done: null }) : s;
  if (c.editing) return editKey(s, k);
  const rows = c.archives.status === 'ready' ? c.archives.rows.length : 0;
  const cur = c.row !== null ? COPY_FIELDS.length + c.row : c.field;
  const moved = moveCursor(cur, COPY_FIELDS.length + rows, k);
  if (moved !== null) return set(s, moved < COPY_FIELDS.length ? { field: moved, row: null } : { row: moved - COPY_FIELDS.length });
  if (k.name === 'escape') return back(s);
  if (k.name !== 'enter' && !isChar(k, ' ')) return s;
  if (c.row !== null && c.archives.status === 'ready') {
    const r = c.archives.rows[c.row]!;
    return set(s, { editing: { field: 'dir', text: `/root/restore-${r.id}` } });
  }
  switch (COPY_FIELDS[c.field]) {
    case 'source':
      return set(s, { editing: { field: 'source', text: c.source } });
    case 'url':
      return set(s, { editing: { field: 'url', text: c.url } });
    case 'type':
      return set(s, { type: COPY_TYPES[(COPY_TYPES.indexOf(c.type) + 1) % COPY_TYPES.length]! });
    case 'level':
      return set(s, { incremental: !c.incremental });
    case 'start':
      if (!c.source || !c.url) return { ...s, notice: { text: 'Give a source and a destination first.', tone: 'problem' } };
      return run(s, { op: 'create', source: c.source, url: c.url, type: c.type, incremental: c.incremental }, `Copying ${c.source} to ${c.url}`);
    case 'list':
      if (!c.url) return { ...s, notice: { text: 'Give a destination first.', tone: 'problem' } };
      return run(s, { op: 'list', url: c.url }, '');
    default:
      return s;
  }
}

export function taskProgress(s: State, e: ProgressEvent): State {
  const p = s.copyOff.progress;
  return p ? set(s, { progress: advancePhase(p, e, s.now) }) : s;
}

export function taskDone(s: State, job: CopyJob, value: unknown): State {
  if (job.op === 'list') return set(s, { archives: { status: 'ready', rows: value as ArchiveRow[] }, row: null });
  if (job.op === 'create') return set(s, { progress: null, done: { kind: 'create', r: value as CopyCreateResult }, archives: { status: 'idle' } });
  return set(s, { progress: null, done: { kind: 'extract', r: value as CopyExtractResult } });
}

export function taskFailed(s: State, job: CopyJob, error: UserError): State {
  if (job.op === 'list') return set(s, { archives: { status: 'error', error } });
  return set(s, { progress: null, done: { kind: 'error', title: job.op === 'create' ? 'The copy was not made' : 'Nothing was extracted', error } });
}
