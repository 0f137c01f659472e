/**
 * The fstab planner (pure): findings -> one edit of /etc/fstab, shown as a unified diff.
 * Stale sources are remapped to the candidate the checks found; unresolvable entries that
 * are not needed to boot get nofail or are commented out (the person's choice); unparsable
 * lines are commented out with a marker. Spacing and comments stay as they were.
 */
import type { Installation } from '../../devices/types.js';
import type { Finding, Plan, PlanAction, PlanChoice } from '../types.js';
import { unifiedDiff } from '../diff.js';
import { commentOut, parseFstab, parseLine, serializeFstab, setField, type FstabEntry, type FstabLine } from '../../devices/fstab-parse.js';
import { FSTAB_PATH, PLUGIN_ID, type CandidateFs } from './checks.js';
import { hasOption } from './options.js';

export const FILE_FINDING = 'fstab.file';
export const UNRESOLVED_CHOICE = 'fstab.unresolved';
/** The last resort's device timeout: systemd waits this long for the device, not 90 s. */
export const DEVICE_TIMEOUT = 'x-systemd.device-timeout=10s';

export interface FstabPlanData {
  /** The text the plan was made from: apply refuses when the file changed since. */
  before: string;
  after: string;
  /** New line number (index+1) -> original line number. */
  lineMap: number[];
  /** How the file's bytes map to the text: latin1 for files that are not valid UTF-8. */
  encoding: 'utf8' | 'latin1';
  /** Mount point directories apply creates inside the target (the topmost missing one first). */
  mkdirs?: string[];
  [k: string]: unknown;
}

function kindOf(id: string): { check: string; line: number } | null {
  const m = /^fstab\.([a-z-]+):(\d+)$/.exec(id);
  return m ? { check: m[1]!, line: Number(m[2]) } : null;
}

/** The spec rewritten to name the candidate, in the same style when the candidate has that attribute. */
export function remapSpec(spec: string, c: CandidateFs): string {
  const tag = /^(UUID|LABEL|PARTUUID|PARTLABEL)=/.exec(spec)?.[1];
  const dir = /^\/dev\/disk\/by-(uuid|label|partuuid|partlabel)\//.exec(spec)?.[1];
  const want = (tag ?? dir ?? 'uuid').toLowerCase() as 'uuid' | 'label' | 'partuuid' | 'partlabel';
  const value = c[want];
  if (value && !/\s/.test(value)) return dir ? `/dev/disk/by-${want}/${value}` : `${want.toUpperCase()}=${value}`;
  return `UUID=${c.uuid}`;
}

function addOption(e: FstabEntry, opt: string): FstabEntry {
  if (hasOption(e.options, opt)) return e;
  const cur = e.fields.length >= 4 ? e.fields[3]! : 'defaults';
  return setField(e, 3, `${cur},${opt}`);
}

/** The options without the named ones; "defaults" when none is left. */
export function dropOptions(e: FstabEntry, drop: readonly string[]): FstabEntry {
  const kept = (e.fields[3] ?? 'defaults').split(',').filter((o) => o !== '' && !drop.includes(o));
  return setField(e, 3, kept.length ? kept.join(',') : 'defaults');
}

/** The last resort: nofail, and for a block device a short device timeout. */
export function lastResort(e: FstabEntry, blockDevice: boolean): FstabEntry {
  const withNofail = addOption(e, 'nofail');
  return blockDevice && !hasOption(withNofail.options, 'x-systemd.device-timeout') ? addOption(withNofail, DEVICE_TIMEOUT) : withNofail;
}

/** A line of only a source and a mount point, with the fields the checks worked out appended. */
function filled(line: FstabLine, fill: readonly string[]): FstabLine {
  const raw = line.raw.replace(/\s*$/, '');
  const sep = /\t/.test(raw) ? '\t' : ' ';
  const out = parseLine(`${raw}${sep}${fill.join(sep)}`, line.lineNo);
  return out.kind === 'entry' ? out : line;
}

function emptyPlan(summary: string, extra: Partial<Plan> = {}): Plan {
  return { pluginId: PLUGIN_ID, findings: [], summary, actions: [], touches: [], needsChroot: false, choices: [], blockers: [], ...extra };
}

