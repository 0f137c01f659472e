/** Pure parts of the passwd plugin: accounts from passwd/shadow/shells, password states, the plans, the secret check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loginAccounts, parseAccounts, parseShells, passwordState } from '../../src/rescue-plugins/passwd/accounts.js';
import { planPasswd } from '../../src/rescue-plugins/passwd/plan.js';
import { accountFinding, ACCOUNTS_FINDING, type AccountsData } from '../../src/rescue-plugins/passwd/diagnose.js';
import { checkSecret } from '../../src/rescue-plugins/flow.js';
import type { Installation } from '../../src/devices/types.js';
import type { Finding } from '../../src/rescue-plugins/types.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'sync:x:4:65534:sync:/bin:/bin/sync',
  'alice:x:1000:1000:Alice:/home/alice:/bin/bash',
  'bob:x:1001:1001::/home/bob:/usr/bin/zsh',
  'carol:x:1002:1002::/home/carol:/bin/sh',
  'old:$1$abcdefgh$0123456789012345678901:1003:1003::/home/old:/bin/sh',
  '+nis',
  'broken line',
].join('\n');
const SHADOW = [
  'root:$y$j9T$abc$defghijklmnopqrstuvwxyz0123456789ABCDEFG:20000:0:99999:7:::',
  'daemon:*:20000:0:99999:7:::',
  'alice:!$y$j9T$xyz$0123456789abcdefghijklmnopqrstuvwxyzABCDEF:20000:0:99999:7:::',
  'bob:!:20000:0:99999:7:::',
  'carol::20000:0:99999:7:::',
].join('\n');
const SHELLS = '# /etc/shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n';

test('password states', () => {
  assert.deepEqual(passwordState('$y$j9T$a$b'), { state: 'set', unlockable: false });
  assert.deepEqual(passwordState('!$y$j9T$a$b'), { state: 'locked', unlockable: true });
  assert.deepEqual(passwordState('!'), { state: 'locked', unlockable: false });
  assert.deepEqual(passwordState('!*'), { state: 'locked', unlockable: false });
  assert.deepEqual(passwordState('*'), { state: 'disabled', unlockable: false });
  assert.deepEqual(passwordState(''), { state: 'empty', unlockable: false });
});

test('accounts with a login shell: /etc/shells decides, nologin/sync never, root first; fields from shadow or passwd', () => {
  const all = parseAccounts(PASSWD, SHADOW);
  assert.equal(all.length, 7, 'NIS and broken lines are skipped');
  const login = loginAccounts(all, parseShells(SHELLS));
  assert.deepEqual(login.map((a) => a.name), ['root', 'alice', 'carol', 'old'], 'zsh is not in /etc/shells');
  assert.deepEqual(login.map((a) => [a.name, a.state, a.source]), [['root', 'set', 'shadow'], ['alice', 'locked', 'shadow'], ['carol', 'empty', 'shadow'], ['old', 'set', 'passwd']]);
  assert.deepEqual(loginAccounts(all, null).map((a) => a.name), ['root', 'alice', 'bob', 'carol', 'old'], 'without /etc/shells: anything but nologin/false/sync');
  for (const a of all) assert.match(a.digest, /^[0-9a-f]{16}$/);
  assert.ok(!JSON.stringify(all).includes('$y$'), 'no hash leaves the parser');
});

function findings(): Finding[] {
  const accounts = loginAccounts(parseAccounts(PASSWD, SHADOW), parseShells(SHELLS));
  const data: AccountsData = { accounts: accounts.map(({ name, uid, shell, source, state, unlockable, digest }) => ({ name, uid, shell, source, state, unlockable, digest })) };
  return [{ id: ACCOUNTS_FINDING, pluginId: 'passwd', title: 'x', state: 'checked', severity: 'info', evidence: [], fixable: false, data: data as unknown as Record<string, unknown> }, ...accounts.map(accountFinding)];
}
const SYS = {} as Installation;

test('an empty password field is a problem diagnose reports; a locked root is not', () => {
  const f = findings();
  assert.equal(f.find((x) => x.id === 'passwd.account-carol')?.state, 'detected');
  assert.equal(f.find((x) => x.id === 'passwd.account-alice')?.state, 'checked');
});

test('plan: root by default, chpasswd in the chroot with no password in it, asks the flow for a secret, backs up shadow and passwd', () => {
  const p = planPasswd(findings(), SYS, {});
  assert.deepEqual(p.blockers, []);
  assert.deepEqual(p.findings, ['passwd.account-root']);
  assert.deepEqual(p.actions, [{ kind: 'run', argv: ['chpasswd'], inChroot: true, why: p.actions[0]!.kind === 'run' ? p.actions[0]!.why : '' }]);
  assert.deepEqual(p.secret, { label: 'the new password for root' });
  assert.deepEqual(p.touches.map((t) => t.kind === 'path' && t.path), ['/etc/shadow', '/etc/shadow-', '/etc/passwd', '/etc/passwd-', '/etc/.pwd.lock']);
  const account = p.choices.find((c) => c.id === 'account')!;
  assert.deepEqual(account.options.map((o) => o.value), ['root', 'alice', 'carol', 'old']);
  assert.equal(account.default, 'root');
});

test('plan: a chosen account that does not exist (or has no login shell) is blocked, naming the accounts', () => {
  for (const name of ['nobody-here', 'daemon']) {
    const p = planPasswd(findings(), SYS, { account: name });
    assert.equal(p.blockers.length, 1);
    assert.match(p.blockers[0]!, new RegExp(`no account "${name}".*root, alice, carol, old`));
    assert.equal(p.actions.length, 0);
    assert.equal(p.touches.length, 0);
  }
});

test('plan: unlock a locked account with usermod -U (no secret); refuse when nothing is behind the lock or it is not locked', () => {
  const p = planPasswd(findings(), SYS, { account: 'alice', action: 'unlock' });
  assert.deepEqual(p.blockers, []);
  assert.equal(p.secret, undefined);
  assert.deepEqual(p.actions.map((a) => a.kind === 'run' && a.argv), [['usermod', '-U', 'alice']]);
  assert.match(planPasswd(findings(), SYS, { account: 'root', action: 'unlock' }).blockers[0]!, /not locked/);
  const bob = parseAccounts(PASSWD, SHADOW).find((a) => a.name === 'bob')!;
  assert.equal(bob.unlockable, false);
});

test('checkSecret: missing, empty, multi-line secrets are refused without quoting them', () => {
  assert.match(checkSecret('the new password for root', undefined)!.message, /needs the new password for root/);
  assert.match(checkSecret('the new password for root', '')!.message, /^The new password for root is empty/);
  const nl = checkSecret('the new password for root', 'abc\ndef')!;
  assert.match(nl.message, /line break/);
  assert.ok(!JSON.stringify(nl).includes('abc'));
  assert.equal(checkSecret('x', 'fine pass:word'), null);
});
