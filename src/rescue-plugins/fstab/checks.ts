/**
 * The fstab checks (pure): at least those of `findmnt --verify`, against the target's own
 * devices and paths, plus syntax. Input: the parsed file and facts the plugin gathered
 * read-only (which target paths exist). Output: every finding, checked ones too.
 * Finding ids are "fstab.<check>:<line>"; data carries what the planner needs.
 */
import type { BlockDevice, PartitionRef } from '../../devices/types.js';
import type { Finding, Severity } from '../types.js';
import { resolveSpec } from '../../devices/resolve-spec.js';
import { flattenDevices } from '../device-map.js';
import { entries, type FstabEntry, type ParsedFstab } from '../../devices/fstab-parse.js';
import { FSTAB_PATH, PLUGIN_ID, isSwap, lineTag } from './common.js';
import { checkSyntax, gluedSplit } from './syntax.js';

export { FSTAB_PATH, PLUGIN_ID } from './common.js';
export { gluedSplit } from './syntax.js';
import { BLOCK_FS, hasOption, isKnownFsType, isNetwork, isPseudo, sameFormat } from './options.js';


/** Mount points whose absence stops the boot: no nofail/comment repair is offered for them. */
export const NEEDED_TO_BOOT = new Set(['/', '/usr', '/boot', '/var']);

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

