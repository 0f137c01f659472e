/**
 * Revert: backup directories grouped by plugin module ID, newest first, with what each holds
 * and its state. Enter reverts (after a yes), x deletes (after a yes).
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import type { SpaceSummary } from '../backup/spaces/types.js';
import type { BackupEntry } from './services.js';
import { back, cursorOf, loading, setCursor, startTask, systemLabel, type State } from './nav.js';
import { emptyModel, pendingModel } from './pending.js';
import { bytes, when } from './labels.js';

/** Grouped by plugin id (alphabetical), newest first inside a group: the order the cursor walks. */
export function orderedBackups(list: BackupEntry[]): BackupEntry[] {
  return [...list].sort((a, b) => (a.pluginId === b.pluginId ? b.created.localeCompare(a.created) : a.pluginId.localeCompare(b.pluginId)));
}

function stateTag(b: SpaceSummary): { tag: string; tone: 'ok' | 'problem' | 'warn' | 'dim' } {
  if (b.reverted) return { tag: '[REVERTED]', tone: 'dim' };
  switch (b.state) {
    case 'verified':
      return { tag: '[VERIFIED]', tone: 'ok' };
    case 'complete':
      return { tag: '[COMPLETE]', tone: 'ok' };
    case 'incomplete':
      return { tag: '[INCOMPLETE]', tone: 'warn' };
    case 'corrupt':
      return { tag: '[CORRUPT]', tone: 'problem' };
  }
}

export function build(s: State, _l: Layout): ScreenModel {
  const title = `Revert a repair - ${systemLabel(s)}`;
  const b = s.backups;
  if (b.status !== 'ready') {
    return pendingModel(title, b, {
      loading: 'Reading the backup store',
      loadingHints: keyHints('', { move: false }),
      errorTitle: 'The backup store could not be read.',
      errorNext: 'Press r to try again, or Esc to go back.',
      errorHints: keyHints('r try again', { move: false }),
    });
  }
  const notice: Line[] = s.notice ? [{ text: s.notice.text, tone: s.notice.tone }] : [];
  if (b.value.length === 0) {
    return emptyModel(title, 'There are no backups for this system yet.', [{ text: '' }, { text: 'A backup directory appears here after a fix. To repair the system, go back (Esc) and choose "Repair a system".' }], keyHints('r reload', { move: false }), notice);
  }
  const list = orderedBackups(b.value);
  const cur = Math.min(cursorOf(s), list.length - 1);
  const lines: Line[] = [];
  let group = '';
  list.forEach((x, i) => {
    if (x.pluginId !== group) {
      group = x.pluginId;
      lines.push({ text: `${group}:`, bold: true });
    }
    const t = stateTag(x);
    lines.push({ text: `${when(x.created)}  ${t.tag}  ${x.objectCount} item(s), ${bytes(x.size)}`, tone: t.tone, item: i, selected: i === cur, noWrap: true });
  });
  const sel = list[cur];
  const bottom: Line[] = sel
    ? [
        { text: '' },
        { text: `${sel.id}: ${sel.description || '(no description)'}` },
        { text: `Directory: ${sel.dir}` },
        ...(sel.problem ? [{ text: `[PROBLEM] ${sel.problem}`, tone: 'problem' as const }] : []),
        ...(sel.contents && sel.contents.length > 0 ? [{ text: 'Holds:' }, ...sel.contents.map((c) => ({ text: `  - ${c}` }))] : []),
        ...(sel.reverted ? [{ text: 'Already reverted once.', tone: 'dim' as const }] : []),
        ...(sel.state === 'incomplete' || sel.state === 'corrupt' ? [{ text: 'This backup cannot be reverted safely; delete it when no longer needed.', tone: 'warn' as const }] : []),
      ]
    : [];
  return {
    title,
    top: [...notice, { text: 'Backup directories by plugin, newest first:' }],
    lines,
    bottom,
    itemCount: list.length,
    hints: keyHints('Enter revert  x delete  r reload'),
  };
}

export function selectedBackup(s: State): BackupEntry | null {
  if (s.backups.status !== 'ready') return null;
  const list = orderedBackups(s.backups.value);
  return list[Math.min(cursorOf(s, 'revert'), list.length - 1)] ?? null;
}

export function onKey(s: State, k: Key): State {
  if (k.name === 'escape') return back(s.backups.status === 'loading' ? { ...s, task: null, backups: { status: 'idle' } } : s);
  if (s.backups.status === 'loading' || s.backups.status === 'idle') return s;
  if (isChar(k, 'r') && s.systemId) return startTask({ ...s, notice: null, backups: loading('Reading the backup store') }, { kind: 'backups', systemId: s.systemId });
  if (s.backups.status !== 'ready') return s;
  const moved = moveCursor(cursorOf(s), s.backups.value.length, k);
  if (moved !== null) return setCursor(s, moved);
  const sel = selectedBackup(s);
  if (!sel) return s;
  if (k.name === 'enter') return { ...s, backupId: sel.id, dialog: { kind: 'revert', yes: false } };
  if (isChar(k, 'x') || k.name === 'delete') return { ...s, backupId: sel.id, dialog: { kind: 'delete', yes: false } };
  return s;
}
