import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitModel, frameRows, layoutFor, type Line } from '../../src/ui/layout.js';
import { keyHints } from '../../src/ui/key-hints.js';

const many = (n: number, sel: number): Line[] => Array.from({ length: n }, (_, i) => ({ text: `item ${i + 1} with some words`, item: i, selected: i === sel, noWrap: true }));

test('a frame is never taller than the terminal minus one row, at any size', () => {
  for (const rows of [12, 25, 40]) {
    for (const cols of [80, 120]) {
      const layout = layoutFor({ cols, rows });
      const f = fitModel({ title: 't', top: [{ text: 'top' }], lines: many(48, 20), bottom: Array.from({ length: 30 }, () => ({ text: 'detail' })), hints: keyHints('Enter open'), itemCount: 48 }, layout);
      assert.ok(frameRows(f) <= rows - 1, `${frameRows(f)} rows at ${cols}x${rows}`);
      assert.ok(f.body.some((l) => l.selected), 'the selection is visible');
      for (const l of [...f.top, ...f.body, ...f.bottom]) assert.ok(l.text.length <= layout.inner);
    }
  }
});

test('the indicator names the visible items of the list: "12-20 of 48"', () => {
  const f = fitModel({ title: 't', lines: many(48, 47), hints: 'q quit', itemCount: 48 }, layoutFor({ cols: 80, rows: 25 }));
  assert.match(f.indicator ?? '', /^\d+-48 of 48$/);
  const g = fitModel({ title: 't', lines: many(48, 0), hints: 'q quit', itemCount: 48 }, layoutFor({ cols: 80, rows: 25 }));
  assert.match(g.indicator ?? '', /^1-\d+ of 48  \(more below\)$/);
  const short = fitModel({ title: 't', lines: many(3, 0), hints: 'q quit', itemCount: 3 }, layoutFor({ cols: 80, rows: 25 }));
  assert.equal(short.indicator, null);
});

test('text screens scroll by rows and clamp the offset', () => {
  const lines: Line[] = Array.from({ length: 100 }, (_, i) => ({ text: `line ${i}` }));
  const layout = layoutFor({ cols: 80, rows: 25 });
  const f = fitModel({ title: 't', lines, hints: 'q quit', scroll: 1000 }, layout);
  assert.equal(f.body[f.body.length - 1]?.text, 'line 99');
  assert.equal(f.maxScroll, 100 - f.body.length);
  assert.match(f.indicator ?? '', /^lines \d+-100 of 100$/);
});

test('every key hint line names the global keys', () => {
  const h = keyHints('Enter open');
  for (const k of ['Up/Down/j/k move', 'Enter open', 'Esc back', '? help', 'q quit']) assert.ok(h.includes(k), k);
});

test('the frame never wraps a long title onto a second row', async () => {
  const { render } = await import('ink-testing-library');
  const { createElement } = await import('react');
  const { Frame } = await import('../../src/ui/frame.js');
  const layout = layoutFor({ cols: 80, rows: 25 });
  const title = 'Boot loader (GRUB) - Debian GNU/Linux 12 (bookworm) on /dev/mapper/vg0-root-with-a-long-name';
  const r = render(createElement(Frame, { model: { title, lines: [{ text: 'body' }], hints: 'q quit', busy: true }, layout }));
  try {
    const rows = (r.lastFrame() ?? '').split('\n');
    assert.equal(rows.length, 6);
    assert.match(rows[1] ?? '', /^│ [|/\\-] Boot loader .*\.\.\. *│$/);
    assert.ok(rows.every((l) => l.length <= 80));
  } finally {
    r.unmount();
  }
});
