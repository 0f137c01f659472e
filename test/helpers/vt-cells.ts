/**
 * A Linux virtual console's cells, as the kernel keeps them: /dev/vcsuN (one UTF-32LE code point
 * a cell) and /dev/vcsN (one byte a cell, the font glyph drawn). A character the console's font
 * has no glyph for is drawn with U+FFFD's glyph (else an inverse '?'), and vcsu then holds that
 * glyph's own character, not the one written: in the guest, U+1F600 became U+25A0 (glyph 0xFE of
 * the VGA font). So a cell the console could not draw is found by its glyph, learnt from a
 * control cell the test wrote with a character no console font has.
 */
export interface VtCells {
  rows: string[];
  /** "row,col U+XXXX" of each cell the console could not draw. */
  undrawable: string[];
}

/**
 * `replacementGlyph`: the glyph byte the console drew for a known-undrawable character (the
 * control cell): a non-ASCII cell drawn with it is one the console could not draw.
 */
export function readCells(vcsu: Buffer, vcs: Buffer, cols: number, replacementGlyph: number | null): VtCells {
  const n = Math.floor(vcsu.length / 4);
  const rows: string[] = [];
  const undrawable: string[] = [];
  let row = '';
  for (let i = 0; i < n; i++) {
    const cp = vcsu.readUInt32LE(i * 4);
    const glyph = vcs[i];
    const nonAscii = cp < 0x20 || cp > 0x7e;
    if (cp === 0xfffd || (nonAscii && replacementGlyph !== null && glyph === replacementGlyph)) {
      undrawable.push(`${Math.floor(i / cols) + 1},${(i % cols) + 1} U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    row += String.fromCodePoint(cp === 0 ? 0x20 : cp);
    if ((i + 1) % cols === 0) {
      rows.push(row.trimEnd());
      row = '';
    }
  }
  return { rows, undrawable };
}
