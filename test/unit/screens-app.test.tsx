/** The whole journey through the screens with a stand-in: repair, result, revert, quit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER, ESC } from './screens-harness.js';
import { backup, standIn } from './screens-standin.js';

test('repair journey: system -> overview -> plan -> confirm -> result -> revert lists it', async () => {
  const s = standIn();
  const h = renderApp(s);
  try {
    let f = await h.waitFor('Repair a system');
    assertConsoleSafe(f);
    assert.match(f, /Enter choose/);
    h.write(ENTER);
    f = await h.waitFor('Debian GNU/Linux 12 (bookworm) #1');
    assertConsoleSafe(f);
    assert.match(f, /Evidence for uuid:/);
    h.write(ENTER);
    f = await h.waitFor('[PROBLEM]');
    assertConsoleSafe(f);
    assert.match(f, /GRUB boot loader \(grub\): 1 problem/);
    assert.match(f, /\[OK\] +File systems table/);
    h.write(ENTER);
    f = await h.waitFor('What it will do:');
    assertConsoleSafe(f);
    assert.match(f, /grub-install --target=i386-pc \/dev\/loop0/);
    h.write(ENTER);
    f = await h.waitFor('Back up, then apply this plan?');
    assertConsoleSafe(f);
    h.write('y');
    f = await h.waitFor('[FIXED AND VERIFIED]');
    assertConsoleSafe(f);
    assert.match(f, /\/mnt\/target\/var\/lib\/firstaid\/backups\/grub\/20261122T210307Z-abc123/);
    s.data.backups = [backup('grub', '20261122T210307Z')];
    h.write('v');
    f = await h.waitFor('grub:');
    assertConsoleSafe(f);
    assert.match(f, /2026-11-22 21:03:07 +\[COMPLETE\]/);
    h.write(ENTER);
    await h.waitFor('Revert backup grub/20261122T210307Z-abc123?');
    h.write('y');
    f = await h.waitFor('[REVERTED]');
    assert.deepEqual(
      s.calls.filter((c) => !c.startsWith('selectSystem')),
      ['listSystems {}', 'diagnose', 'plan grub {}', 'fix grub', 'listBackups', 'revert grub/20261122T210307Z-abc123 force=false'],
    );
    h.write(ENTER);
    await h.waitFor('Repair a system');
    h.write('q');
    await h.waitFor(() => h.quit.called);
  } finally {
    h.unmount();
  }
});
