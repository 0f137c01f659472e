/**
 * The fstab checks (pure): at least those of `findmnt --verify`, against the target's own
 * devices and paths, plus syntax. Input: the parsed file and facts the plugin gathered
 * read-only (which target paths exist). Output: every finding, checked ones too.
 * Finding ids are "fstab.<check>:<line>"; data carries what the planner needs.
 * The checks themselves live by purpose: syntax.ts, sources.ts, layout.ts.
 */
import type { BlockDevice, PartitionRef } from '../../devices/types.js';
import type { Finding, Severity } from '../types.js';
import { resolveSpec } from '../../devices/resolve-spec.js';
import { flattenDevices } from '../device-map.js';
import { entries, type FstabEntry, type ParsedFstab } from '../../devices/fstab-parse.js';
import { unknownOptions } from './options.js';
import { PLUGIN_ID, isSwap } from './common.js';
import { checkSyntax, gluedSplit } from './syntax.js';
import { checkSources, sourceKind } from './sources.js';
import { ancestorsAndSelf, checkLayout } from './layout.js';
import { mountable } from './candidates.js';

export { FSTAB_PATH, PLUGIN_ID } from './common.js';
export { gluedSplit } from './syntax.js';
export { sourceKind, NEVER_NOFAIL, type SourceKind } from './sources.js';
export { describeFs, type CandidateFs } from './candidates.js';

export interface FstabFacts {
  /** The file's text; null when /etc/fstab does not exist. */
  text: string | null;
  /** Every block device of the session (tree or flat). */
  devices: readonly BlockDevice[];
  /** The installation's root filesystem (the one that was mounted as the target). */
  root: PartitionRef | null;
  /** Target paths that exist, among those pathsToCheck() named. */
  existing: ReadonlySet<string>;
  /** firstaid's own mount directory (runtimeDir()): a device mounted anywhere else belongs to the
   *  live system and is never offered as a replacement. */
  ownMountPrefix?: string;
}

/** Target paths whose existence the checks need (mount points and their parents, bind sources, swap files, glued splits). */
export function pathsToCheck(parsed: ParsedFstab): string[] {
  const out = new Set<string>();
  for (const l of parsed.lines) {
    if (l.kind !== 'entry') continue;
    const g = gluedSplit(l);
    if (g) {
      out.add(g.file);
      out.add(l.file);
      continue;
    }
    if (l.file.startsWith('/')) {
      out.add(l.file);
      for (const a of ancestorsAndSelf(l.file)) out.add(a);
    }
    if (sourceKind(l) === 'path') out.add(l.spec);
  }
  return [...out];
}

/** Sources whose check found a problem: their lines lose a duplicate-mount-point tie. */
const SOURCE_PROBLEM = /^fstab\.(unresolved-source|unresolved-optional|kernel-name|missing-source|unmapped-node):(\d+)$/;

/**
 * Runs every check. Returns problems ('detected') and, for each check that found nothing,
 * a 'checked' finding saying so.
 */
