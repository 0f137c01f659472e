/**
 * Discs: the drives (real /dev/srN, and a pseudo-drive the person types: an image file or a
 * loop device), the staging dir and what is staged there for today (and from which peer), and
 * "Stage from peers".
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { back, systemLabel, type State } from './nav.js';
import { bytes } from './labels.js';
import { cursorD, openDrive, runJob, setCursorD, setD } from './discs-nav.js';
import type { StagedItem } from './discs-state.js';
import { MEDIA_BLOCKS, mib } from '../devices/optical/capacity.js';

export const TITLE = 'Discs (CD/DVD)';

function today(s: State): string {
  return new Date(s.now).toISOString().slice(0, 10);
}

/** "Staged for today" lines (the write carries them onto the next disc). */
export function stagedLines(s: State, staged: StagedItem[]): Line[] {
  if (staged.length === 0) return [{ text: `[NONE] Nothing is staged for today (${today(s)}).`, tone: 'dim' }];
  return [
    { text: `Staged for today (${today(s)}), goes on the next disc:` },
    ...staged.map((x) => ({ text: `  ${x.name}: ${x.files} file(s), ${bytes(x.bytes)}`, noWrap: true })),
  ];
}

const HELP = ['Enter: this drive, its media and what to do with it.', 'An image file (new or written before) or a loop device serves as a drive.', 'The size of disc an image file stands for (a loop device has its own). Enter changes it.', 'Where peers are staged and the day\'s files are stored from. Enter to type.', 'Copy every ready peer of a pool file into today\'s staging dir.'];

export function build(s: State): ScreenModel {
  const d = s.discs;
  const rows = d.drives.status === 'ready' ? d.drives.value.rows : [];
  const cur = cursorD(s);
  const items = [
    ...rows.map((r) => `${r.path}  ${`${r.vendor} ${r.model}`.trim().slice(0, 24) || 'drive'}  ${r.status}${r.volid ? `  ${r.volid}` : ''}`),
    '[ Type a pseudo-drive: an image file or a loop device ]',
    `Image file is a:  ${d.media} (${mib(MEDIA_BLOCKS[d.media] ?? 0)})`,
    `Staging dir:  ${d.editing?.field === 'staging' ? `> ${d.editing.text}_` : d.staging}`,
    '[ Stage from peers ]',
  ];
  const lines: Line[] = [];
  if (d.drives.status === 'loading' || d.drives.status === 'idle') lines.push({ text: 'Looking for CD/DVD drives...' });
  if (d.drives.status === 'error') lines.push({ text: `[ERROR] ${d.drives.error.message}`, tone: 'problem' }, { text: `What to do: ${d.drives.error.hint}` });
  if (d.drives.status === 'ready' && rows.length === 0) lines.push({ text: 'No CD/DVD drive found: a pseudo-drive serves as one.', tone: 'dim' });
  items.forEach((text, i) => lines.push({ text, item: i, selected: i === cur, noWrap: true }));
  lines.push({ text: '' });
  if (d.drives.status === 'ready') lines.push(...stagedLines(s, d.drives.value.staged));
  const e = d.editing;
  const bottom: Line[] = [{ text: '' }];
  if (e?.field === 'pseudo') bottom.push({ text: `Pseudo-drive: > ${e.text}_`, bold: true }, { text: 'An image file or /dev/loopN. Enter opens it, Esc cancels.', tone: 'dim' });
  else if (e?.field === 'pool') bottom.push({ text: `Pool file: > ${e.text}_`, bold: true }, { text: 'JSON {"peers": [...]}. Enter stages every ready peer, Esc cancels.', tone: 'dim' });
  else if (e) bottom.push({ text: 'Type, then Enter to keep it or Esc to cancel.', tone: 'dim' });
  else bottom.push({ text: cur < rows.length ? HELP[0]! : HELP[1 + cur - rows.length] ?? '', tone: 'dim' });
  const top: Line[] = [{ text: `System: ${systemLabel(s)}` }, ...(s.notice ? [{ text: s.notice.text, tone: s.notice.tone } as Line] : []), { text: '' }];
  return { title: TITLE, top, lines, bottom, hints: e ? 'Enter accept  Esc cancel' : keyHints('Enter choose  r reload') };
}

export function onKey(s: State, k: Key): State {
  const d = s.discs;
  const rows = d.drives.status === 'ready' ? d.drives.value.rows : [];
  const count = rows.length + 4;
  const moved = moveCursor(cursorD(s), count, k);
  if (moved !== null) return setCursorD(s, moved);
  if (k.name === 'escape') return back(s);
  if (isChar(k, 'r')) return runJob(s, { op: 'drives', staging: d.staging });
  if (k.name !== 'enter') return s;
  const cur = Math.min(cursorD(s), count - 1);
  if (cur < rows.length) return openDrive(s, rows[cur]!.path);
  switch (cur - rows.length) {
    case 0:
      return setD(s, { editing: { field: 'pseudo', text: d.drive && !d.drive.startsWith('/dev/sr') ? d.drive : '' } });
    case 1: {
      const names = Object.keys(MEDIA_BLOCKS);
      return setD(s, { media: names[(names.indexOf(d.media) + 1) % names.length]! });
    }
    case 2:
      return setD(s, { editing: { field: 'staging', text: d.staging } });
    default:
      return setD(s, { editing: { field: 'pool', text: d.pool } });
  }
}
