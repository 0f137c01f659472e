import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, ENTER, toFixRunning } from './screens-harness.js';
import { backup, finding, fixResultFor, standIn } from './screens-standin.js';

test('result: not verified names what is left and still the backup directory', async () => {
  const s = standIn({
    fix: (plan) => ({ ...fixResultFor(plan), verified: false, findingsAfter: [finding('grub', 'mbr', 'The MBR still has no boot code')] }),
  });
  const h = await toFixRunning(s);
  try {
    const f = await h.waitFor('[FIXED, NOT VERIFIED]');
    assertConsoleSafe(f);
    assert.match(f, /Backup directory: *│\n│ +\/mnt\/target\/var\/lib\/firstaid\/backups\/grub\/20261122T210307Z-abc123/);
    assert.match(f, /\[PROBLEM\] The MBR still has no boot code/);
    h.write(ENTER);
    await h.waitFor('firstaid - main menu');
  } finally {
    h.unmount();
  }
});

test('result: a failed fix that was restored says so, with what happened and what to do', async () => {
  const s = standIn({
    fix: (plan) => ({ ...fixResultFor(plan), ok: false, verified: false, restored: true, error: { message: '"grub-install /dev/loop0" failed with exit code 1: cannot find a device for /boot', hint: 'See the session log for the full output.' } }),
  });
  const h = await toFixRunning(s);
  try {
    const f = await h.waitFor('[FAILED, RESTORED]');
    assertConsoleSafe(f);
    assert.match(f, /What happened: "grub-install \/dev\/loop0" failed/);
    assert.match(f, /What to do: See the session log/);
  } finally {
    h.unmount();
  }
});

test('revert result: files changed since the fix are listed; f forces after a yes', async () => {
  const s = standIn({
    backups: [backup('grub', '20261122T210307Z')],
    revert: (id, force) => (force ? { backupId: id, ok: true, error: null, changedSinceFix: [] } : { backupId: id, ok: false, error: { message: 'Files changed since the fix.', hint: 'Look at them; press f to revert anyway.' }, changedSinceFix: ['/boot/grub/grub.cfg'] }),
  });
  const h = renderApp(s);
  try {
    await h.waitFor('Repair a system');
    h.write('v');
    await h.waitFor('Evidence for');
    h.write(ENTER);
    await h.waitFor('grub:');
    h.write(`${ENTER}y`);
    let f = await h.waitFor('[NOT REVERTED]');
    assertConsoleSafe(f);
    assert.match(f, /- \/boot\/grub\/grub\.cfg/);
    assert.match(f, /f force/);
    h.write('f');
    await h.waitFor('Force the revert of grub/20261122T210307Z-abc123?');
    h.write('y');
    f = await h.waitFor('[REVERTED]');
    assert.ok(s.calls.includes('revert grub/20261122T210307Z-abc123 force=true'));
  } finally {
    h.unmount();
  }
});

test('dry run: the menu, the confirmation and the result say nothing is written', async () => {
  const s = { ...standIn({ fix: (plan) => ({ ...fixResultFor(plan), verified: false, backupId: null, backupDir: null }) }), dryRun: true };
  const h = renderApp(s);
  try {
    let f = await h.waitFor('[DRY RUN] Nothing will be written');
    h.write(ENTER);
    await h.waitFor('Evidence for');
    h.write(ENTER);
    await h.waitFor('[PROBLEM]');
    h.write(ENTER);
    await h.waitFor('What it will do:');
    h.write(ENTER);
    f = await h.waitFor('[DRY RUN] Nothing will be written or backed up now.');
    assertConsoleSafe(f);
    h.write('y');
    f = await h.waitFor('[DRY RUN] Nothing was changed or backed up');
    assert.doesNotMatch(f, /NOT VERIFIED/);
  } finally {
    h.unmount();
  }
});
