import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Teardown } from '../../src/core/teardown.js';

test('steps are undone newest first, failures do not stop the rest', async () => {
  const t = new Teardown();
  const order: string[] = [];
  t.push('a', () => { order.push('a'); });
  t.push('b', () => { throw new Error('b failed'); });
  t.push('c', async () => { order.push('c'); });
  await t.runAll();
  assert.deepEqual(order, ['c', 'a']);
  assert.equal(t.size, 0);
});

test('release runs one step now; forget drops it', async () => {
  const t = new Teardown();
  const order: string[] = [];
  t.push('a', () => { order.push('a'); });
  const b = t.push('b', () => { order.push('b'); });
  const c = t.push('c', () => { order.push('c'); });
  await b.release();
  c.forget();
  await t.runAll();
  assert.deepEqual(order, ['b', 'a']);
});

test('runAll waits for a step that is being released (a signal during a close)', async () => {
  const t = new Teardown();
  const order: string[] = [];
  t.push('loop detach', () => { order.push('detach'); });
  let finish!: () => void;
  const slow = t.push('unmount', () => new Promise<void>((r) => { finish = () => { order.push('unmount'); r(); }; }));
  const releasing = slow.release();
  // The step has left the stack but is still running: runAll must not return before it ends.
  let done = false;
  const all = t.runAll().then(() => { done = true; });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false, 'runAll returned while an undo was still running');
  finish();
  await Promise.all([releasing, all]);
  assert.deepEqual(order, ['unmount', 'detach']);
});
