/**
 * Discs: the write form. Backups from the store and directories (as the installation sees
 * them) are chosen; the size is shown against the free room; a new disc or a new session;
 * then a yes/no, progress, the check and its result. The day's staged files go along.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import { mib } from '../devices/optical/capacity.js';
import type { Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { systemLabel, type State } from './nav.js';
import { bytes, when } from './labels.js';
import { cursorD, runJob, setCursorD, setD } from './discs-nav.js';
import { stagedLines } from './discs-drives.js';
import type { DiscJob, WriteSources } from './discs-state.js';

interface Item {
  text: string;
  help: string;
  act: (s: State) => State;
}

function toggle(list: string[], x: string): string[] {
  return list.includes(x) ? list.filter((y) => y !== x) : [...list, x];
}

/** A change of the choice: the size is computed again. */
function choose(s: State, picks: WriteSources): State {
  const n = setD(s, { picks });
  if (picks.backups.length + picks.dirs.length === 0) return setD(n, { size: { status: 'idle' } });
  return runJob(n, { op: 'size', sources: picks, staging: s.discs.staging });
}

export function writeJob(s: State, newDisc = s.discs.newDisc): DiscJob {
  return { op: 'write', drive: s.discs.drive!, sources: s.discs.picks, newDisc, staging: s.discs.staging, media: s.discs.media };
}

function items(s: State): Item[] {
  const d = s.discs;
  const backups = d.sources.status === 'ready' ? d.sources.value.backups : [];
  const out: Item[] = backups.map((b) => ({
    text: `[${d.picks.backups.includes(b.id) ? 'x' : ' '}] ${b.id}  ${bytes(b.size)}`,
    help: `A backup of the store (${b.pluginId}, ${when(b.created)}). Enter or Space chooses it.`,
    act: (x) => choose(x, { ...x.discs.picks, backups: toggle(x.discs.picks.backups, b.id) }),
  }));
  for (const dir of d.picks.dirs) out.push({ text: `[x] directory ${dir}`, help: 'Enter or Space takes this directory off the list.', act: (x) => choose(x, { ...x.discs.picks, dirs: x.discs.picks.dirs.filter((y) => y !== dir) }) });
  out.push({ text: '[ Add a directory ]', help: 'A directory as the installation sees it (e.g. /home). Enter to type.', act: (x) => setD(x, { editing: { field: 'dir', text: '' } }) });
  out.push({
    text: `Disc:  ${d.newDisc ? 'a new disc (rewritable media are blanked first)' : 'append a new session (or a new disc if blank)'}`,
    help: 'Enter changes it. Appending keeps every earlier session readable.',
    act: (x) => setD(x, { newDisc: !x.discs.newDisc }),
  });
  out.push({
    text: '[ Write to the disc ]',
    help: 'Asks first; then the write, and the check of every block and file.',
    act: (x) => {
      const p = x.discs.picks;
      const staged = x.discs.sources.status === 'ready' ? x.discs.sources.value.staged.length : 0;
      if (p.backups.length + p.dirs.length + staged === 0) return { ...x, notice: { text: 'Choose a backup or a directory first.', tone: 'problem' } };
      return setD(x, { confirm: { job: writeJob(x), yes: false } });
    },
  });
  return out;
}

function sizeLine(s: State): Line {
  const d = s.discs;
  const free = d.status.status === 'ready' ? d.status.value.freeBlocks : null;
  const freeText = free === null ? '' : ` of ${mib(free)} free`;
  if (d.size.status === 'loading') return { text: `Counting what was chosen...${freeText}` };
  if (d.size.status === 'error') return { text: `[ERROR] ${d.size.error.message}`, tone: 'problem' };
  if (d.size.status !== 'ready') return { text: `Nothing chosen yet${freeText ? `; ${freeText.slice(4)}` : ''}.`, tone: 'dim' };
  const v = d.size.value;
  const fits = free === null || d.newDisc || v.blocks <= free;
  return { text: `${fits ? '[FITS]' : '[TOO BIG]'} ${v.files} file(s), about ${mib(v.blocks)}${freeText}`, tone: fits ? 'ok' : 'problem' };
}

export function build(s: State): ScreenModel {
  const d = s.discs;
  const title = `Write to ${d.drive}`;
  const top: Line[] = [{ text: `System: ${systemLabel(s)}` }, sizeLine(s), ...(s.notice ? [{ text: s.notice.text, tone: s.notice.tone } as Line] : []), { text: '' }];
  const lines: Line[] = [];
  if (d.sources.status === 'loading' || d.sources.status === 'idle') lines.push({ text: 'Reading the backup store...' });
  if (d.sources.status === 'error') lines.push({ text: `[NOTE] The backup store could not be read: ${d.sources.error.message}`, tone: 'warn' });
  if (d.sources.status === 'ready' && d.sources.value.backups.length === 0) lines.push({ text: '[NONE] The store holds no backups; directories can still be written.', tone: 'dim' });
  const list = items(s);
  const cur = Math.min(cursorD(s), list.length - 1);
  list.forEach((it, i) => lines.push({ text: it.text, item: i, selected: i === cur, noWrap: true }));
  if (d.sources.status === 'ready') lines.push({ text: '' }, ...stagedLines(s, d.sources.value.staged));
  const e = d.editing;
  const bottom: Line[] = e?.field === 'dir'
    ? [{ text: '' }, { text: `Directory: > ${e.text}_`, bold: true }, { text: 'Enter adds it, Esc cancels.', tone: 'dim' }]
    : [{ text: '' }, { text: list[cur]?.help ?? '', tone: 'dim' }];
  return { title, top, lines, bottom, itemCount: list.length, hints: e ? 'Enter accept  Esc cancel' : keyHints('Enter/Space choose') };
}

export function onKey(s: State, k: Key): State {
  const list = items(s);
  const moved = moveCursor(cursorD(s), list.length, k);
  if (moved !== null) return setCursorD({ ...s, notice: null }, moved);
  if (k.name === 'escape') return setD({ ...s, notice: null }, { view: 'disc' });
  // Keys that came in one chunk with the one that opened the form wait for the store's list.
  if (s.discs.sources.status === 'loading') return s;
  if (k.name !== 'enter' && !isChar(k, ' ')) return s;
  return list[Math.min(cursorD(s), list.length - 1)]?.act(s) ?? s;
}

/** A directory typed: added once. */
export function addDir(s: State, dir: string): State {
  const p = s.discs.picks;
  if (!dir || p.dirs.includes(dir)) return setD(s, { editing: null });
  return choose(setD(s, { editing: null }), { ...p, dirs: [...p.dirs, dir] });
}
