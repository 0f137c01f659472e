/**
 * fstab syntax checks (pure): lines that do not parse, a mount point glued to its type, a mount
 * point that is not absolute, unknown types and options. A line found unusable here gets no
 * further checks (its fields do not mean what their places say).
 */
import type { Finding } from '../types.js';
import type { FstabEntry, ParsedFstab } from '../../devices/fstab-parse.js';
import { BLOCK_FS, PSEUDO_FS, isKnownFsType, unknownOptions } from './options.js';
import { isSwap, lineTag } from './common.js';

/** A mount point glued to its type ("/srv/dataext4 defaults 0 2"): the split, when it looks like one. */
export function gluedSplit(e: { fields: string[] }): { file: string; vfstype: string } | null {
  const f = e.fields;
  if (f.length < 3 || f.length > 5) return null;
  const third = f[2]!;
  if (isKnownFsType(third) && !(third in { defaults: 1 })) return null;
  const looksLikeOptions = third === 'defaults' || /[,=]/.test(third) || /^(no)?(auto|atime|exec|suid|dev|fail)$|^(ro|rw|sw|errors=.*|relatime|noatime)$/.test(third);
  const restNumeric = f.slice(3).every((x) => /^\d+$/.test(x));
  if (!looksLikeOptions || !restNumeric) return null;
  const types = [...BLOCK_FS, ...PSEUDO_FS].filter((t) => t !== 'none').sort((a, b) => b.length - a.length);
  for (const t of types) {
    if (f[1]!.length > t.length && f[1]!.endsWith(t)) {
      const file = f[1]!.slice(0, -t.length);
      if (file.startsWith('/') || (t === 'swap' && (file === 'none' || file === 'swap'))) return { file, vfstype: t };
    }
  }
  return null;
}

/** Adds a finding for each syntax problem; returns the lines that are unusable for other checks. */
export function checkSyntax(parsed: ParsedFstab, list: readonly FstabEntry[], existing: ReadonlySet<string>, add: (f: Omit<Finding, 'pluginId'>) => void): Set<number> {
  // Syntax: unparsable lines, glued mount point + type, unknown types and options.
  for (const l of parsed.lines) {
    if (l.kind !== 'invalid') continue;
    add({
      id: `fstab.unparsable:${l.lineNo}`,
      title: `fstab line ${l.lineNo} cannot be parsed`,
      state: 'detected',
      severity: 'error',
      evidence: [lineTag(l), `It ${l.reason}.`, 'mount and systemd skip or stop at such a line; it will be commented out with a "#firstaid: unparsable:" marker.'],
      fixable: true,
      data: { line: l.lineNo, reason: l.reason },
    });
  }
  const glued = new Set<number>();
  for (const e of list) {
    const g = gluedSplit(e);
    if (!g) continue;
    glued.add(e.lineNo);
    // Confident only when the split mount point exists and the glued one does not (then "/srv/btrfs"
    // with a missing type is not mistaken for "/srv/" + "btrfs").
    const splitExists = existing.has(g.file) && !existing.has(e.file) && !g.file.endsWith('/');
    add({
      id: `fstab.missing-blank:${e.lineNo}`,
      title: `fstab line ${e.lineNo}: mount point and type run together ("${e.fields[1]}")`,
      state: 'detected',
      severity: 'error',
      evidence: [
        lineTag(e),
        `"${e.fields[1]}" looks like the mount point ${g.file} and the type ${g.vfstype} without the blank between them; "${e.fields[2]}" then stands where the type belongs.`,
        splitExists ? `${g.file} exists in the target.` : `That split is not certain (${g.file} is not a mount point directory of the target, or ${e.fields[1]} is), so the line will be commented out.`,
      ],
      fixable: true,
      data: { line: e.lineNo, file: g.file, vfstype: g.vfstype, confident: splitExists },
    });
  }

  // A mount point must be an absolute path (swap lines name none); mount and systemd reject others.
  for (const e of list) {
    if (glued.has(e.lineNo) || isSwap(e) || e.file.startsWith('/')) continue;
    glued.add(e.lineNo);
    add({
      id: `fstab.unparsable:${e.lineNo}`,
      title: `fstab line ${e.lineNo} cannot be parsed`,
      state: 'detected',
      severity: 'error',
      evidence: [lineTag(e), `Its mount point "${e.file}" is not an absolute path.`, 'mount and systemd reject such a line; it will be commented out with a "#firstaid: unparsable:" marker.'],
      fixable: true,
      data: { line: e.lineNo, reason: `mount point "${e.file}" is not an absolute path` },
    });
  }
  for (const e of list) {
    if (glued.has(e.lineNo)) continue;
    if (!isKnownFsType(e.vfstype)) {
      add({
        id: `fstab.unknown-type:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: unknown filesystem type "${e.vfstype}"`,
        state: 'detected',
        severity: 'warning',
        evidence: [lineTag(e), `"${e.vfstype}" is not a filesystem type firstaid knows; mount will fail unless a helper mount.${e.vfstype} exists.`],
        fixable: false,
        data: { line: e.lineNo },
      });
    }
    const unknown = unknownOptions(e.vfstype, e.options);
    if (unknown.length > 0) {
      add({
        id: `fstab.unknown-options:${e.lineNo}`,
        title: `fstab line ${e.lineNo}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for ${e.vfstype}`,
        state: 'detected',
        severity: /(^|,)(nofail|noauto)(,|$)/.test(e.options) ? 'warning' : 'error',
        evidence: [
          lineTag(e),
          `${e.vfstype} does not know ${unknown.map((o) => `"${o}"`).join(', ')}; the kernel refuses to mount with an unknown option.`,
          `${unknown.length > 1 ? 'These options' : 'That option'} will be dropped; the others stay.`,
        ],
        fixable: true,
        data: { line: e.lineNo, options: unknown },
      });
    }
  }
  return glued;
}
