/**
 * The source checks (pure): every device spec of fstab resolved against the target's own
 * devices. A stale tag or a kernel device name is remapped to the filesystem the evidence
 * singles out; a declared type that differs from the disk's takes the disk's; what cannot be
 * known gets nofail and a short device timeout (never the root filesystem or /usr).
 */
import type { BlockDevice } from '../../devices/types.js';
import type { Finding } from '../types.js';
import { resolveSpec } from '../../devices/resolve-spec.js';
import type { FstabEntry } from '../../devices/fstab-parse.js';
import { isSwap, lineTag } from './common.js';
import { hasOption, isKnownFsType, isNetwork, isPseudo, sameFormat } from './options.js';
import { candidateOf, describeFs, findCandidate, isKernelName, type CandidateChoice, type CandidateFacts, type CandidateFs } from './candidates.js';

/** Mount points that nofail cannot make optional: without them there is no system to boot. */
export const NEVER_NOFAIL = new Set(['/', '/usr']);

export type AddFinding = (f: Omit<Finding, 'pluginId'>) => void;

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
  if (isBind(e) && s.startsWith('/')) return 'path';
  if (isPseudo(e.vfstype) || (!s.startsWith('/') && !isSwap(e))) return 'pseudo';
  return 'path'; // bind source, swap file, loop image: a path inside the target
}

export function isBind(e: FstabEntry): boolean {
  return hasOption(e.options, 'bind') || hasOption(e.options, 'rbind');
}

export function optional(e: FstabEntry): boolean {
  return hasOption(e.options, 'nofail') || hasOption(e.options, 'noauto');
}

/** Whether the declared type is wrong for what is on the device (unknown types are wrong too). */
function typeDiffers(e: FstabEntry, d: BlockDevice): boolean {
  if (!d.fstype || e.vfstype === 'auto') return false;
  if (!isKnownFsType(e.vfstype)) return true;
  return sameFormat(e.vfstype, d.fstype) === 'different';
}

