/**
 * Discs: one drive. Its media (blank / appendable / closed / foreign, sessions, used and free,
 * label, the backups it holds) and what to do: write, verify, revert from it, rebuild, eject.
 * The revert list: the disc's backup spaces by plugin module ID, like the revert screen.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import { mib } from '../devices/optical/capacity.js';
import type { Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { systemLabel, type State } from './nav.js';
import { bytes } from './labels.js';
import { cursorD, runJob, setCursorD, setD } from './discs-nav.js';
import { TITLE } from './discs-drives.js';
import type { DiscStatus } from './discs-state.js';

export function mediaWord(st: DiscStatus): string {
  if (st.foreign && st.status !== 'blank') return 'FOREIGN (not written by firstaid)';
  if (st.closed) return st.status === 'closed' ? 'CLOSED' : 'CLOSED (closed by firstaid)';
  return st.status.toUpperCase();
}

export function mediaLines(st: DiscStatus): Line[] {
  const tone = st.foreign && st.status !== 'blank' ? 'warn' : st.closed ? 'warn' : 'ok';
  const lines: Line[] = [
    { text: `Media: [${mediaWord(st)}]  ${st.profile}${st.rewritable ? ', rewritable' : ''}`, tone },
    { text: `Sessions: ${st.sessions.length}   Used: ${mib(st.usedBlocks)}   Free: ${mib(st.freeBlocks)}${st.volid ? `   Label: ${st.volid}` : ''}`, noWrap: true },
  ];
  if (st.backups.length || st.directories.length) lines.push({ text: `Holds ${st.backups.length} backup(s) and ${st.directories.length} directory(ies).` });
  for (const p of st.problems) lines.push({ text: `[PROBLEM] ${p}`, tone: 'problem' });
  return lines;
}

const ACTIONS = [
  { key: 'w', label: 'Write backups or directories to this disc', help: 'Choose backups from the store and directories; see the size against the free room; a new disc or a new session.' },
  { key: 'v', label: 'Verify this disc', help: 'Read every block and every file back, without the originals: intact, damaged files (and their backup), unreadable sectors.' },
  { key: 'b', label: 'Revert from this disc', help: 'The backups on the disc by plugin; one is read back, checked, then put back on the system.' },
  { key: 'n', label: 'Rebuild this week onto a new disc', help: 'Every day staged or written since Monday, onto a new disc (rewritable media are blanked).' },
  { key: 'e', label: 'Eject', help: 'Open the drive\'s tray. A pseudo-drive has nothing to eject.' },
] as const;

export function build(s: State): ScreenModel {
  const d = s.discs;
  const title = `${TITLE} - ${d.drive ?? ''}`;
  const top: Line[] = [];
  if (d.status.status === 'loading' || d.status.status === 'idle') top.push({ text: `Reading the media in ${d.drive}...` });
  if (d.status.status === 'error') top.push({ text: '[ERROR] The media could not be read.', tone: 'problem', bold: true }, { text: d.status.error.message }, { text: `What to do: ${d.status.error.hint}` });
  if (d.status.status === 'ready') top.push(...mediaLines(d.status.value));
  if (s.notice) top.push({ text: s.notice.text, tone: s.notice.tone });
  top.push({ text: '' });
  const cur = cursorD(s);
  const lines: Line[] = ACTIONS.map((a, i) => ({ text: `${a.label}  (${a.key})`, item: i, selected: i === cur, noWrap: true }));
  return { title, busy: d.status.status === 'loading', top, lines, bottom: [{ text: '' }, { text: ACTIONS[cur]?.help ?? '', tone: 'dim' }], hints: keyHints('Enter choose  l reload') };
}

function act(s: State, key: (typeof ACTIONS)[number]['key']): State {
  const d = s.discs;
  const drive = d.drive!;
  switch (key) {
    case 'w':
      return runJob(setD(s, { view: 'write', picks: { backups: [], dirs: [] }, size: { status: 'idle' }, cursor: { ...d.cursor, write: 0 } }), { op: 'sources', staging: d.staging });
    case 'v':
      return runJob(s, { op: 'verify', drive, media: d.media });
    case 'b':
      if (d.status.status !== 'ready') return s;
      if (!s.systemId) return { ...s, notice: { text: 'Choose the system to revert first (main menu, Revert a repair).', tone: 'problem' } };
      return setD(s, { view: 'revert' });
    case 'n':
      return setD(s, { confirm: { job: { op: 'rebuild', drive, staging: d.staging, media: d.media }, yes: false } });
    case 'e':
      return runJob(s, { op: 'eject', drive });
  }
}

export function onKey(s: State, k: Key): State {
  const moved = moveCursor(cursorD(s), ACTIONS.length, k);
  if (moved !== null) return setCursorD(s, moved);
  if (k.name === 'escape') return setD({ ...s, notice: null }, { view: 'drives' });
  if (isChar(k, 'l')) return runJob(s, { op: 'status', drive: s.discs.drive!, media: s.discs.media });
  // Nothing is done to a drive whose media is still being read (a job would replace that read).
  if (s.discs.status.status === 'loading') return s;
  if (k.name === 'enter') return act(s, ACTIONS[cursorD(s)]!.key);
  const a = ACTIONS.find((x) => isChar(k, x.key));
  return a ? act(setCursorD(s, ACTIONS.indexOf(a)), a.key) : s;
}

/** The revert list: the disc's backups grouped by plugin id, newest first (discBackups' order). */
export function buildRevert(s: State): ScreenModel {
  const d = s.discs;
  const title = `Revert from the disc in ${d.drive}`;
  const list = d.status.status === 'ready' ? d.status.value.backups : [];
  if (list.length === 0) return { title, lines: [{ text: '[NONE] There are no backups on this disc.', tone: 'warn' }, { text: '' }, { text: 'Write one first (Esc, then Write), or put the disc with the backup in the drive.' }], hints: keyHints('', { move: false }) };
  const cur = Math.min(cursorD(s), list.length - 1);
  const lines: Line[] = [];
  let group = '';
  list.forEach((b, i) => {
    if (b.pluginId !== group) lines.push({ text: `${(group = b.pluginId)}:`, bold: true });
    lines.push({ text: `${b.id.slice(b.pluginId.length + 1)}  ${b.files} file(s), ${bytes(b.bytes)}  (${b.volid})`, item: i, selected: i === cur, noWrap: true });
  });
  const b = list[cur]!;
  return {
    title, top: [{ text: `System: ${systemLabel(s)}` }, { text: 'The backup is read from the disc and checked before anything is put back.', tone: 'dim' }, { text: '' }],
    lines, itemCount: list.length,
    bottom: [{ text: '' }, { text: `${b.id} on the disc at ${b.dir}`, tone: 'dim' }],
    hints: keyHints('Enter revert'),
  };
}

export function onKeyRevert(s: State, k: Key): State {
  const list = s.discs.status.status === 'ready' ? s.discs.status.value.backups : [];
  const moved = moveCursor(cursorD(s), list.length, k);
  if (moved !== null) return setCursorD(s, moved);
  if (k.name === 'escape') return setD(s, { view: 'disc' });
  const b = list[Math.min(cursorD(s), list.length - 1)];
  if (k.name === 'enter' && b) return setD(s, { confirm: { job: { op: 'revert', drive: s.discs.drive!, backupId: b.id }, yes: false } });
  return s;
}
