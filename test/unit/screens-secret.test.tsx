/**
 * The secret screen (a plan that asks for a new password): each state through the one reducer
 * (asking, empty, mismatch, cancelled, sent; Backspace; q and ? are typed, not keys), then the
 * whole way through the app with the stand-in services: never drawn, handed to fix() only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeys } from '../../src/ui/keys.js';
import { layoutFor } from '../../src/ui/layout.js';
import { initialState, type State } from '../../src/screens/nav.js';
import { buildScreen, reducer } from '../../src/screens/state.js';
import type { Plan } from '../../src/rescue-plugins/types.js';
import type { PluginDiagnosis } from '../../src/screens/services.js';
import { assertConsoleSafe, ENTER, ESC, renderApp } from './screens-harness.js';
import { finding, installation, standIn } from './screens-standin.js';

const PW = 'Zq7:pw x-Kv';

function passwdPlan(): Plan {
  return {
    pluginId: 'passwd',
    findings: ['passwd.account-root'],
    summary: 'Set a new password for root',
    actions: [{ kind: 'run', argv: ['chpasswd'], inChroot: true, why: 'set the new password of root (given on chpasswd\'s standard input)' }],
    touches: ['/etc/shadow', '/etc/passwd'].map((path) => ({ kind: 'path' as const, path })),
    needsChroot: true,
    choices: [],
    blockers: [],
    secret: { label: 'the new password for root' },
  };
}

function passwdDiagnosis(): PluginDiagnosis {
  return {
    pluginId: 'passwd',
    title: 'Passwords (login accounts)',
    description: 'Sets a new password for an account.',
    findings: [finding('passwd', 'account-root', 'Account root has a password', { state: 'checked', severity: 'info', fixable: false })],
    error: null,
    fixOnRequest: true,
  };
}

/** The confirmation of a passwd plan, as the reducer has it after detail -> Enter. */
function atConfirm(extra: Partial<State> = {}): State {
  const s = initialState({ size: { cols: 80, rows: 25 }, targetLabel: 'disk image /tmp/x.img', now: 0 });
  return { ...s, screen: 'confirm', history: ['menu', 'systems', 'overview', 'detail'], systemId: 'uuid:1', pluginId: 'passwd', plan: { status: 'ready', value: passwdPlan() }, ...extra };
}

const keys = (s: State, raw: string) => reducer(s, { type: 'keys', keys: parseKeys(raw) });
const shown = (s: State) => JSON.stringify(buildScreen(s, layoutFor(s.size)));

test('secret: yes on the confirmation asks for it; what is typed is drawn as nothing', () => {
  let s = keys(atConfirm(), 'y');
  assert.equal(s.screen, 'secret');
  assert.equal(s.task, null, 'nothing runs before the secret is typed');
  assert.match(shown(s), /Type the new password for root, then press Enter:/);
  assert.match(shown(s), /not shown, not even as stars/);
  s = keys(s, PW);
  assert.equal(s.secret?.typed, PW);
  assert.ok(!shown(s).includes(PW) && !/\*/.test(shown(s)), 'not echoed, not even as stars');
  // q and ? are part of a password here, not quit and help.
  s = keys(s, 'q?');
  assert.equal(s.quit, false);
  assert.equal(s.screen, 'secret');
  assert.equal(s.secret?.typed, `${PW}q?`);
});

test('secret: an empty entry is refused with a message; nothing runs', () => {
  const s = keys(keys(atConfirm(), 'y'), ENTER);
  assert.equal(s.screen, 'secret');
  assert.equal(s.secret?.step, 1);
  assert.equal(s.task, null);
  assert.match(shown(s), /\[ERROR\] The new password for root is empty\. Type one, or press Esc to cancel\. Nothing was changed\./);
});

test('secret: two entries that differ are refused, both forgotten, asked again; nothing runs', () => {
  let s = keys(keys(atConfirm(), 'y'), `${PW}${ENTER}`);
  assert.equal(s.secret?.step, 2);
  assert.match(shown(s), /Type it again, then press Enter:/);
  s = keys(s, `${PW}-not${ENTER}`);
  assert.equal(s.task, null);
  assert.equal(s.screen, 'secret');
  assert.deepEqual(s.secret, { label: 'the new password for root', step: 1, typed: '', first: '', problem: 'The two entries differ. Nothing was changed. Type it again, twice.' });
  assert.match(shown(s), /\[ERROR\] The two entries differ/);
  assert.ok(!JSON.stringify(s).includes(PW), 'neither entry is kept');
  // A second empty entry after a good first one differs too.
  s = keys(s, `${PW}${ENTER}${ENTER}`);
  assert.equal(s.task, null);
  assert.match(s.secret?.problem ?? '', /differ/);
});

