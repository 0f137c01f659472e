import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breathe } from '../../src/core/slices.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // synchronous work, as a sliced copy does between two breathe() calls
  }
}

test('breathe: nothing inside a slice, a turn of the event loop once the slice is used up', async () => {
  await (breathe() ?? Promise.resolve()); // a fresh slice starts here
  assert.equal(breathe(), undefined, 'inside a slice breathe() costs nothing');
  let ran = false;
  setImmediate(() => (ran = true));
  busy(40); // longer than any slice
  const pause = breathe();
  assert.ok(pause instanceof Promise, 'a used-up slice yields');
  assert.equal(ran, false);
  await pause;
  assert.equal(ran, true, 'what was waiting for the event loop ran before the work went on');
  assert.equal(breathe(), undefined, 'and a new slice began');
});
