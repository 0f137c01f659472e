import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertConsoleSafe, ESC, toFixRunning } from './screens-harness.js';
import { Gate, standIn } from './screens-standin.js';

test('progress: live steps, an ASCII gauge, elapsed time; Esc cancels while safe', async () => {
  const gate = new Gate();
  const s = standIn({ gates: { fix: gate } });
  const h = await toFixRunning(s);
  try {
    const f = await h.waitFor('Backing up 2 item(s)');
    assertConsoleSafe(f);
    assert.match(f, /\[#+-+\] +25%/);
    assert.match(f, /Elapsed: \d+ s/);
    assert.match(f, /Esc or c cancels now/);
    h.write(ESC);
    await h.waitFor('Cancelling: waiting');
    await h.waitFor(() => s.lastSignal?.aborted === true);
    gate.release();
    const r = await h.waitFor('[ERROR] The work did not complete.');
    assert.match(r, /The fix was cancelled\./);
    assert.match(r, /What to do: Nothing was changed/);
  } finally {
    h.unmount();
  }
});

test('q while work is running asks first; n keeps working, y cancels and quits when the step ends', async () => {
  const gate = new Gate();
  const s = standIn({ gates: { fix: gate } });
  const h = await toFixRunning(s);
  try {
    await h.waitFor('Backing up 2 item(s)');
    h.write('q');
    let f = await h.waitFor('Work is running: quit anyway? y/N');
    assertConsoleSafe(f);
    h.write('n');
    await h.waitFor('Backing up 2 item(s)');
    assert.equal(h.quit.called, false);
    assert.equal(s.lastSignal?.aborted, false);
    h.write('q');
    await h.waitFor('quit anyway?');
    h.write('y');
    f = await h.waitFor('Quitting: cancelling safely');
    await h.waitFor(() => s.lastSignal?.aborted === true);
    assert.equal(h.quit.called, false, 'waits for the step to end');
    gate.release();
    await h.waitFor(() => h.quit.called);
  } finally {
    h.unmount();
  }
});
