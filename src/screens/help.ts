/** Help: the keys and the way through the screens. */
import type { Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { back, cursorOf, type State } from './nav.js';
import { scrollKey } from './scroll.js';

const TEXT = `Keys (the same on every screen):
  Up/Down or k/j   move the selection, or scroll
  PgUp/PgDn        a page at a time; Home/End to the ends
  Enter            open or choose
  Esc              back to the previous screen; cancels a question
  ?                this help
  q                quit (asks first while work is running)

The way through:
  1. Repair a system: choose the installation (a: attach a disk image, d: give a mounted root directory).
  2. The diagnosis shows every plugin: [OK], [PROBLEM] or [ERROR]. Open one to see the evidence.
  3. The plan shows exactly what a fix changes: file diffs, commands, raw disk ranges. Nothing has changed yet.
  4. Confirm: everything the plan touches is copied into a backup directory first; the fix runs only when that copy is complete. A fix that needs a new password asks for it next: typed twice, not shown.
  5. The result says whether the check afterwards passed, and names the backup directory.
  6. Revert a repair: backup directories by plugin, newest first. Enter restores one exactly; x deletes it.
  7. Discs (CD/DVD): a drive, or an image file or loop device typed as one; its media (blank, appendable, closed, foreign). Write backups and directories (the day's staged peers go along), verify a disc without the originals, revert from a disc, rebuild the week onto a new disc, eject. Stage from peers copies a pool's ready machines into today's staging dir.

Without a terminal, the same work is done by the commands: firstaid systems, diagnose, fix PLUGIN, backups, revert ID, disc, peers (see firstaid --help).`;

export function build(s: State, _l: Layout): ScreenModel {
  const lines: Line[] = TEXT.split('\n').map((t) => ({ text: t }));
  return { title: 'Help', lines, scroll: cursorOf(s), hints: keyHints('', { move: true }) };
}

export function onKey(s: State, k: Key): State {
  if (k.name === 'escape' || k.name === 'enter') return back(s);
  return scrollKey(s, build(s, undefined as never), k) ?? s;
}
