import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER, ESC } from './screens-harness.js';
import { installation, standIn } from './screens-standin.js';

test('menu: Down Down Enter in ONE write opens the third item (Session log)', async () => {
  const h = renderApp(standIn());
  try {
    await h.waitFor('Repair a system');
    h.write(`${DOWN}${DOWN}${ENTER}`);
    const f = await h.waitFor('Session log (');
    assertConsoleSafe(f);
    assert.match(f, /Nothing logged yet/);
    h.write(ESC);
    await h.waitFor('> Session log');
  } finally {
    h.unmount();
  }
});

test('system picker: j j Enter in one write picks the third installation', async () => {
  const s = standIn({ systems: [installation(1), installation(2), installation(3)] });
  const h = renderApp(s);
  try {
    await h.waitFor('Repair a system');
    h.write(ENTER);
    await h.waitFor('#3');
    h.write(`jj${ENTER}`);
    await h.waitFor('Diagnosis - Debian GNU/Linux 12 (bookworm) #3');
    await h.waitFor(() => s.calls.includes(`selectSystem ${installation(3).id}`));
  } finally {
    h.unmount();
  }
});

test('keys of one chunk act across screens: Enter y opens the confirmation and answers it', async () => {
  const s = standIn();
  const h = renderApp(s);
  try {
    await h.waitFor('Repair a system');
    h.write(ENTER);
    await h.waitFor('Evidence for');
    h.write(ENTER);
    await h.waitFor('[PROBLEM]');
    h.write(ENTER);
    await h.waitFor('What it will do:');
    h.write(`${ENTER}y`);
    await h.waitFor('[FIXED AND VERIFIED]');
    assert.ok(s.calls.includes('fix grub'));
  } finally {
    h.unmount();
  }
});

test('a key that arrives while the plan is still loading does not start a fix', async () => {
  const { Gate } = await import('./screens-standin.js');
  const gate = new Gate();
  const s = standIn({ gates: { plan: gate } });
  const h = renderApp(s);
  try {
    await h.waitFor('Repair a system');
    h.write(ENTER);
    await h.waitFor('Evidence for');
    h.write(ENTER);
    await h.waitFor('[PROBLEM]');
    h.write(`${ENTER}${ENTER}y`);
    const f = await h.waitFor('Making the plan');
    assert.doesNotMatch(f, /Enter\/f fix/);
    gate.release();
    await h.waitFor('What it will do:');
    assert.ok(!s.calls.includes('fix grub'));
    assert.doesNotMatch(h.frame(), /Back up, then apply/);
  } finally {
    h.unmount();
  }
});

test('q quits at once when no work is running; ? opens help from the menu and Esc returns', async () => {
  const h = renderApp(standIn());
  try {
    await h.waitFor('Repair a system');
    h.write('?');
    const f = await h.waitFor('Keys (the same on every screen)');
    assertConsoleSafe(f);
    h.write(ESC);
    await h.waitFor('firstaid - main menu');
    h.write('q');
    await h.waitFor(() => h.quit.called);
  } finally {
    h.unmount();
  }
});

test('resize: the frame follows a narrower and a shorter terminal', async () => {
  const { render } = await import('ink-testing-library');
  const { App } = await import('../../src/screens/app.js');
  const s = standIn();
  const r = render(<App services={s} size={{ cols: 120, rows: 40 }} />);
  try {
    const wait = async (ok: (f: string) => boolean) => {
      for (let i = 0; i < 400 && !ok(r.lastFrame() ?? ''); i++) await new Promise((res) => setTimeout(res, 5));
      return r.lastFrame() ?? '';
    };
    let f = await wait((x) => x.includes('Repair a system'));
    assert.equal(f.split('\n')[0]?.length, 120);
    r.rerender(<App services={s} size={{ cols: 80, rows: 25 }} />);
    f = await wait((x) => x.split('\n')[0]?.length === 80);
    assertConsoleSafe(f);
  } finally {
    r.unmount();
  }
});