test('secret: Esc cancels (at either step): back to the plan, the secret gone, nothing runs', () => {
  for (const typed of ['abc', `${PW}${ENTER}${PW.slice(0, 3)}`]) {
    const s = keys(keys(atConfirm(), 'y'), `${typed}${ESC}`);
    assert.equal(s.screen, 'detail');
    assert.equal(s.secret, null);
    assert.equal(s.task, null);
    assert.deepEqual(s.history, ['menu', 'systems', 'overview']);
    assert.equal(s.notice?.text, 'Cancelled: the new password for root was not set. Nothing was changed.');
    assert.ok(!JSON.stringify(s).includes('abc') && !JSON.stringify(s).includes(PW.slice(0, 3)));
    assert.match(shown(s), /Cancelled: the new password for root was not set/);
  }
});

test('secret: the same entry twice starts the fix with it (Backspace erases); the state drops it once handed over', () => {
  let s = keys(keys(atConfirm(), 'y'), `${PW}XY\u007f\u007f${ENTER}${PW}${ENTER}`);
  assert.equal(s.screen, 'progress');
  assert.equal(s.secret, null);
  assert.equal(s.task?.spec.kind, 'fix');
  assert.equal(s.task?.spec.kind === 'fix' ? s.task.spec.secret : null, PW);
  s = reducer(s, { type: 'secret-taken', seq: s.task!.seq });
  assert.ok(!JSON.stringify(s).includes(PW), 'the state holds no copy while the fix runs');
  assert.equal(s.task?.spec.kind, 'fix');
  // A late or foreign secret-taken changes nothing.
  assert.equal(reducer(s, { type: 'secret-taken', seq: 99 }), s);
});

test('secret: a dry run asks for nothing (it changes nothing)', () => {
  const s = keys(atConfirm({ dryRun: true }), 'y');
  assert.equal(s.screen, 'progress');
  assert.equal(s.task?.spec.kind === 'fix' && s.task.spec.secret, undefined);
});

test('screens: a plugin whose fix is on request is planned when healthy; mismatch, cancel, then sent to fix()', async () => {
  const svc = standIn({ systems: [installation(1)], diagnoses: [passwdDiagnosis()], plan: passwdPlan() });
  const h = renderApp(svc);
  const frames: string[] = [];
  const see = async (t: string) => {
    const f = await h.waitFor(t);
    frames.push(f);
    assertConsoleSafe(f);
    return f;
  };
  try {
    await see('Repair a system');
    h.write(ENTER);
    await see('Evidence for');
    h.write(ENTER);
    await see('Passwords (login accounts)');
    h.write(ENTER);
    await see('Enter/f fix');
    assert.ok(svc.calls.includes('plan passwd {}'), svc.calls.join(', '));
    h.write(ENTER);
    let f = await see('Back up, then apply this plan?');
    assert.match(f, /Next, you type the new password for root \(twice; it is not shown\)\./);
    h.write('y');
    await see('Type the new password for root, then press Enter:');
    h.write(PW);
    await new Promise((r) => setTimeout(r, 50));
    frames.push(h.frame());
    h.write(ENTER);
    await see('Type it again');
    h.write(`other${ENTER}`);
    await see('[ERROR] The two entries differ');
    h.write(ESC);
    f = await see('Cancelled: the new password for root was not set. Nothing was changed.');
    assert.match(f, /What it will do:/);
    assert.ok(!svc.calls.some((c) => c.startsWith('fix')), 'no fix ran');
    h.write(`${ENTER}y`);
    await see('Type the new password for root');
    h.write(`${PW}${ENTER}`);
    await see('Type it again');
    h.write(`${PW}${ENTER}`);
    await see('[FIXED AND VERIFIED]');
    assert.equal(svc.lastSecret, PW);
    assert.deepEqual(svc.calls.filter((c) => c.startsWith('fix')), ['fix passwd']);
    h.write(`${ENTER}l`);
    await see('Session log');
    for (const x of frames) assert.ok(!x.includes(PW) && !x.includes('other'), `drawn:\n${x}`);
  } finally {
    h.unmount();
  }
});