export interface CandidateFs {
  device: string;
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  partuuid: string | null;
  partlabel: string | null;
  size: number;
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function describeFs(c: CandidateFs): string {
  const bits = [c.fstype ?? 'no filesystem', c.label ? `label ${c.label}` : 'no label', mib(c.size)];
  return `${c.device} (${bits.join(', ')})`;
}

function candidateOf(d: BlockDevice): CandidateFs {
  return { device: d.path, fstype: d.fstype, uuid: d.uuid, label: d.label, partuuid: d.partuuid, partlabel: d.partlabel, size: d.size };
}

function isBind(e: FstabEntry): boolean {
  return hasOption(e.options, 'bind') || hasOption(e.options, 'rbind');
}

function optional(e: FstabEntry): boolean {
  return hasOption(e.options, 'nofail') || hasOption(e.options, 'noauto');
}

/** How a spec names its source. */
export type SourceKind = 'tag' | 'by-path' | 'node' | 'path' | 'pseudo' | 'network';

export function sourceKind(e: FstabEntry): SourceKind {
  const s = e.spec;
  if (isNetwork(e.vfstype, s)) return 'network';
  if (/^(UUID|LABEL|PARTUUID|PARTLABEL)=/.test(s)) return 'tag';
  // ID= (by-id names: bus, model, serial) cannot be matched from here: treated like a device name.
  if (/^ID=/.test(s)) return 'node';
  if (/^\/dev\/disk\/by-(uuid|label|partuuid|partlabel)\//.test(s)) return 'by-path';
  if (s.startsWith('/dev/')) return 'node';
  if (isPseudo(e.vfstype) || (!s.startsWith('/') && !isSwap(e))) return 'pseudo';
  return 'path'; // bind source, swap file, loop image: a path inside the target
}

/** Target paths whose existence the checks need (mount points, bind sources, swap files, glued splits). */
export function pathsToCheck(parsed: ParsedFstab): string[] {
  const out = new Set<string>();
  for (const l of parsed.lines) {
    if (l.kind === 'invalid') {
      continue;
    }
    if (l.kind !== 'entry') continue;
    const g = gluedSplit(l);
    if (g) {
      out.add(g.file);
      out.add(l.file);
      continue;
    }
    if (l.file.startsWith('/')) out.add(l.file);
    if (sourceKind(l) === 'path') out.add(l.spec);
  }
  return [...out];
}

interface Ctx {
  facts: FstabFacts;
  flat: BlockDevice[];
  findings: Finding[];
}

function add(c: Ctx, f: Omit<Finding, 'pluginId'>): void {
  c.findings.push({ pluginId: PLUGIN_ID, ...f });
}

/** Devices that hold a filesystem one could mount (not a partition table, LVM PV, RAID member...). */
function mountable(d: BlockDevice): boolean {
  return d.fstype !== null && (BLOCK_FS.has(d.fstype) || d.fstype === 'swap') && d.fstype !== 'crypto_LUKS';
}

/**
 * Runs every check. Returns problems ('detected') and, for each check that found nothing,
 * a 'checked' finding saying so — plus "fstab.file" carrying the text for the planner.
 */
export function checkFstab(parsed: ParsedFstab, facts: FstabFacts): Finding[] {
  const c: Ctx = { facts, flat: flattenDevices(facts.devices), findings: [] };
  const list = entries(parsed);

  // Syntax first: lines that do not parse, or whose fields run together, get no further checks.
  const glued = checkSyntax(parsed, list, facts.existing, (f) => add(c, f));
  const real = list.filter((e) => !glued.has(e.lineNo));

  // Sources: resolve every device spec against the target's own devices.
  const resolved = new Map<number, BlockDevice | null>();
  for (const e of real) {
    const k = sourceKind(e);
    if (k === 'tag' || k === 'by-path' || k === 'node') resolved.set(e.lineNo, resolveSpec(e.spec, c.flat));
  }
  const claimed = new Set<string>();
  for (const d of resolved.values()) if (d) claimed.add(d.path);
  const unresolvedLines = real.filter((e) => resolved.has(e.lineNo) && resolved.get(e.lineNo) === null && sourceKind(e) !== 'node');
  // Candidate filesystems for each unresolved entry; a candidate wanted by two entries is given to neither.
  const cand = new Map<number, { pick: CandidateFs | null; all: CandidateFs[]; why: string }>();
  for (const e of unresolvedLines) cand.set(e.lineNo, findCandidate(e, c, claimed));
  const wanted = new Map<string, number>();
  for (const v of cand.values()) if (v.pick) wanted.set(v.pick.device, (wanted.get(v.pick.device) ?? 0) + 1);
  for (const [line, v] of cand) {
    if (v.pick && (wanted.get(v.pick.device) ?? 0) > 1) {
      cand.set(line, { pick: null, all: v.all, why: `${describeFs(v.pick)} would fit more than one stale line; not guessing which` });
    }
  }

  let sourceProblems = 0;
  for (const e of real) {
    const k = sourceKind(e);
    if (k === 'network' || k === 'pseudo') continue;
    if (k === 'path') {
      if (!facts.existing.has(e.spec)) {
        sourceProblems++;
        add(c, {
          id: `fstab.missing-source:${e.lineNo}`,
          title: `fstab line ${e.lineNo}: ${isSwap(e) ? 'swap file' : isBind(e) ? 'bind source' : 'source'} ${e.spec} does not exist in the target`,
          state: 'detected',
          severity: optional(e) || isSwap(e) ? 'warning' : NEEDED_TO_BOOT.has(e.file) ? 'blocker' : 'error',
          evidence: [lineTag(e), `${e.spec} is not there inside the installation.`],
          fixable: false,
          data: { line: e.lineNo },
        });
      }
      continue;
    }
    const dev = resolved.get(e.lineNo);
    if (dev === undefined) continue;
    if (dev === null && k === 'node') {
      // The target's /dev/sdX names mean nothing in the live system: warn, do not guess.
      sourceProblems++;
      add(c, {
        id: `fstab.unmapped-node:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: ${e.spec} cannot be checked from here`,
        state: 'detected',
        severity: 'warning',
        evidence: [
          lineTag(e),
          /^\/dev\/(sd|vd|hd|xvd|nvme|mmcblk)/.test(e.spec)
            ? `Device names like ${e.spec} depend on the order the kernel finds disks; the rescue system names them differently, so this one cannot be matched.`
            : `${e.spec} names a device by a path or id this rescue system does not have, so it cannot be matched to the target's disks.`,
          'A UUID= source is stable across boots.',
        ],
        fixable: false,
        data: { line: e.lineNo },
      });
      continue;
    }
    if (dev === null) {
      sourceProblems++;
      addUnresolved(c, e, cand.get(e.lineNo)!);
      continue;
    }
    // Resolved: does the declared type match what is on the disk?
    if (dev.fstype && e.vfstype !== 'auto' && isKnownFsType(e.vfstype)) {
      const same = sameFormat(e.vfstype, dev.fstype);
      if (same === 'different') {
        sourceProblems++;
        add(c, {
          id: `fstab.fstype-mismatch:${e.lineNo}`,
          title: `fstab line ${e.lineNo}: type ${e.vfstype} but ${dev.path} holds ${dev.fstype}`,
          state: 'detected',
          severity: optional(e) ? 'warning' : 'error',
          evidence: [lineTag(e), `${e.spec} is ${describeFs(candidateOf(dev))}; mounting it as ${e.vfstype} fails.`, `The type will be set to ${dev.fstype}.`],
          fixable: true,
          data: { line: e.lineNo, onDisk: dev.fstype },
        });
      }
    }
  }
  if (sourceProblems === 0) {
    add(c, { id: 'fstab.sources', title: 'Every fstab source resolves to a device of the target with the declared type', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }

  // Mount points must exist inside the target (systemd creates missing ones, mount -a does not).
  let mpMissing = 0;
  for (const e of real) {
    if (!e.file.startsWith('/') || isSwap(e)) continue;
    if (facts.existing.has(e.file)) continue;
    mpMissing++;
    add(c, {
      id: `fstab.missing-mountpoint:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: mount point ${e.file} does not exist in the target`,
      state: 'detected',
      severity: 'warning',
      evidence: [lineTag(e), `${e.file} is not a directory inside the installation; systemd creates it at boot, "mount -a" fails.`],
      fixable: false,
      data: { line: e.lineNo },
    });
  }
  if (mpMissing === 0) add(c, { id: 'fstab.mountpoints', title: 'Every fstab mount point exists', state: 'checked', severity: 'info', evidence: [], fixable: false });

  // Duplicate targets, child before parent.
  const mounts = real.filter((e) => e.file.startsWith('/') && !isSwap(e) && !hasOption(e.options, 'noauto'));
  const firstAt = new Map<string, FstabEntry>();
  let orderProblems = 0;
  for (const e of mounts) {
    const key = e.file.length > 1 ? e.file.replace(/\/+$/, '') : e.file;
    const prev = firstAt.get(key);
    if (prev) {
      orderProblems++;
      add(c, {
        id: `fstab.duplicate-target:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: ${e.file} is mounted twice (also line ${prev.lineNo})`,
        state: 'detected',
        severity: 'warning',
        evidence: [lineTag(prev), lineTag(e), 'The second mount hides the first; decide which one is meant and remove the other.'],
        fixable: false,
        data: { line: e.lineNo, other: prev.lineNo },
      });
    } else firstAt.set(key, e);
  }
  for (const e of mounts) {
    const key = e.file.replace(/\/+$/, '') || '/';
    // The nearest ancestor listed in fstab must come first.
    let parent: FstabEntry | undefined;
    for (let p = parentOf(key); p !== null; p = parentOf(p)) {
      parent = firstAt.get(p);
      if (parent) break;
    }
    if (parent && parent.lineNo > e.lineNo) {
      orderProblems++;
      const why = parent.file === '/' ? 'The root filesystem should be listed first.' : `"mount -a" mounts in file order: ${e.file} would be hidden under ${parent.file}.`;
      add(c, {
        id: `fstab.child-before-parent:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: ${e.file} comes before ${parent.file} (line ${parent.lineNo})`,
        state: 'detected',
        severity: 'warning',
        evidence: [lineTag(e), lineTag(parent), `${why} The line will move after line ${parent.lineNo}.`],
        fixable: true,
        data: { line: e.lineNo, parentLine: parent.lineNo },
      });
    }
  }
  if (orderProblems === 0) add(c, { id: 'fstab.order', title: 'No duplicate mount points; parents come before children', state: 'checked', severity: 'info', evidence: [], fixable: false });

  // Root passno: 1 (fsck first); 0 is right for filesystems whose fsck does nothing.
  const root = real.find((e) => e.file === '/');
  if (root) {
    const noFsck = ['btrfs', 'xfs', 'zfs', 'bcachefs', 'f2fs'].includes(root.vfstype);
    if (root.passno !== 1 && !(root.passno === 0 && noFsck)) {
      add(c, {
        id: `fstab.root-passno:${root.lineNo}`,
        title: `fstab line ${root.lineNo}: the root filesystem's pass number is ${root.passno}, not 1`,
        state: 'detected',
        severity: 'warning',
        evidence: [lineTag(root), root.passno === 0 ? 'With 0 the root filesystem is never checked at boot.' : 'The root filesystem should be checked first (pass 1); others use 2 or 0.', 'The pass number will be set to 1.'],
        fixable: true,
        data: { line: root.lineNo },
      });
    } else add(c, { id: 'fstab.root-passno', title: 'The root filesystem has a sensible pass number', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }

  if (!c.findings.some((f) => f.state === 'detected' && /^fstab\.(unparsable|missing-blank|unknown-)/.test(f.id))) {
    add(c, { id: 'fstab.syntax', title: 'Every fstab line parses, with known types and options', state: 'checked', severity: 'info', evidence: [], fixable: false });
  }
  return c.findings;
}

function parentOf(p: string): string | null {
  if (p === '/' || p === '') return null;
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function findCandidate(e: FstabEntry, c: Ctx, claimed: ReadonlySet<string>): { pick: CandidateFs | null; all: CandidateFs[]; why: string } {
  const root = c.facts.root;
  if (e.file === '/' && root) {
    // The root entry: the filesystem this installation was found on is the answer, with certainty.
    const d = c.flat.find((x) => x.path === root.device);
    if (d && d.uuid) return { pick: candidateOf(d), all: [candidateOf(d)], why: `${describeFs(candidateOf(d))} is the filesystem this installation was found on` };
  }
  const wantType = e.vfstype;
  const own = c.facts.ownMountPrefix;
  const liveInUse = (d: BlockDevice) => d.mountpoints.some((m) => m && !(own && (m === own || m.startsWith(own + '/'))));
  const pool = c.flat.filter((d) => mountable(d) && d.uuid && !claimed.has(d.path) && d.path !== root?.device && d.size >= 1024 * 1024 && !liveInUse(d));
  const typed = wantType === 'auto' ? pool.filter((d) => d.fstype !== 'swap') : pool.filter((d) => d.fstype && sameFormat(wantType, d.fstype) !== 'different');
  const all = typed.map(candidateOf);
  if (typed.length === 0) {
    return { pick: null, all, why: `no unclaimed ${wantType === 'auto' ? '' : wantType + ' '}filesystem is on the target's disks` };
  }
  const base = e.file.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
  if (typed.length === 1 && wantType !== 'auto') {
    return { pick: all[0]!, all, why: `${describeFs(all[0]!)} is the only unclaimed ${wantType} filesystem` };
  }
  const byLabel = typed.filter((d) => d.label && base && d.label.toLowerCase() === base);
  if (byLabel.length === 1) {
    const p = candidateOf(byLabel[0]!);
    return { pick: p, all, why: `${describeFs(p)} is the unclaimed ${p.fstype} filesystem labelled like the mount point ${e.file}` };
  }
  return { pick: null, all, why: `${typed.length} unclaimed filesystems could fit (${all.map(describeFs).join('; ')}); not guessing which` };
}

function addUnresolved(c: Ctx, e: FstabEntry, cand: { pick: CandidateFs | null; all: CandidateFs[]; why: string }): void {
  const needed = NEEDED_TO_BOOT.has(e.file);
  const opt = optional(e);
  const evidence = [lineTag(e), `${e.spec} resolves to nothing on the target's disks.`];
  const data = { line: e.lineNo, candidate: cand.pick, needed, optional: opt, mountpoint: e.file };
  if (cand.pick) {
    evidence.push(`${cand.why[0]!.toUpperCase()}${cand.why.slice(1)}: the line will point to it.`);
    add(c, {
      id: `fstab.unresolved-source:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing`,
      state: 'detected',
      severity: opt ? 'warning' : isSwap(e) ? 'warning' : 'error',
      evidence,
      fixable: true,
      data,
    });
    return;
  }
  evidence.push(`No replacement: ${cand.why}.`);
  if (opt) {
    evidence.push('The line has nofail or noauto, so the boot does not wait for it.');
    add(c, {
      id: `fstab.unresolved-optional:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing (not needed to boot)`,
      state: 'detected',
      severity: 'info',
      evidence,
      fixable: false,
      data,
    });
    return;
  }
  if (needed) {
    evidence.push(`${e.file} is needed to boot, so neither nofail nor commenting it out is a repair: find the disk (is it connected?) or restore its filesystem.`);
    add(c, {
      id: `fstab.unresolved-source:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}, needed to boot) resolves to nothing`,
      state: 'detected',
      severity: 'blocker',
      evidence,
      fixable: false,
      data,
    });
    return;
  }
  evidence.push('Without nofail the boot waits for it and then stops in emergency mode. It can get nofail (default) or be commented out.');
  add(c, {
    id: `fstab.unresolved-source:${e.lineNo}`,
    title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing`,
    state: 'detected',
    severity: isSwap(e) ? 'warning' : 'error',
    evidence,
    fixable: true,
    data,
  });
}

export type { Severity };
