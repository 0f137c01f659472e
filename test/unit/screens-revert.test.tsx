import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER } from './screens-harness.js';
import { Gate, backup, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';

async function toRevert(s: ReturnType<typeof standIn>) {
  const h = renderApp(s);
  await h.waitFor('Repair a system');
  h.write(`${DOWN}${ENTER}`);
  await h.waitFor('Choose the system whose repairs to revert');
  await h.waitFor('Evidence for');
  h.write(ENTER);
  return h;
}

test('revert: loading, then empty with what to do', async () => {
  const gate = new Gate();
  const h = await toRevert(standIn({ gates: { backups: gate } }));
  try {
    assertConsoleSafe(await h.waitFor('Reading the backup store'));
    gate.release();
    const f = await h.waitFor('[NONE] There are no backups for this system yet.');
    assert.match(f, /choose "Repair a system"/);
  } finally {
    h.unmount();
  }
});

test('revert: an unreadable store says what happened and what to do', async () => {
  const h = await toRevert(standIn({ backups: new FirstaidError('store', 'The backup store /x is not readable.', 'Give another one with --backup-store DIR.') }));
  try {
    const f = await h.waitFor('[ERROR] The backup store could not be read.');
    assertConsoleSafe(f);
    assert.match(f, /What to do: Give another one/);
  } finally {
    h.unmount();
  }
});

test('revert: grouped by plugin id, newest first; many scroll; states in words', async () => {
  const list = [
    ...Array.from({ length: 25 }, (_, i) => backup('grub', `202611${String(i + 1).padStart(2, '0')}T120000Z`)),
    backup('fstab', '20261101T120000Z', { state: 'incomplete' }),
    backup('fstab', '20261102T120000Z', { reverted: true }),
  ];
  const h = await toRevert(standIn({ backups: list }));
  try {
    let f = await h.waitFor('fstab:');
    assertConsoleSafe(f);
    const lines = f.split('\n');
    const fstab = lines.findIndex((l) => l.includes('fstab:'));
    assert.match(lines[fstab + 1] ?? '', /> 2026-11-02 12:00:00  \[REVERTED\]/);
    assert.match(lines[fstab + 2] ?? '', /2026-11-01 12:00:00  \[INCOMPLETE\]/);
    assert.match(lines[fstab + 3] ?? '', /grub:/);
    assert.match(lines[fstab + 4] ?? '', /2026-11-25 12:00:00  \[COMPLETE\]/);
    assert.match(f, /1-\d+ of 27  \(more below\)/);
    h.write('G');
    f = await h.waitFor('> 2026-11-01 12:00:00  [COMPLETE]');
    assertConsoleSafe(f);
    assert.match(f, /\d+-27 of 27/);
  } finally {
    h.unmount();
  }
});

test('revert: x deletes after a yes, n keeps it', async () => {
  const s = standIn({ backups: [backup('grub', '20261122T210307Z'), backup('grub', '20261121T210307Z')] });
  const h = await toRevert(s);
  try {
    await h.waitFor('grub:');
    h.write('x');
    await h.waitFor('Delete backup grub/20261122T210307Z-abc123?');
    h.write('n');
    await h.waitFor('Enter revert');
    h.write('x');
    await h.waitFor('Delete backup');
    h.write('\u001b[D\r');
    const f = await h.waitFor('Deleted grub/20261122T210307Z-abc123.');
    assertConsoleSafe(f);
    assert.doesNotMatch(f, /2026-11-22 21:03:07/);
    assert.match(f, /2026-11-21 21:03:07/);
  } finally {
    h.unmount();
  }
});

test('revert: the selected backup says what it holds, and names a problem', async () => {
  const s = standIn({
    backups: [
      { ...backup('grub', '20261122T210307Z'), contents: ['/dev/loop0 bytes 0..1048575 (boot-area)', '/boot/grub (directory)', '/etc/default/grub (file)'] },
      backup('grub', '20261121T210307Z', { state: 'corrupt', problem: 'object /etc/default/grub: sha256 differs from the manifest' }),
    ],
  });
  const h = await toRevert(s);
  try {
    let f = await h.waitFor('Holds:');
    assertConsoleSafe(f);
    assert.match(f, /- \/dev\/loop0 bytes 0\.\.1048575 \(boot-area\)/);
    assert.match(f, /- \/etc\/default\/grub \(file\)/);
    h.write('j');
    f = await h.waitFor('[PROBLEM] object /etc/default/grub');
    assert.match(f, /> 2026-11-21 21:03:07  \[CORRUPT\]/);
    assert.match(f, /cannot be reverted safely/);
  } finally {
    h.unmount();
  }
});