/** Runs the source checks; returns how many problems were found. */
export function checkSources(real: readonly FstabEntry[], facts: CandidateFacts & { existing: ReadonlySet<string> }, add: AddFinding): number {
  const flat = facts.flat;
  const resolved = new Map<number, BlockDevice | null>();
  for (const e of real) {
    const k = sourceKind(e);
    if (k === 'tag' || k === 'by-path' || k === 'node') resolved.set(e.lineNo, resolveSpec(e.spec, flat));
  }
  // A kernel name that resolves to a filesystem of another type names the wrong one (names moved).
  const wrongNode = (e: FstabEntry) => {
    const d = resolved.get(e.lineNo);
    return isKernelName(e.spec) && !!d && typeDiffers(e, d);
  };
  const claimed = new Set<string>();
  for (const e of real) {
    const d = resolved.get(e.lineNo);
    if (d && !wrongNode(e)) claimed.add(d.path);
  }
  const remappable = real.filter((e) => resolved.has(e.lineNo) && (
    (resolved.get(e.lineNo) === null && (sourceKind(e) !== 'node' || isKernelName(e.spec))) || wrongNode(e)));
  // Candidate filesystems for each line to remap; a candidate wanted by two lines is given to neither.
  const cand = new Map<number, CandidateChoice>();
  for (const e of remappable) cand.set(e.lineNo, findCandidate(e, facts, claimed));
  const wanted = new Map<string, number>();
  for (const v of cand.values()) if (v.pick) wanted.set(v.pick.device, (wanted.get(v.pick.device) ?? 0) + 1);
  for (const [line, v] of cand) {
    if (v.pick && (wanted.get(v.pick.device) ?? 0) > 1) {
      cand.set(line, { pick: null, all: v.all, why: `${describeFs(v.pick)} would fit more than one stale line; not guessing which` });
    }
  }

  // A path inside another fstab filesystem (not mounted here) cannot be checked from the root filesystem.
  const listed = real.filter((e) => e.file.startsWith('/') && e.file !== '/' && !isSwap(e)).map((e) => e.file.replace(/\/+$/, ''));
  const insideOther = (p: string) => listed.some((m) => p.startsWith(m + '/'));
  let problems = 0;
  for (const e of real) {
    const k = sourceKind(e);
    if (k === 'network' || k === 'pseudo') continue;
    if (k === 'path') {
      if (!facts.existing.has(e.spec) && !insideOther(e.spec)) {
        problems++;
        // A bind source that is gone stops the boot; nofail lets it go on (the line stays, the finding too).
        const canNofail = !optional(e) && !isSwap(e) && !NEVER_NOFAIL.has(e.file);
        add({
          id: `fstab.missing-source:${e.lineNo}`,
          title: `fstab line ${e.lineNo}: ${isSwap(e) ? 'swap file' : isBind(e) ? 'bind source' : 'source'} ${e.spec} does not exist in the target`,
          state: 'detected',
          severity: optional(e) || isSwap(e) ? 'warning' : NEVER_NOFAIL.has(e.file) ? 'blocker' : 'error',
          evidence: [lineTag(e), `${e.spec} is not there inside the installation.`, ...(canNofail ? ['Nothing can stand in for it: the line gets nofail, so the boot goes on without it.'] : [])],
          fixable: canNofail,
          data: { line: e.lineNo, nofailOnly: true },
        });
      }
      continue;
    }
    const dev = resolved.get(e.lineNo);
    if (dev === undefined) continue;
    if (cand.has(e.lineNo) && k === 'node') {
      problems++;
      addKernelName(e, dev, cand.get(e.lineNo)!, add);
      continue;
    }
    if (dev === null && k === 'node') {
      // by-id names, ID=, /dev/mapper/...: the rescue system may name them differently; warn, do not guess.
      problems++;
      add({
        id: `fstab.unmapped-node:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: ${e.spec} cannot be checked from here`,
        state: 'detected',
        severity: 'warning',
        evidence: [lineTag(e), `${e.spec} names a device by a path or id this rescue system does not have, so it cannot be matched to the target's disks.`, 'A UUID= source is stable across boots.'],
        fixable: false,
        data: { line: e.lineNo },
      });
      continue;
    }
    if (dev === null) {
      problems++;
      addUnresolved(e, cand.get(e.lineNo)!, add);
      continue;
    }
    if (typeDiffers(e, dev)) {
      problems++;
      add({
        id: `fstab.fstype-mismatch:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: type ${e.vfstype} but ${dev.path} holds ${dev.fstype}`,
        state: 'detected',
        severity: optional(e) ? 'warning' : 'error',
        evidence: [lineTag(e), `${e.spec} is ${describeFs(candidateOf(dev))} (blkid); mounting it as ${e.vfstype} fails.`, `The type will be set to ${dev.fstype}.`],
        fixable: true,
        data: { line: e.lineNo, onDisk: dev.fstype },
      });
    }
  }
  return problems;
}

function lastResort(e: FstabEntry): string {
  return `Nothing identifies the right filesystem, so the line gets nofail and a short device timeout (x-systemd.device-timeout=): the boot goes on without it and the finding stays visible.`;
}

/** The next step when the right filesystem is known but has no UUID (cleared, or never set). */
function nameByHand(e: FstabEntry, c: CandidateFs): string {
  const uuid = /^UUID=(.+)$/.exec(e.spec)?.[1];
  const give = uuid
    ? `give ${c.device} back the UUID the line names (tune2fs -U ${uuid} ${c.device}, unmounted; root=UUID= in grub.cfg names it too)`
    : `give ${c.device} a UUID (tune2fs -U random ${c.device}, unmounted) and name it by UUID= in this line`;
  return `${give}${c.label ? `, or name it by LABEL=${c.label} in this line` : ''}.`;
}

