/**
 * The fstab planner (pure): findings -> one edit of /etc/fstab, shown as a unified diff.
 * Stale sources are remapped to the candidate the checks found; unresolvable entries that
 * are not needed to boot get nofail or are commented out (the person's choice); unparsable
 * lines are commented out with a marker. Spacing and comments stay as they were.
 */
import type { Installation } from '../../devices/types.js';
import type { Finding, Plan, PlanAction, PlanChoice } from '../types.js';
import { unifiedDiff } from '../diff.js';
import { commentOut, parseFstab, serializeFstab, setField, type FstabEntry, type FstabLine } from '../../devices/fstab-parse.js';
import { FSTAB_PATH, PLUGIN_ID, type CandidateFs } from './checks.js';
import { hasOption } from './options.js';

export const FILE_FINDING = 'fstab.file';
export const UNRESOLVED_CHOICE = 'fstab.unresolved';

export interface FstabPlanData {
  /** The text the plan was made from: apply refuses when the file changed since. */
  before: string;
  after: string;
  /** New line number (index+1) -> original line number. */
  lineMap: number[];
  /** How the file's bytes map to the text: latin1 for files that are not valid UTF-8. */
  encoding: 'utf8' | 'latin1';
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

  for (const f of todo) {
    const k = kindOf(f.id)!;
    const cur = at(k.line);
    if (!cur) continue;
    const d = f.data ?? {};
    if (k.check === 'unparsable') {
      if (cur.kind === 'comment' || cur.kind === 'blank') continue;
      lines[k.line - 1] = commentOut(cur, 'unparsable');
      what.push(`comment out unparsable line ${k.line}`);
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
          lines[k.line - 1] = addOption(cur, 'nofail');
          what.push(`add nofail to ${cur.file}`);
        }
      }
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

  // Moves last, on original line numbers: order[i] is the original number of new line i+1.
  const order = lines.map((_, i) => i + 1);
  for (const m of moves) {
    const from = order.indexOf(m.line);
    order.splice(from, 1);
    order.splice(order.indexOf(m.after) + 1, 0, m.line);
  }
  const after = serializeFstab({ lines: order.map((n) => lines[n - 1]!), finalNewline: parsed.finalNewline || parsed.lines.length === 0 });
  if (after === text) return emptyPlan('nothing to fix', { actions: notes });
  const diff = unifiedDiff(FSTAB_PATH, text, after);
  const encoding = file?.data?.encoding === 'latin1' ? 'latin1' : 'utf8';
  const data: FstabPlanData = { before: text, after, lineMap: order, encoding };
  return {
    pluginId: PLUGIN_ID,
    findings: addressed,
    summary: `Edit /etc/fstab: ${what.join('; ')}`,
    actions: [{ kind: 'edit-file', path: FSTAB_PATH, before: text, after, diff }, ...notes],
    touches: [{ kind: 'path', path: typeof file?.data?.realPath === 'string' && file.data.realPath.startsWith('/') ? file.data.realPath : FSTAB_PATH }],
    needsChroot: false,
    choices: usesChoice ? [unresolvedChoice] : [],
    blockers: [],
    data,
  };
}
