/**
 * Unified diff of two texts (pure), for plans: what an edit-file action will change, the way
 * `diff -u` shows it. Line-based LCS; texts are config files (tens to hundreds of lines).
 */

export interface DiffOptions {
  /** Lines of context around each change (default 3). */
  context?: number;
  /** Header names (default a/PATH and b/PATH style given by the caller). */
  fromName?: string;
  toName?: string;
}

type Op = { kind: ' ' | '-' | '+'; text: string };

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -1) : text;
  return { lines: body.split('\n'), finalNewline };
}

/** Edit script from a to b (LCS table; falls back to replace-all when the table would be huge). */
function editScript(a: string[], b: string[]): Op[] {
  // Trim the common head and tail first: most edits touch a few lines.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((text) => ({ kind: ' ', text }));
  const n = am.length;
  const m = bm.length;
  if (n * m > 4_000_000) {
    for (const text of am) ops.push({ kind: '-', text });
    for (const text of bm) ops.push({ kind: '+', text });
  } else {
    // lcs[i][j] = LCS length of am[i..] and bm[j..]
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ kind: ' ', text: am[i]! });
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
        ops.push({ kind: '+', text: bm[j]! });
        j++;
      } else {
        ops.push({ kind: '-', text: am[i]! });
        i++;
      }
    }
    // Within a change block show removals before additions, as diff -u does.
    for (let k = head; k < ops.length; ) {
      if (ops[k]!.kind === ' ') { k++; continue; }
      let e = k;
      while (e < ops.length && ops[e]!.kind !== ' ') e++;
      const block = ops.slice(k, e);
      const sorted = [...block.filter((o) => o.kind === '-'), ...block.filter((o) => o.kind === '+')];
      ops.splice(k, e - k, ...sorted);
      k = e;
    }
  }
  for (const text of a.slice(a.length - tail)) ops.push({ kind: ' ', text });
  return ops;
}

/**
 * `diff -u` style text; "" when the texts are equal. `before` null means the file is created.
 * A missing final newline is marked "\ No newline at end of file", as diff does.
 */
export function unifiedDiff(path: string, before: string | null, after: string | null, opts: DiffOptions = {}): string {
  if (before === after) return '';
  const ctx = opts.context ?? 3;
  const A = splitLines(before ?? '');
  const B = splitLines(after ?? '');
  const a = A.lines;
  const b = B.lines;
  const ops = editScript(a, b);
  // Mark the last line of a side that lacks a final newline, so that difference shows too.
  const noNlA = before !== null && before !== '' && !A.finalNewline;
  const noNlB = after !== null && after !== '' && !B.finalNewline;
  if ((noNlA || noNlB) && noNlA !== noNlB) {
    // The last common line differs in its newline: turn it into a change.
    const last = ops.length - 1;
    if (last >= 0 && ops[last]!.kind === ' ') {
      const text = ops[last]!.text;
      ops.splice(last, 1, { kind: '-', text }, { kind: '+', text });
    }
  }
  const header = [`--- ${before === null ? '/dev/null' : opts.fromName ?? `a${path}`}`, `+++ ${after === null ? '/dev/null' : opts.toName ?? `b${path}`}`];
  const out: string[] = [];
  // Positions: walk ops keeping line numbers; group changes into hunks with context.
  const changeIdx: number[] = [];
  ops.forEach((o, k) => { if (o.kind !== ' ') changeIdx.push(k); });
  if (changeIdx.length === 0) return '';
  const hunks: [number, number][] = [];
  for (const k of changeIdx) {
    const start = Math.max(0, k - ctx);
    const end = Math.min(ops.length - 1, k + ctx);
    const prev = hunks[hunks.length - 1];
    if (prev && start <= prev[1] + 1) prev[1] = Math.max(prev[1], end);
    else hunks.push([start, end]);
  }
  // Line numbers before each op.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 1;
  let bi = 1;
  for (const o of ops) {
    aLine.push(ai);
    bLine.push(bi);
    if (o.kind !== '+') ai++;
    if (o.kind !== '-') bi++;
  }
  const lastA = ops.reduce((k, o, idx) => (o.kind !== '+' ? idx : k), -1);
  const lastB = ops.reduce((k, o, idx) => (o.kind !== '-' ? idx : k), -1);
  for (const [s, e] of hunks) {
    const slice = ops.slice(s, e + 1);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const aStart = aCount === 0 ? aLine[s]! - 1 : aLine[s]!;
    const bStart = bCount === 0 ? bLine[s]! - 1 : bLine[s]!;
    out.push(`@@ -${aStart}${aCount === 1 ? '' : `,${aCount}`} +${bStart}${bCount === 1 ? '' : `,${bCount}`} @@`);
    for (let k = s; k <= e; k++) {
      const o = ops[k]!;
      out.push(o.kind + o.text);
      if ((o.kind !== '+' && k === lastA && noNlA) || (o.kind !== '-' && k === lastB && noNlB)) {
        // For a context line both sides share it; mark once.
        out.push('\\ No newline at end of file');
      }
    }
  }
  return [...header, ...out].join('\n') + '\n';
}
