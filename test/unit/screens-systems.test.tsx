import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER, ESC } from './screens-harness.js';
import { Gate, installation, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';

async function openPicker(s: ReturnType<typeof standIn>) {
  const h = renderApp(s);
  await h.waitFor('Repair a system');
  h.write(ENTER);
  return h;
}

test('system picker: loading shows a spinner line and Esc stops looking', async () => {
  const gate = new Gate();
  const s = standIn({ gates: { systems: gate } });
  const h = await openPicker(s);
  try {
    const f = await h.waitFor('Looking for Linux installations');
    assertConsoleSafe(f);
    assert.match(f, /[|/\\-] Choose the system to repair/);
    assert.match(f, /nothing is changed/);
    h.write(ESC);
    await h.waitFor('firstaid - main menu');
    gate.release();
    // The late answer is ignored: the menu stays.
    await new Promise((r) => setTimeout(r, 50));
    assert.match(h.frame(), /firstaid - main menu/);
  } finally {
    h.unmount();
  }
});

test('system picker: an error says what happened and what to do next', async () => {
  const s = standIn({ systems: new FirstaidError('loop', 'The disk image /tmp/x.img could not be attached.', 'Check that the file exists and is a disk image.') });
  const h = await openPicker(s);
  try {
    const f = await h.waitFor('[ERROR] Could not look for installations.');
    assertConsoleSafe(f);
    assert.match(f, /could not be attached/);
    assert.match(f, /What to do: Check that the file exists/);
    assert.match(f, /a attach image/);
  } finally {
    h.unmount();
  }
});

test('system picker: none found explains why and offers the ways out', async () => {
  const h = await openPicker(standIn({ systems: [] }));
  try {
    const f = await h.waitFor('[NONE] No Linux installation was found there.');
    assertConsoleSafe(f);
    assert.match(f, /r look again/);
  } finally {
    h.unmount();
  }
});

test('system picker: many installations scroll with an indicator, the cursor stays visible', async () => {
  const s = standIn({ systems: Array.from({ length: 48 }, (_, i) => installation(i + 1)) });
  const h = await openPicker(s);
  try {
    let f = await h.waitFor('#1 ');
    assert.match(f, /1-\d+ of 48  \(more below\)/);
    h.write(DOWN.repeat(30));
    f = await h.waitFor('> Debian GNU/Linux 12 (bookworm) #31 ');
    assertConsoleSafe(f);
    assert.match(f, /\d+-\d+ of 48/);
    assert.doesNotMatch(f, /#1 /);
    h.write('G');
    f = await h.waitFor('> Debian GNU/Linux 12 (bookworm) #48 ');
    assert.match(f, /\d+-48 of 48/);
  } finally {
    h.unmount();
  }
});

test('system picker: a typed image path (one chunk, with q and ? in it) attaches that image', async () => {
  const s = standIn();
  const h = await openPicker(s);
  try {
    await h.waitFor('Evidence for');
    h.write('a');
    await h.waitFor('Disk image file to attach');
    h.write('/tmp/q?x.imgg');
    h.write('\u007f');
    h.write(ENTER);
    await h.waitFor(() => s.calls.includes('listSystems {"image":"/tmp/q?x.img"}'));
    assert.ok(!h.quit.called);
    await h.waitFor('Evidence for');
    h.write('d');
    await h.waitFor('Root directory of the installation');
    h.write(`/mnt/sys${ESC}`);
    await h.waitFor('Evidence for');
    assert.ok(!s.calls.some((c) => c.includes('/mnt/sys')));
  } finally {
    h.unmount();
  }
});
