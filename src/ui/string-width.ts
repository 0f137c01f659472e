/**
 * Terminal column width of a string, bundled in place of the `string-width` package (see
 * scripts/build.mjs). The package builds Unicode-property and emoji regexes and an
 * Intl.Segmenter when it loads and on first use: about 70 ms of the first frame, for text that
 * on a Linux console is ASCII. Here ASCII costs one test; anything else gets the same rules in
 * short (East Asian width, zero-width marks and controls, emoji ZWJ sequences as one glyph),
 * checked against the package by test/unit/ui-string-width.test.ts.
 */
import { eastAsianWidth } from 'get-east-asian-width';

export interface StringWidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// ansi-regex's pattern (CSI and OSC sequences, 7- and 8-bit introducers).
const ANSI = new RegExp(
  '[\\u001B\\u009B][[\\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]+)*|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]*)*)?(?:\\u0007|\\u001B\\u005C|\\u009C))' +
    '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-nq-uy=><~]))',
  'g',
);
let zeroWidth: RegExp | undefined;

export default function stringWidth(input: string, options: StringWidthOptions = {}): number {
  if (typeof input !== 'string' || input.length === 0) return 0;
  const s = options.countAnsiEscapeCodes || !input.includes('\u001b') && !input.includes('\u009b') ? input : input.replace(ANSI, '');
  if (PRINTABLE_ASCII.test(s)) return s.length;
  // Compiled only when non-ASCII text appears.
  zeroWidth ??= /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Mn}\p{Me}\p{Cs}]$/u;
  const ambiguousAsWide = !(options.ambiguousIsNarrow ?? true);
  let width = 0;
  let afterZwj = false;
  let last = 0; // width of the last visible character (a VS16 may widen it)
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x200d) {
      afterZwj = true;
      continue;
    }
    if (cp === 0xfe0f) {
      // Emoji presentation: the character before it is drawn two columns wide.
      if (last === 1) {
        width += 1;
        last = 2;
      }
      continue;
    }
    if (zeroWidth.test(ch)) continue;
    if (afterZwj) {
      // Joined onto the previous emoji: one glyph.
      afterZwj = false;
      continue;
    }
    last = eastAsianWidth(cp, { ambiguousAsWide });
    width += last;
  }
  return width;
}
