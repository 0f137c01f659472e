/**
 * Word wrapping for a fixed-width console: break at spaces; a word longer than the line (a
 * long path) breaks after "/" or "-" when it can, and only then mid-word. Never loses text.
 */

/** Splits an over-long word into pieces of at most width, preferring breaks after / or -. */
function splitLongWord(word: string, width: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > width) {
    let cut = -1;
    for (let i = width; i > width / 3; i--) {
      const c = rest[i - 1];
      if (c === '/' || c === '-' || c === '_' || c === '.' || c === ',') {
        cut = i;
        break;
      }
    }
    if (cut < 0) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

/** Wraps one paragraph (no newlines) to lines of at most width; keeps indentation and inner spacing. */
function wrapParagraph(text: string, width: number): string[] {
  const indentMatch = /^\s*/.exec(text);
  const indent = indentMatch ? indentMatch[0] : '';
  // Continuation lines of a "- item" bullet line up with the item's text.
  const bullet = /^\s*[-*] /.test(text) ? '  ' : '';
  const hang = indent.length + bullet.length < width / 2 ? indent + bullet : '';
  // Words with the spaces before them, so "move  Enter" keeps its two spaces within a line.
  const tokens: { sep: string; word: string }[] = [];
  const re = /( *)([^ ]+)/g;
  let m: RegExpExecArray | null;
  const body = text.slice(indent.length);
  while ((m = re.exec(body)) !== null) tokens.push({ sep: m[1] ?? '', word: m[2] ?? '' });
  if (tokens.length === 0) return [''];
  const lines: string[] = [];
  let line = indent.length < width ? indent : '';
  let lineHasWord = false;
  const room = () => width - line.length;
  for (const { sep: rawSep, word } of tokens) {
    const sep = lineHasWord ? rawSep || ' ' : '';
    if (word.length + sep.length <= room()) {
      line += sep + word;
      lineHasWord = true;
      continue;
    }
    if (lineHasWord) {
      lines.push(line);
      line = hang;
      lineHasWord = false;
    }
    if (word.length <= room()) {
      line += word;
      lineHasWord = true;
      continue;
    }
    const pieces = splitLongWord(word, Math.max(1, room()));
    for (let i = 0; i < pieces.length - 1; i++) {
      lines.push(line + pieces[i]);
      line = hang;
    }
    line += pieces[pieces.length - 1] ?? '';
    lineHasWord = true;
  }
  lines.push(line);
  return lines;
}

/** Wraps "a  b  c" hint groups without breaking inside a group ("q quit" stays together). */
export function wrapGroups(text: string, width: number, sep = '  '): string[] {
  const groups = text.split(sep).filter((g) => g.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const g of groups) {
    if (line === '') line = g;
    else if (line.length + sep.length + g.length <= width) line += sep + g;
    else {
      lines.push(line);
      line = g;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.flatMap((l) => (l.length > width ? wrapText(l, width) : [l]));
}

/** Wraps text (which may contain newlines) to lines of at most width characters. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  return text.replace(/\t/g, '  ').split('\n').flatMap((p) => wrapParagraph(p.replace(/\s+$/, ''), w));
}

/** One line: the text cut at a word boundary with "..." when it does not fit. */
export function fitLine(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 3) return text.slice(0, width);
  const room = width - 3;
  const head = text.slice(0, room + 1);
  const space = head.lastIndexOf(' ');
  const cut = space > room / 2 ? space : room;
  return text.slice(0, cut).replace(/\s+$/, '') + '...';
}
