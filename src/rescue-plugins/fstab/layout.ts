/**
 * The layout checks (pure): mount points that do not exist (created inside the root filesystem
 * when that is where they live), duplicate mount points (the line systemd would ignore is
 * commented out, or the one whose source is gone), children listed before their parents.
 */
import type { FstabEntry } from '../../devices/fstab-parse.js';
import { isSwap, lineTag } from './common.js';
import { hasOption } from './options.js';
import type { AddFinding } from './sources.js';

export function parentOf(p: string): string | null {
  if (p === '/' || p === '') return null;
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** "/srv/a/b" -> ["/srv", "/srv/a", "/srv/a/b"]. */
export function ancestorsAndSelf(p: string): string[] {
  const out: string[] = [];
  for (let q: string | null = p.replace(/\/+$/, '') || '/'; q !== null && q !== '/'; q = parentOf(q)) out.unshift(q);
  return out;
}

function norm(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/**
 * Runs the layout checks; returns [missing mount points, order problems]. `badSource` names the
 * lines whose source does not resolve (a duplicate keeps the line that works).
 */
export function checkLayout(real: readonly FstabEntry[], existing: ReadonlySet<string>, badSource: ReadonlySet<number>, add: AddFinding): [number, number] {
  const mounts = real.filter((e) => e.file.startsWith('/') && !isSwap(e) && !hasOption(e.options, 'noauto'));
  const listed = new Set(mounts.map((e) => norm(e.file)));

  // Mount points must exist inside the target (systemd creates missing ones, mount -a does not).
  let mpMissing = 0;
  for (const e of real) {
    if (!e.file.startsWith('/') || isSwap(e)) continue;
    if (existing.has(e.file)) continue;
    mpMissing++;
    const chain = ancestorsAndSelf(e.file);
    // Created only inside the root filesystem: under another fstab mount it would be hidden by that mount.
    const underOther = chain.slice(0, -1).some((a) => listed.has(a));
    const create = chain.filter((a) => !existing.has(a));
    add({
      id: `fstab.missing-mountpoint:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: mount point ${e.file} does not exist in the target`,
      state: 'detected',
      severity: 'warning',
      evidence: [
        lineTag(e),
        `${e.file} is not a directory inside the installation; "mount -a" fails on it.`,
        underOther ? `It lies inside another filesystem of fstab, which is not mounted here: create it there by hand.` : `It will be created (${create.join(', ')}, mode 0755).`,
      ],
      fixable: !underOther,
      data: { line: e.lineNo, create },
    });
  }

  const firstAt = new Map<string, FstabEntry>();
  let orderProblems = 0;
  for (const e of mounts) {
    const key = norm(e.file);
    const prev = firstAt.get(key);
    if (prev) {
      orderProblems++;
      // systemd keeps the first line of a mount point and ignores the rest; unless the first one's source is gone.
      const dropFirst = badSource.has(prev.lineNo) && !badSource.has(e.lineNo);
      const drop = dropFirst ? prev : e;
      add({
        id: `fstab.duplicate-target:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: ${e.file} is mounted twice (also line ${prev.lineNo})`,
        state: 'detected',
        severity: 'warning',
        evidence: [
          lineTag(prev),
          lineTag(e),
          dropFirst
            ? `The source of line ${prev.lineNo} does not resolve and that of line ${e.lineNo} does: line ${prev.lineNo} will be commented out.`
            : `systemd mounts the first line for a mount point and ignores the other: line ${e.lineNo} will be commented out (nothing changes for the boot, the conflict goes away).`,
        ],
        fixable: true,
        data: { line: e.lineNo, other: prev.lineNo, drop: drop.lineNo },
      });
      if (dropFirst) firstAt.set(key, e);
    } else firstAt.set(key, e);
  }
  for (const e of mounts) {
    const key = norm(e.file) || '/';
    if (firstAt.get(key) !== e) continue;
    // The nearest ancestor listed in fstab must come first.
    let parent: FstabEntry | undefined;
    for (let p = parentOf(key); p !== null; p = parentOf(p)) {
      parent = firstAt.get(p);
      if (parent) break;
    }
    if (parent && parent.lineNo > e.lineNo) {
      orderProblems++;
      const why = parent.file === '/' ? 'The root filesystem should be listed first.' : `"mount -a" mounts in file order: ${e.file} would be hidden under ${parent.file}.`;
      add({
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
  return [mpMissing, orderProblems];
}
