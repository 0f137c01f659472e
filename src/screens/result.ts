/** Result of a fix (verified or not, and the backup directory, prominently) or of a revert. */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { cursorOf, go, home, loading, startTask, type State } from './nav.js';
import { findingTag } from './labels.js';
import { scrollKey } from './scroll.js';

function fixLines(s: State): { title: string; top: Line[]; lines: Line[] } {
  const r = s.result;
  if (!r || r.kind !== 'fix') return { title: '', top: [], lines: [] };
  const f = r.fix;
  const top: Line[] = [];
  if (s.dryRun && f.ok) top.push({ text: '[DRY RUN] Nothing was changed or backed up; the plan is what a real run would do.', tone: 'warn', bold: true });
  else if (f.ok && f.verified) top.push({ text: '[FIXED AND VERIFIED] The problem is gone.', tone: 'ok', bold: true });
  else if (f.ok) top.push({ text: '[FIXED, NOT VERIFIED] The fix ran, but the check afterwards still finds problems.', tone: 'warn', bold: true });
  else if (f.restored) top.push({ text: '[FAILED, RESTORED] The fix failed; everything it touched was restored from the backup.', tone: 'problem', bold: true });
  else top.push({ text: '[FAILED] The fix did not complete.', tone: 'problem', bold: true });
  if (f.backupDir) {
    top.push({ text: 'Backup directory:' }, { text: `  ${f.backupDir}`, bold: true, tone: 'info' });
  } else {
    top.push({ text: 'No backup directory was kept.' });
  }
  const lines: Line[] = [];
  if (f.error) lines.push({ text: `What happened: ${f.error.message}`, tone: 'problem' }, { text: `What to do: ${f.error.hint}` }, { text: '' });
  if (f.backupId) lines.push({ text: `Backup id: ${f.backupId} (Revert a repair lists it under "${f.pluginId}")` });
  lines.push({ text: '' }, { text: 'Findings after the fix:', bold: true });
  for (const x of f.findingsAfter) {
    const t = findingTag(x);
    lines.push({ text: `${t.tag} ${x.title}`, tone: t.tone });
  }
  if (f.findingsAfter.length === 0) lines.push({ text: '  (none reported)' });
  return { title: `Result - ${f.pluginId}`, top, lines };
}

function revertLines(s: State): { title: string; top: Line[]; lines: Line[] } {
  const r = s.result;
  if (!r || r.kind !== 'revert') return { title: '', top: [], lines: [] };
  const v = r.revert;
  const top: Line[] = v.ok
    ? [{ text: `[REVERTED] Backup ${v.backupId} was restored exactly.`, tone: 'ok', bold: true }]
    : [{ text: `[NOT REVERTED] Backup ${v.backupId} was not restored.`, tone: 'problem', bold: true }];
  const lines: Line[] = [];
  if (v.restored && v.restored.length > 0) {
    lines.push({ text: 'Put back:', bold: true });
    for (const r of v.restored) lines.push({ text: `  - ${r}` });
  }
  if (v.error) lines.push({ text: `What happened: ${v.error.message}`, tone: 'problem' }, { text: `What to do: ${v.error.hint}` });
  if (v.changedSinceFix.length > 0) {
    lines.push({ text: '' }, { text: 'Changed since the fix (a revert would overwrite these):', bold: true });
    for (const p of v.changedSinceFix) lines.push({ text: `  - ${p}` });
    lines.push({ text: '' }, { text: 'Press f to revert anyway (force), or Enter for the main menu.' });
  }
  return { title: `Result - revert ${v.backupId}`, top, lines };
}

export function build(s: State, _l: Layout): ScreenModel {
  const r = s.result;
  if (!r) return { title: 'Result', lines: [{ text: 'No result yet.' }], hints: keyHints('Enter main menu', { move: false }) };
  if (r.kind === 'error') {
    return {
      title: r.title,
      top: [{ text: '[ERROR] The work did not complete.', tone: 'problem', bold: true }],
      lines: [{ text: `What happened: ${r.error.message}` }, { text: `What to do: ${r.error.hint}` }],
      hints: keyHints('Enter main menu  v revert screen', { back: false }),
    };
  }
  const built = r.kind === 'fix' ? fixLines(s) : revertLines(s);
  const force = r.kind === 'revert' && r.revert.changedSinceFix.length > 0 ? '  f force' : '';
  return { ...built, scroll: cursorOf(s), hints: keyHints(`Enter main menu  v revert screen${force}`, { back: false }) };
}

export function openRevert(s: State): State {
  if (!s.systemId) return s;
  return startTask({ ...go(home(s), 'revert'), backups: loading('Reading the backup store') }, { kind: 'backups', systemId: s.systemId });
}

export function onKey(s: State, k: Key): State {
  const scrolled = scrollKey(s, build(s, undefined as never), k);
  if (scrolled) return scrolled;
  if (k.name === 'enter' || k.name === 'escape') return home(s);
  if (isChar(k, 'v')) return openRevert(s);
  if (isChar(k, 'f') && s.result?.kind === 'revert' && s.result.revert.changedSinceFix.length > 0) {
    return { ...s, backupId: s.result.revert.backupId, dialog: { kind: 'force', yes: false } };
  }
  return s;
}
