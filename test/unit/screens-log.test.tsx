import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER } from './screens-harness.js';
import { standIn } from './screens-standin.js';
import type { LogEntry } from '../../src/core/log.js';

const entry = (i: number): LogEntry => ({ kind: 'command', time: `2026-11-22T21:00:${String(i % 60).padStart(2, '0')}.000Z`, argv: ['blkid', '-o', 'export', `/dev/loop0p${i}`], exitCode: i % 7 === 0 ? 2 : 0, durationMs: 5, dryRun: false });

test('log: shows the newest entries, scrolls back, and follows new entries live', async () => {
  const s = standIn({ log: Array.from({ length: 60 }, (_, i) => entry(i)) });
  const h = renderApp(s);
  try {
    await h.waitFor('Repair a system');
    h.write(`${DOWN}${DOWN}${ENTER}`);
    let f = await h.waitFor('Session log (60 entries)');
    assertConsoleSafe(f);
    assert.match(f, /blkid -o export \/dev\/loop0p59/);
    assert.match(f, /lines \d+-60 of 60/);
    assert.match(f, /\[exit 2, 5 ms\]/);
    h.write('g');
    f = await h.waitFor('/dev/loop0p0 ');
    assert.match(f, /lines 1-\d+ of 60  \(more below\)/);
  } finally {
    h.unmount();
  }
});