export function planFstab(findings: Finding[], _system: Installation | null, choices: Record<string, string>): Plan {
  const file = findings.find((f) => f.id === FILE_FINDING);
  const text = typeof file?.data?.text === 'string' ? file.data.text : null;
  const todo = findings.filter((f) => f.state === 'detected' && f.fixable && kindOf(f.id));
  const notes: PlanAction[] = findings
    .filter((f) => f.state === 'detected' && !f.fixable && (f.severity === 'blocker' || f.severity === 'error'))
    .map((f) => ({ kind: 'note', text: `Not repaired automatically: ${f.title}. ${f.evidence.slice(-1)[0] ?? ''}`.trim() }));
  if (todo.length === 0) {
    const blockers = notes.length > 0 && findings.some((f) => f.state === 'detected' && f.severity === 'blocker')
      ? findings.filter((f) => f.state === 'detected' && f.severity === 'blocker').map((f) => `${f.title}: ${f.evidence.slice(-1)[0] ?? ''}`)
      : [];
    return emptyPlan(blockers.length > 0 ? 'fstab needs a person' : 'nothing to fix', { actions: notes, blockers });
  }
  if (text === null) {
    return emptyPlan('fstab cannot be planned', { blockers: ['The fstab text is missing from the findings; run the diagnosis again.'] });
  }

  const unresolvedChoice: PlanChoice = {
    id: UNRESOLVED_CHOICE,
    question: 'An fstab entry that is not needed to boot points to a filesystem that is not there. What should happen to it?',
    options: [
      { value: 'nofail', label: 'Keep it, add nofail: the boot goes on without it' },
      { value: 'comment', label: 'Comment the line out' },
    ],
    default: 'nofail',
  };
  const mode = choices[UNRESOLVED_CHOICE] ?? unresolvedChoice.default;
  let usesChoice = false;

  const parsed = parseFstab(text);
  const lines: FstabLine[] = [...parsed.lines];
  const at = (n: number) => lines[n - 1];
  const addressed: string[] = [];
  const what: string[] = [];
  const moves: { line: number; after: number }[] = [];
  /** Topmost missing directories (backed up as absent: a revert removes them) and every one to create. */
  const mkdirs: string[] = [];
  const leaves: string[] = [];
  const dirsFor: { id: string; line: number; create: string[] }[] = [];

  for (const f of todo) {
    const k = kindOf(f.id)!;
    const cur = at(k.line);
    if (!cur) continue;
    const d = f.data ?? {};
    if (k.check === 'unparsable') {
      if (cur.kind === 'comment' || cur.kind === 'blank') continue;
      const fill = Array.isArray(d.fill) ? (d.fill as string[]) : null;
      const fixed = fill ? filled(cur, fill) : null;
      if (fixed && fixed.kind === 'entry') {
        lines[k.line - 1] = fixed;
        what.push(`fill in the missing fields of line ${k.line}`);
      } else {
        lines[k.line - 1] = commentOut(cur, 'unparsable');
        what.push(`comment out unparsable line ${k.line}`);
      }
    } else if (k.check === 'missing-blank') {
      if (cur.kind !== 'entry') continue;
      if (d.confident === true && typeof d.file === 'string' && typeof d.vfstype === 'string') {
        // Split "/srv/dataext4" back into mount point and type, with the line's own separator.
        const sep = cur.seps[1] && cur.seps[1] !== '' ? cur.seps[1] : ' ';
        let raw = cur.seps[0]! + cur.fields[0]! + cur.seps[1]! + d.file + sep + d.vfstype;
        for (let i = 2; i < cur.fields.length; i++) raw += cur.seps[i]! + cur.fields[i]!;
        raw += cur.seps[cur.fields.length] ?? '';
        lines[k.line - 1] = { ...cur, raw };
        what.push(`put the missing blank between ${d.file} and ${d.vfstype} on line ${k.line}`);
      } else {
        lines[k.line - 1] = commentOut(cur, 'unparsable');
        what.push(`comment out unparsable line ${k.line}`);
      }
    } else if (k.check === 'unresolved-source') {
      if (cur.kind !== 'entry') continue;
      const cand = d.candidate as CandidateFs | null | undefined;
      if (cand && cand.uuid) {
        lines[k.line - 1] = setField(cur, 0, remapSpec(cur.fields[0]!, cand));
        what.push(`point ${cur.file} to ${cand.device}`);
      } else if (d.needed === true) {
        continue;
      } else {
        usesChoice = true;
        if (mode === 'comment') {
          lines[k.line - 1] = commentOut(cur, 'unresolved source');
          what.push(`comment out ${cur.file}`);
        } else {
          lines[k.line - 1] = lastResort(cur, true);
          what.push(`add nofail and a short device timeout to ${cur.file}`);
        }
      }
    } else if (k.check === 'kernel-name' || k.check === 'missing-source') {
      if (cur.kind !== 'entry') continue;
      const cand = d.candidate as CandidateFs | null | undefined;
      if (cand && cand.uuid) {
        lines[k.line - 1] = setField(cur, 0, `UUID=${cand.uuid}`);
        what.push(`name ${cur.file} by UUID=${cand.uuid} (${cand.device}) instead of ${cur.spec}`);
      } else {
        usesChoice = true;
        if (mode === 'comment') {
          lines[k.line - 1] = commentOut(cur, k.check === 'kernel-name' ? 'unresolved source' : 'missing source');
          what.push(`comment out ${cur.file}`);
        } else {
          lines[k.line - 1] = lastResort(cur, d.blockDevice === true);
          what.push(`add nofail${d.blockDevice === true ? ' and a short device timeout' : ''} to ${cur.file}`);
        }
      }
    } else if (k.check === 'unknown-options') {
      if (cur.kind !== 'entry' || !Array.isArray(d.options)) continue;
      lines[k.line - 1] = dropOptions(cur, d.options as string[]);
      what.push(`drop the unknown option${d.options.length > 1 ? 's' : ''} ${(d.options as string[]).join(', ')} of ${cur.file}`);
    } else if (k.check === 'duplicate-target') {
      const n = typeof d.drop === 'number' ? d.drop : k.line;
      const victim = at(n);
      if (!victim || victim.kind !== 'entry') continue;
      lines[n - 1] = commentOut(victim, 'duplicate mount point');
      what.push(`comment out line ${n} (${victim.file} is mounted twice)`);
    } else if (k.check === 'missing-mountpoint') {
      // Decided after the edits: a line commented out needs no mount point.
      const create = Array.isArray(d.create) ? (d.create as string[]) : [];
      if (create.length > 0) dirsFor.push({ id: f.id, line: k.line, create });
      continue;
    } else if (k.check === 'fstype-mismatch') {
      if (cur.kind !== 'entry' || typeof d.onDisk !== 'string') continue;
      lines[k.line - 1] = setField(cur, 2, d.onDisk);
      what.push(`set the type of ${cur.file} to ${d.onDisk}`);
    } else if (k.check === 'root-passno') {
      if (cur.kind !== 'entry') continue;
      lines[k.line - 1] = setField(setField(cur, 4, cur.fields[4] ?? '0'), 5, '1');
      what.push('set the root pass number to 1');
    } else if (k.check === 'child-before-parent') {
      if (typeof d.parentLine !== 'number') continue;
      moves.push({ line: k.line, after: d.parentLine });
      what.push(`move line ${k.line} after line ${d.parentLine}`);
    } else continue;
    addressed.push(f.id);
  }

  for (const m of dirsFor) {
    if (lines[m.line - 1]?.kind !== 'entry') continue;
    if (!mkdirs.includes(m.create[0]!)) mkdirs.push(m.create[0]!);
    for (const c of m.create) if (!leaves.includes(c)) leaves.push(c);
    what.push(`create the mount point ${m.create[m.create.length - 1]}`);
    addressed.push(m.id);
  }

  // Moves last, on original line numbers: order[i] is the original number of new line i+1.
  const order = lines.map((_, i) => i + 1);
  for (const m of moves) {
    const from = order.indexOf(m.line);
    order.splice(from, 1);
    order.splice(order.indexOf(m.after) + 1, 0, m.line);
  }
  const after = serializeFstab({ lines: order.map((n) => lines[n - 1]!), finalNewline: parsed.finalNewline || parsed.lines.length === 0 });
  if (after === text && mkdirs.length === 0) return emptyPlan('nothing to fix', { actions: notes });
  const encoding = file?.data?.encoding === 'latin1' ? 'latin1' : 'utf8';
  const data: FstabPlanData = { before: text, after, lineMap: order, encoding, ...(leaves.length ? { mkdirs: leaves } : {}) };
  const actions: PlanAction[] = [];
  const touches: Plan['touches'] = [];
  if (after !== text) {
    actions.push({ kind: 'edit-file', path: FSTAB_PATH, before: text, after, diff: unifiedDiff(FSTAB_PATH, text, after) });
    touches.push({ kind: 'path', path: typeof file?.data?.realPath === 'string' && file.data.realPath.startsWith('/') ? file.data.realPath : FSTAB_PATH });
  }
  for (const dir of leaves) actions.push({ kind: 'note', text: `Create the directory ${dir} (mode 0755) inside the installation.` });
  for (const dir of mkdirs) touches.push({ kind: 'path', path: dir });
  return {
    pluginId: PLUGIN_ID,
    findings: addressed,
    summary: `${after !== text ? 'Edit /etc/fstab' : 'Mount points'}: ${what.join('; ')}`,
    actions: [...actions, ...notes],
    touches,
    needsChroot: false,
    choices: usesChoice ? [unresolvedChoice] : [],
    blockers: [],
    data,
  };
}
