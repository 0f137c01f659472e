/**
 * fstab(5) parser that keeps every byte: comments, blank lines, the whitespace between fields
 * and the trailing newline survive a parse -> edit -> serialize round trip unchanged.
 */

export interface FstabEntry {
  kind: 'entry';
  /** 1-based line number. */
  lineNo: number;
  raw: string;
  /** Fields as written (octal escapes such as \040 kept). */
  fields: string[];
  /** Whitespace before field i is seps[i]; seps[fields.length] is what follows the last. */
  seps: string[];
  spec: string;
  file: string;
  vfstype: string;
  options: string;
  freq: number;
  passno: number;
}

export interface FstabComment {
  kind: 'comment' | 'blank';
  lineNo: number;
  raw: string;
}

export interface FstabInvalid {
  kind: 'invalid';
  lineNo: number;
  raw: string;
  reason: string;
}

export type FstabLine = FstabEntry | FstabComment | FstabInvalid;

export interface ParsedFstab {
  lines: FstabLine[];
  /** Whether the text ended with a newline. */
  finalNewline: boolean;
}

/** Decodes fstab's octal escapes (\040 space, \011 tab, \134 backslash). */
export function unescapeField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function escapeField(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

function splitFields(raw: string): { fields: string[]; seps: string[] } {
  const fields: string[] = [];
  const seps: string[] = [];
  const re = /(\s*)(\S+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(raw))) {
    seps.push(m[1]!);
    fields.push(m[2]!);
    end = re.lastIndex;
  }
  seps.push(raw.slice(end));
  return { fields, seps };
}

export function parseLine(raw: string, lineNo: number): FstabLine {
  const trimmed = raw.trim();
  if (trimmed === '') return { kind: 'blank', lineNo, raw };
  if (trimmed.startsWith('#')) return { kind: 'comment', lineNo, raw };
  const { fields, seps } = splitFields(raw);
  if (fields.length < 3) {
    return { kind: 'invalid', lineNo, raw, reason: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; an fstab line needs at least 3 (device, mount point, type)` };
  }
  if (fields.length > 6) {
    return { kind: 'invalid', lineNo, raw, reason: `has ${fields.length} fields; an fstab line has at most 6` };
  }
  const num = (s: string | undefined, what: string): number | string => {
    if (s === undefined) return 0;
    return /^\d+$/.test(s) ? Number(s) : `the ${what} field "${s}" is not a number`;
  };
  const freq = num(fields[4], 'dump');
  const passno = num(fields[5], 'pass');
  if (typeof freq === 'string') return { kind: 'invalid', lineNo, raw, reason: freq };
  if (typeof passno === 'string') return { kind: 'invalid', lineNo, raw, reason: passno };
  return {
    kind: 'entry',
    lineNo,
    raw,
    fields,
    seps,
    spec: unescapeField(fields[0]!),
    file: unescapeField(fields[1]!),
    vfstype: fields[2]!,
    options: fields[3] ?? 'defaults',
    freq,
    passno,
  };
}

export function parseFstab(text: string): ParsedFstab {
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -1) : text;
  const lines = body === '' && finalNewline ? [''] : body === '' ? [] : body.split('\n');
  return { lines: lines.map((raw, i) => parseLine(raw, i + 1)), finalNewline };
}

export function serializeFstab(f: ParsedFstab): string {
  const text = f.lines.map((l) => l.raw).join('\n');
  return f.finalNewline ? text + '\n' : text;
}

/** A copy of the entry with field `index` (0 spec .. 5 passno) set, spacing kept. */
export function setField(entry: FstabEntry, index: number, value: string): FstabEntry {
  const fields = [...entry.fields];
  const seps = [...entry.seps];
  while (fields.length <= index) {
    // Missing trailing fields (options, dump, pass) get their defaults first.
    const defaults = ['', '', '', 'defaults', '0', '0'];
    seps.splice(fields.length, 0, fields.length === 0 ? '' : ' ');
    fields.push(defaults[fields.length]!);
  }
  fields[index] = value;
  let raw = '';
  for (let i = 0; i < fields.length; i++) raw += seps[i]! + fields[i]!;
  raw += seps[fields.length] ?? '';
  const reparsed = parseLine(raw, entry.lineNo);
  if (reparsed.kind !== 'entry') throw new Error(`setting field ${index} to "${value}" made line ${entry.lineNo} invalid`);
  return reparsed;
}

/** The line commented out with a marker saying why, so a person can find and restore it. */
export function commentOut(line: FstabLine, why: string): FstabComment {
  return { kind: 'comment', lineNo: line.lineNo, raw: `#firstaid: ${why}: ${line.raw}` };
}

export function entries(f: ParsedFstab): FstabEntry[] {
  return f.lines.filter((l): l is FstabEntry => l.kind === 'entry');
}