function addKernelName(e: FstabEntry, dev: BlockDevice | null, cand: CandidateChoice, add: AddFinding): void {
  const evidence = [lineTag(e), dev
    ? `${e.spec} is ${describeFs(candidateOf(dev))} in this system, not the ${e.vfstype} filesystem the line expects: kernel device names follow the order disks are found in.`
    : `${e.spec} does not exist in this system: kernel device names follow the order disks are found in, and are not stable.`];
  const data = { line: e.lineNo, candidate: cand.pick, mountpoint: e.file, blockDevice: true };
  const opt = optional(e);
  if (cand.pick && cand.pick.uuid) {
    evidence.push(`${cand.why[0]!.toUpperCase()}${cand.why.slice(1)}: the line will name it by UUID=${cand.pick.uuid}.`);
    add({ id: `fstab.kernel-name:${e.lineNo}`, title: `fstab line ${e.lineNo}: kernel device name ${e.spec} (${e.file}) will be replaced by its UUID`, state: 'detected', severity: opt ? 'warning' : 'error', evidence, fixable: true, data });
    return;
  }
  evidence.push(`No replacement: ${cand.why}.`);
  if (opt) {
    evidence.push('The line has nofail or noauto, so the boot does not wait for it.');
    add({ id: `fstab.kernel-name:${e.lineNo}`, title: `fstab line ${e.lineNo}: kernel device name ${e.spec} (${e.file}) cannot be matched (not needed to boot)`, state: 'detected', severity: 'info', evidence, fixable: false, data });
    return;
  }
  if (NEVER_NOFAIL.has(e.file)) {
    evidence.push(`${e.file} is needed to boot, so nofail is no repair: ${cand.unnamed ? nameByHand(e, cand.unnamed) : 'name its filesystem by UUID= by hand (blkid lists them).'}`);
    add({ id: `fstab.kernel-name:${e.lineNo}`, title: `fstab line ${e.lineNo}: kernel device name ${e.spec} (${e.file}, needed to boot) cannot be matched`, state: 'detected', severity: 'blocker', evidence, fixable: false, data });
    return;
  }
  evidence.push(lastResort(e));
  add({ id: `fstab.kernel-name:${e.lineNo}`, title: `fstab line ${e.lineNo}: kernel device name ${e.spec} (${e.file}) cannot be matched`, state: 'detected', severity: isSwap(e) ? 'warning' : 'error', evidence, fixable: true, data });
}

function addUnresolved(e: FstabEntry, cand: CandidateChoice, add: AddFinding): void {
  const needed = NEVER_NOFAIL.has(e.file);
  const opt = optional(e);
  const evidence = [lineTag(e), `${e.spec} resolves to nothing on the target's disks.`];
  const data = { line: e.lineNo, candidate: cand.pick, needed, optional: opt, mountpoint: e.file, blockDevice: true };
  if (cand.pick) {
    evidence.push(`${cand.why[0]!.toUpperCase()}${cand.why.slice(1)}: the line will point to it.`);
    add({ id: `fstab.unresolved-source:${e.lineNo}`, title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing`, state: 'detected', severity: opt || isSwap(e) ? 'warning' : 'error', evidence, fixable: true, data });
    return;
  }
  evidence.push(`No replacement: ${cand.why}.`);
  if (opt) {
    evidence.push('The line has nofail or noauto, so the boot does not wait for it.');
    add({ id: `fstab.unresolved-optional:${e.lineNo}`, title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing (not needed to boot)`, state: 'detected', severity: 'info', evidence, fixable: false, data });
    return;
  }
  if (needed) {
    evidence.push(cand.unnamed
      ? `${e.file} is needed to boot, so nofail is no repair: ${nameByHand(e, cand.unnamed)}`
      : `${e.file} is needed to boot, so neither nofail nor commenting it out is a repair: find the disk (is it connected?) or restore its filesystem.`);
    add({ id: `fstab.unresolved-source:${e.lineNo}`, title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}, needed to boot) resolves to nothing`, state: 'detected', severity: 'blocker', evidence, fixable: false, data });
    return;
  }
  evidence.push(`Without nofail the boot waits for it and then stops in emergency mode. ${lastResort(e)} (Or, when chosen, the line is commented out.)`);
  add({ id: `fstab.unresolved-source:${e.lineNo}`, title: `fstab line ${e.lineNo}: ${e.spec} (${e.file}) resolves to nothing`, state: 'detected', severity: isSwap(e) ? 'warning' : 'error', evidence, fixable: true, data });
}
