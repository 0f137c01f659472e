import { test } from 'node:test';
import assert from 'node:assert/strict';
import realStringWidth from 'string-width';
import stringWidth from '../../src/ui/string-width.js';

const SAMPLES = [
  '', 'a', 'hello world', '[OK] /boot/grub/grub.cfg', '\u001b[31mred\u001b[39m', '\u001b[1m\u001b[4mbold\u001b[22m\u001b[24m',
  'tab\there', 'line\nbreak', '\u0007bell',
  'caf\u00e9', 'cafe\u0301', 'na\u00efve r\u00e9sum\u00e9', '\u00fcber', 'Stra\u00dfe', '\u00a9 2026', '\u00bd',
  '\u65e5\u672c\u8a9e', '\u4e2d\u6587 mixed ascii', '\ud55c\uad6d\uc5b4', '\uff21\uff22\uff23', '\uff71\uff72',
  '\u0410\u0411\u0412 cyrillic', '\u03b1\u03b2\u03b3', '\u05e9\u05dc\u05d5\u05dd', '\u0645\u0631\u062d\u0628\u0627',
  '\u{1f600}', 'ok \u{1f44d}', '\u2764\ufe0f', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', '\u{1f1e9}\u{1f1ea}',
  '\u200b zero width', '\u00ad soft hyphen', 'x\u0300\u0301\u0302',
  '\u2500\u2502\u250c\u2510 box', '\u2591\u2592\u2593',
];

test('the same widths as the string-width package', () => {
  for (const s of SAMPLES) {
    assert.equal(stringWidth(s), realStringWidth(s), JSON.stringify(s));
    assert.equal(stringWidth(s, { ambiguousIsNarrow: false }), realStringWidth(s, { ambiguousIsNarrow: false }), `wide ambiguous: ${JSON.stringify(s)}`);
  }
});

test('ANSI escapes count only when asked', () => {
  assert.equal(stringWidth('\u001b[31mab\u001b[39m'), 2);
  assert.equal(stringWidth('\u001b[31mab\u001b[39m', { countAnsiEscapeCodes: true }), realStringWidth('\u001b[31mab\u001b[39m', { countAnsiEscapeCodes: true }));
});