export function checkFstab(parsed: ParsedFstab, facts: FstabFacts): Finding[] {
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, 'pluginId'>) => { findings.push({ pluginId: PLUGIN_ID, ...f }); };
  const flat = flattenDevices(facts.devices);
  const list = entries(parsed);

  // Syntax first: lines that do not parse, or whose fields run together, get no further checks.
  const glued = checkSyntax(parsed, list, facts.existing, add);
  fillMissingFields(parsed, findings, flat);
  const real = list.filter((e) => !glued.has(e.lineNo));

  const sourceProblems = checkSources(real, { flat, root: facts.root, existing: facts.existing, ...(facts.ownMountPrefix ? { ownMountPrefix: facts.ownMountPrefix } : {}) }, add);
  retype(findings, real);
  if (sourceProblems === 0) {
    add({ id: 'fstab.sources', title: 'Every fstab source resolves to a device of the target with the declared type', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }

  const badSource = new Set<number>();
  for (const f of findings) {
    const m = SOURCE_PROBLEM.exec(f.id);
    if (m) badSource.add(Number(m[2]));
  }
  const [mpMissing, orderProblems] = checkLayout(real, facts.existing, badSource, add);
  if (mpMissing === 0) add({ id: 'fstab.mountpoints', title: 'Every fstab mount point exists', state: 'checked', severity: 'info', evidence: [], fixable: false });
  if (orderProblems === 0) add({ id: 'fstab.order', title: 'No duplicate mount points; parents come before children', state: 'checked', severity: 'info', evidence: [], fixable: false });

  // Root passno: 1 (fsck first); 0 is right for filesystems whose fsck does nothing.
  const root = real.find((e) => e.file === '/');
  if (root) {
    const noFsck = ['btrfs', 'xfs', 'zfs', 'bcachefs', 'f2fs'].includes(root.vfstype);
    if (root.passno !== 1 && !(root.passno === 0 && noFsck)) {
      add({
        id: `fstab.root-passno:${root.lineNo}`,
        title: `fstab line ${root.lineNo}: the root filesystem's pass number is ${root.passno}, not 1`,
        state: 'detected',
        severity: 'warning',
        evidence: [`line ${root.lineNo}: ${root.raw.trim()}`, root.passno === 0 ? 'With 0 the root filesystem is never checked at boot.' : 'The root filesystem should be checked first (pass 1); others use 2 or 0.', 'The pass number will be set to 1.'],
        fixable: true,
        data: { line: root.lineNo },
      });
    } else add({ id: 'fstab.root-passno', title: 'The root filesystem has a sensible pass number', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }

  if (!findings.some((f) => f.state === 'detected' && /^fstab\.(unparsable|missing-blank|unknown-)/.test(f.id))) {
    add({ id: 'fstab.syntax', title: 'Every fstab line parses, with known types and options', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }
  return findings;
}

/**
 * A line whose type is being set to the on-disk one is judged by that type: an unknown declared
 * type is covered by the mismatch, and its options are checked against the type it will have
 * (umask= on an ESP wrongly typed ext4 is right for vfat and stays).
 */
function retype(findings: Finding[], real: readonly FstabEntry[]): void {
  const onDisk = new Map<number, string>();
  for (const f of findings) {
    const m = /^fstab\.fstype-mismatch:(\d+)$/.exec(f.id);
    if (m && typeof f.data?.onDisk === 'string') onDisk.set(Number(m[1]), f.data.onDisk);
  }
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    const m = /^fstab\.(unknown-type|unknown-options):(\d+)$/.exec(f.id);
    const type = m ? onDisk.get(Number(m[2])) : undefined;
    if (!m || type === undefined) continue;
    const e = real.find((x) => x.lineNo === Number(m[2]));
    const still = e && m[1] === 'unknown-options' ? unknownOptions(type, e.options) : [];
    if (still.length === 0) findings.splice(i, 1);
    else f.data = { ...f.data, options: still };
  }
}

/**
 * A line of only a source and a mount point ("UUID=... /srv/data"): when the source resolves to
 * a filesystem, the missing fields are filled in from the disk (type from blkid, defaults, pass).
 */
function fillMissingFields(parsed: ParsedFstab, findings: Finding[], flat: readonly BlockDevice[]): void {
  for (const f of findings) {
    const m = /^fstab\.unparsable:(\d+)$/.exec(f.id);
    const line = m ? parsed.lines[Number(m[1]) - 1] : undefined;
    if (!line || line.kind !== 'invalid') continue;
    const fields = line.raw.trim().split(/\s+/);
    if (fields.length !== 2 || !fields[1]!.startsWith('/')) continue;
    const d = resolveSpec(fields[0]!, flat);
    if (!d || !mountable(d) || !d.fstype) continue;
    const swap = d.fstype === 'swap';
    const fill = swap ? ['swap', 'sw', '0', '0'] : [d.fstype, 'defaults', '0', fields[1] === '/' ? '1' : '2'];
    if (swap && fields[1] !== 'none' && !fields[1]!.startsWith('/')) continue;
    f.evidence = [f.evidence[0]!, f.evidence[1]!, `${fields[0]} is ${d.path}, which holds ${d.fstype} (blkid): the missing fields will be filled in as "${fill.join(' ')}".`];
    f.data = { ...f.data, fill };
  }
}

export { isSwap };
export type { Severity };
