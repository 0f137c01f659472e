import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER } from './screens-harness.js';
import { Gate, finding, grubDiagnosis, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { PluginDiagnosis } from '../../src/screens/services.js';

async function toOverview(s: ReturnType<typeof standIn>) {
  const h = renderApp(s);
  await h.waitFor('Repair a system');
  h.write(ENTER);
  await h.waitFor('Evidence for');
  h.write(ENTER);
  return h;
}

test('overview: loading shows the current step', async () => {
  const gate = new Gate();
  const h = await toOverview(standIn({ gates: { diagnose: gate } }));
  try {
    const f = await h.waitFor('grub: reading the MBR');
    assertConsoleSafe(f);
    assert.match(f, /read-only; nothing is changed/);
    gate.release();
    await h.waitFor('[PROBLEM]');
  } finally {
    h.unmount();
  }
});

test('overview: a failed diagnosis says what happened and what to do; r tries again', async () => {
  const s = standIn({ diagnoses: new FirstaidError('mount', 'The root filesystem /dev/loop0p1 could not be mounted read-only.', 'Run fsck on it (fsck -f /dev/loop0p1), then try again.') });
  const h = await toOverview(s);
  try {
    const f = await h.waitFor('[ERROR] The system could not be checked.');
    assertConsoleSafe(f);
    assert.match(f, /What to do: Run fsck/);
    s.data.diagnoses = [grubDiagnosis()];
    h.write('r');
    await h.waitFor('[PROBLEM]');
  } finally {
    h.unmount();
  }
});

test('overview: no plugins, and a plugin that could not look', async () => {
  const h = await toOverview(standIn({ diagnoses: [] }));
  try {
    assertConsoleSafe(await h.waitFor('[NONE] No repair plugin'));
  } finally {
    h.unmount();
  }
  const broken: PluginDiagnosis = { pluginId: 'esp', title: 'EFI system partition', description: 'd', findings: [], error: { message: 'mtools is not installed.', hint: 'Install it with: apt-get install mtools' } };
  const h2 = await toOverview(standIn({ diagnoses: [broken] }));
  try {
    const f = await h2.waitFor('[ERROR]');
    assert.match(f, /EFI system partition \(esp\): could not check/);
    assert.match(f, /apt-get install mtools/);
  } finally {
    h2.unmount();
  }
});

test('overview: many plugins scroll; the selected one shows its findings', async () => {
  const many: PluginDiagnosis[] = Array.from({ length: 30 }, (_, i) => ({
    pluginId: `p${i + 1}`,
    title: `Plugin number ${i + 1}`,
    description: 'd',
    findings: [finding(`p${i + 1}`, 'x', `Finding of plugin ${i + 1}`)],
    error: null,
  }));
  const h = await toOverview(standIn({ diagnoses: many }));
  try {
    await h.waitFor('30 problem(s) found');
    h.write(DOWN.repeat(20));
    const f = await h.waitFor('> [PROBLEM]  Plugin number 21 ');
    assertConsoleSafe(f);
    assert.match(f, /\[PROBLEM\] Finding of plugin 21/);
    assert.match(f, /\d+-\d+ of 30/);
  } finally {
    h.unmount();
  }
});
