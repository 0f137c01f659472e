/** Main menu: Repair, Revert, Log, Copy off this machine, Discs (CD/DVD), Quit. */
import type { Key } from '../ui/keys.js';
import { isChar } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { cursorOf, go, loading, setCursor, startTask, systemLabel, type State } from './nav.js';
import { openDiscs } from './discs-nav.js';

interface MenuItem {
  id: 'repair' | 'revert' | 'copyoff' | 'discs' | 'log' | 'quit';
  key: string;
  label: string;
  help: string;
}

export const MENU: MenuItem[] = [
  { id: 'repair', key: 'r', label: 'Repair a system', help: 'Find the installation, see what is wrong with it, and fix it. Everything a fix changes is backed up first.' },
  { id: 'revert', key: 'v', label: 'Revert a repair', help: 'Undo an earlier fix from its backup directory, or delete backups you no longer need.' },
  { id: 'log', key: 'l', label: 'Session log', help: 'Every command firstaid ran in this session, with its result.' },
  { id: 'copyoff', key: 'c', label: 'Copy off this machine', help: 'Archive a directory of the installation (such as /home) or a backup to a USB stick or another machine (sftp, rsync, S3); list and extract archives there.' },
  { id: 'discs', key: 'd', label: 'Discs (CD/DVD)', help: 'Write backups and directories to a CD/DVD (or an image file), verify a disc, revert from one, stage other machines\' backups.' },
  { id: 'quit', key: 'q', label: 'Quit', help: 'Leave firstaid. Mounts and loop devices it set up are undone.' },
];

export function build(s: State, _l: Layout): ScreenModel {
  const cur = cursorOf(s);
  const lines: Line[] = MENU.map((m, i) => ({ text: `${m.label}  (${m.key})`, item: i, selected: i === cur, noWrap: true }));
  const top: Line[] = [
    { text: `Target: ${s.targetLabel}` },
    ...(s.dryRun ? [{ text: '[DRY RUN] Nothing will be written: fixes only show what they would do.', tone: 'warn' } as Line] : []),
    { text: `System: ${systemLabel(s)}` },
    ...(s.notice ? [{ text: s.notice.text, tone: s.notice.tone } as Line] : []),
    { text: '' },
  ];
  return {
    title: 'firstaid - main menu',
    top,
    lines,
    bottom: [{ text: '' }, { text: MENU[cur]?.help ?? '', tone: 'dim' }],
    hints: keyHints('Enter choose', { back: false }),
  };
}

/** Opens the system picker (loading the systems if needed) leading to `after`. */
export function openPicker(s: State, after: State['afterPick']): State {
  let n = go({ ...s, afterPick: after }, 'systems');
  if (n.systems.status === 'idle' || n.systems.status === 'error') n = startTask({ ...n, systems: loading('Looking for Linux installations') }, { kind: 'systems' });
  return n;
}

function choose(s: State, id: MenuItem['id']): State {
  switch (id) {
    case 'repair':
      return openPicker(s, 'overview');
    case 'revert':
      if (s.systemId) return startTask({ ...go(s, 'revert'), backups: loading('Reading the backup store') }, { kind: 'backups', systemId: s.systemId });
      return openPicker(s, 'revert');
    case 'copyoff':
      // The source is a directory of an installation: pick one first (once).
      return s.systemId ? go(s, 'copyoff') : openPicker(s, 'copyoff');
    case 'discs':
      // The store and the revert are the installation's: pick one first (once).
      return s.systemId ? openDiscs(s) : openPicker(s, 'discs');
    case 'log':
      return setCursor(go(s, 'log'), Number.MAX_SAFE_INTEGER, 'log');
    case 'quit':
      return { ...s, quit: true };
  }
}

export function onKey(s: State, k: Key): State {
  const moved = moveCursor(cursorOf(s), MENU.length, k);
  if (moved !== null) return setCursor(s, moved);
  if (k.name === 'enter') return choose(s, MENU[cursorOf(s)]?.id ?? 'repair');
  const byLetter = MENU.find((m) => m.id !== 'quit' && isChar(k, m.key));
  if (byLetter) return choose(setCursor(s, MENU.indexOf(byLetter)), byLetter.id);
  return s;
}
