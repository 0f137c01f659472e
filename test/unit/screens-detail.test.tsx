import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertConsoleSafe, ENTER, ESC, toPluginDetail } from './screens-harness.js';
import { Gate, grubPlan, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { Plan } from '../../src/rescue-plugins/types.js';

test('detail: findings with evidence, then the plan (loading first)', async () => {
  const gate = new Gate();
  const h = await toPluginDetail(standIn({ gates: { plan: gate } }));
  try {
    let f = await h.waitFor('Making the plan');
    assert.match(f, /the first 440 bytes of \/dev\/loop0 are all zero/);
    assert.doesNotMatch(f, /Enter\/f fix/);
    gate.release();
    f = await h.waitFor('What it will do:');
    assertConsoleSafe(f);
    assert.match(f, /Enter\/f fix/);
  } finally {
    h.unmount();
  }
});

test('detail: a long plan scrolls to its end with diffs, commands and ranges', async () => {
  const plan = grubPlan();
  const big = Array.from({ length: 60 }, (_, i) => `+line ${i}`).join('\n');
  plan.actions.push({ kind: 'edit-file', path: '/etc/fstab', before: '', after: 'x', diff: `--- a/etc/fstab\n+++ b/etc/fstab\n@@ -0,0 +1,60 @@\n${big}\n` });
  const h = await toPluginDetail(standIn({ plan }));
  try {
    let f = await h.waitFor('What it will do:');
    assert.match(f, /lines 1-\d+ of \d+  \(more below\)/);
    h.write('G');
    f = await h.waitFor('Backed up first');
    assertConsoleSafe(f);
    assert.match(f, /mbr-boot-code: 440 bytes of \/dev\/loop0 at byte 0/);
    assert.match(f, /- \/boot\/grub/);
    assert.doesNotMatch(f, /more below/);
    h.write('g');
    f = await h.waitFor('Findings');
    h.write('j'.repeat(8));
    f = await h.waitFor('Write 440 bytes to /dev/loop0 at byte 0 (bytes 0-439)');
    h.write('j'.repeat(30));
    f = await h.waitFor('+line');
    assertConsoleSafe(f);
  } finally {
    h.unmount();
  }
});

test('detail: an error making the plan says what to do; a blocked plan offers no fix', async () => {
  const h = await toPluginDetail(standIn({ plan: new FirstaidError('plan', 'No kernel was found in /boot.', 'Install a kernel package first.') }));
  try {
    const f = await h.waitFor('[ERROR] The plan could not be made.');
    assertConsoleSafe(f);
    assert.match(f, /What to do: Install a kernel package first\./);
    h.write(ENTER);
    await new Promise((r) => setTimeout(r, 30));
    assert.doesNotMatch(h.frame(), /Back up, then apply/);
  } finally {
    h.unmount();
  }
  const blocked: Plan = { ...grubPlan(), blockers: ['The disk is read-only (a hardware switch?).'] };
  const h2 = await toPluginDetail(standIn({ plan: blocked }));
  try {
    const f = await h2.waitFor('[BLOCKED]');
    assert.doesNotMatch(f, /Enter\/f fix/);
  } finally {
    h2.unmount();
  }
});

test('detail: choices change with Left/Right and the plan is made again with the answer', async () => {
  const plan: Plan = { ...grubPlan(), choices: [{ id: 'mode', question: 'For a missing disk:', options: [{ value: 'nofail', label: 'add nofail' }, { value: 'comment', label: 'comment out' }], default: 'nofail' }] };
  const s = standIn({ plan });
  const h = await toPluginDetail(s);
  try {
    let f = await h.waitFor('For a missing disk:');
    assert.match(f, /\[add nofail\]/);
    h.write('\u001b[C');
    await h.waitFor(() => s.calls.includes('plan grub {"mode":"comment"}'));
    f = await h.waitFor('[comment out]');
    h.write(ESC);
    await h.waitFor('> [PROBLEM]');
  } finally {
    h.unmount();
  }
});
