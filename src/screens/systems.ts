/**
 * System picker: the installations found (with the evidence that names them), plus two ways
 * to point firstaid elsewhere: attach a disk image, or give a mounted root directory.
 */
import { isChar, type Key } from '../ui/keys.js';
import { keyHints } from '../ui/key-hints.js';
import type { Layout, Line, ScreenModel } from '../ui/layout.js';
import { moveCursor } from '../ui/list.js';
import { back, cursorOf, go, loading, setCursor, startTask, type State } from './nav.js';
import { emptyModel, pendingModel } from './pending.js';
import { openDiscs } from './discs-nav.js';
import { fieldKey } from '../ui/text-field.js';

const OWN_KEYS = 'Enter choose  a attach image  d root dir';

export function build(s: State, _l: Layout): ScreenModel {
  const title = s.afterPick === 'revert' ? 'Choose the system whose repairs to revert' : s.afterPick === 'copyoff' ? 'Choose the system to copy from' : s.afterPick === 'discs' ? 'Choose the system whose backups go on disc' : 'Choose the system to repair';
  if (s.input) {
    const what = s.input.kind === 'image' ? 'Disk image file to attach (read-only until a fix)' : 'Root directory of the installation (already mounted)';
    return {
      title,
      top: [{ text: what + ':' }, { text: '' }],
      lines: [{ text: `> ${s.input.text}_` }],
      bottom: [{ text: '' }, { text: 'Type the full path, then press Enter. Esc cancels.', tone: 'dim' }],
      hints: 'Type a path  Backspace erase  Enter accept  Esc cancel',
    };
  }
  const sys = s.systems;
  if (sys.status !== 'ready') {
    return pendingModel(title, sys, {
      loading: 'Looking for Linux installations',
      loadingLines: [{ text: `Target: ${s.targetLabel}`, tone: 'dim' }, { text: 'This mounts candidate partitions read-only; nothing is changed.', tone: 'dim' }],
      loadingHints: keyHints('Esc stop looking', { move: false, back: false }),
      errorTitle: 'Could not look for installations.',
      errorNext: 'Press a to attach a disk image, d to give a root directory, or Esc to go back.',
      errorHints: keyHints('a attach image  d root dir  r retry', { move: false }),
    });
  }
  if (sys.value.length === 0) {
    return emptyModel(title, 'No Linux installation was found there.', [
      { text: '' },
      { text: 'firstaid looks for a root filesystem with /etc/os-release. If the disk holds an encrypted or LVM volume, open it first (cryptsetup open, vgchange -ay), then press r to look again. Or press a to attach a disk image, d to give a mounted root directory.' },
    ], keyHints('r look again  a attach image  d root dir', { move: false }), [{ text: `Target: ${s.targetLabel}` }]);
  }
  const cur = Math.min(cursorOf(s), sys.value.length - 1);
  const lines: Line[] = sys.value.map((inst, i) => ({
    text: `${inst.name}  ${inst.root.device}  (${inst.firmware.toUpperCase()})`,
    item: i,
    selected: i === cur,
    noWrap: true,
  }));
  const sel = sys.value[cur];
  const bottom: Line[] = sel
    ? [{ text: '' }, { text: `Evidence for ${sel.id}:`, bold: true }, ...sel.evidence.map((e) => ({ text: `  - ${e}` }))]
    : [];
  return {
    title,
    top: [{ text: `Installations on ${s.targetLabel}:` }],
    lines,
    bottom,
    itemCount: sys.value.length,
    hints: keyHints(OWN_KEYS),
  };
}

function pick(s: State): State {
  if (s.systems.status !== 'ready') return s;
  const inst = s.systems.value[Math.min(cursorOf(s), s.systems.value.length - 1)];
  if (!inst) return s;
  const changed = inst.id !== s.systemId;
  const base: State = {
    ...s,
    systemId: inst.id,
    ...(changed ? { diagnoses: { status: 'idle' as const }, backups: { status: 'idle' as const }, plan: { status: 'idle' as const }, pluginId: null } : {}),
  };
  if (s.afterPick === 'revert') return startTask({ ...go(base, 'revert'), backups: loading('Reading the backup store') }, { kind: 'backups', systemId: inst.id });
  if (s.afterPick === 'copyoff') return go(base, 'copyoff');
  if (s.afterPick === 'discs') return openDiscs(base);
  const n = go(base, 'overview');
  if (n.diagnoses.status === 'ready') return n;
  return startTask({ ...n, diagnoses: loading('Mounting the system read-only') }, { kind: 'diagnose', systemId: inst.id });
}

function inputKey(s: State, k: Key): State {
  const input = s.input;
  if (!input) return s;
  const f = fieldKey(input.text, k);
  if (f.kind === 'cancel') return { ...s, input: null };
  if (f.kind === 'edit') return { ...s, input: { ...input, text: f.text } };
  if (f.kind === 'submit') {
    const text = f.text;
    if (!text) return s;
    const target = input.kind === 'image' ? { image: text } : { root: text };
    return startTask({ ...setCursor(s, 0), input: null, systems: loading(input.kind === 'image' ? `Attaching ${text}` : `Reading ${text}`) }, { kind: 'systems', target });
  }
  return s;
}

export function onKey(s: State, k: Key): State {
  if (s.input) return inputKey(s, k);
  if (isChar(k, 'a')) return { ...s, input: { kind: 'image', text: '' } };
  if (isChar(k, 'd')) return { ...s, input: { kind: 'root', text: '' } };
  const loadingNow = s.systems.status === 'loading' || s.systems.status === 'idle';
  if (k.name === 'escape') return loadingNow ? back({ ...s, task: null, systems: { status: 'idle' } }) : back(s);
  if (loadingNow) return s;
  if (isChar(k, 'r')) return startTask({ ...s, systems: loading('Looking for Linux installations') }, { kind: 'systems' });
  if (s.systems.status !== 'ready') return s;
  const moved = moveCursor(cursorOf(s), s.systems.value.length, k);
  if (moved !== null) return setCursor(s, moved);
  if (k.name === 'enter') return pick(s);
  return s;
}

/** Whether this screen is taking text (global keys like q and ? are text then). */
export function takesText(s: State): boolean {
  return s.screen === 'systems' && s.input !== null;
}
