/**
 * Read-only: the accounts with a login shell and the state of each one's password. Nothing
 * here is a problem except an empty password field (anyone may log in): resetting a password
 * is something the person asks for, not something diagnose finds.
 */
import type { Finding, PluginContext } from '../types.js';
import { describeState, loginAccounts, parseAccounts, parseShells, type Account } from './accounts.js';

export const PLUGIN_ID = 'passwd';
export const ACCOUNTS_FINDING = 'passwd.accounts';
export const accountFindingId = (name: string) => `passwd.account-${name}`;

/** What the planner needs from diagnose: no hash, only states and digests. */
export interface AccountsData {
  accounts: Pick<Account, 'name' | 'uid' | 'shell' | 'source' | 'state' | 'unlockable' | 'digest'>[];
}

export function accountFinding(a: Account | AccountsData['accounts'][number]): Finding {
  const empty = a.state === 'empty';
  return {
    id: accountFindingId(a.name),
    pluginId: PLUGIN_ID,
    title: `Account ${a.name} ${describeState(a as Account)}`,
    state: empty ? 'detected' : 'checked',
    severity: empty ? 'warning' : 'info',
    evidence: [`uid ${a.uid}, shell ${a.shell || '/bin/sh'}, password field in /etc/${a.source}`],
    fixable: empty,
    data: { name: a.name, state: a.state, digest: a.digest },
  };
}

export async function diagnosePasswd(ctx: PluginContext): Promise<Finding[]> {
  ctx.progress('reading /etc/passwd and /etc/shadow');
  const passwd = await ctx.target.readTextIfExists('/etc/passwd');
  if (passwd === undefined) {
    return [{ id: ACCOUNTS_FINDING, pluginId: PLUGIN_ID, title: '/etc/passwd does not exist', state: 'detected', severity: 'blocker', evidence: ['Without /etc/passwd nobody can log in; this needs a person (restore it from a backup).'], fixable: false }];
  }
  const shadow = await ctx.target.readTextIfExists('/etc/shadow');
  const shells = parseShells(await ctx.target.readTextIfExists('/etc/shells'));
  const accounts = loginAccounts(parseAccounts(passwd, shadow), shells);
  const data: AccountsData = { accounts: accounts.map(({ name, uid, shell, source, state, unlockable, digest }) => ({ name, uid, shell, source, state, unlockable, digest })) };
  return [
    {
      id: ACCOUNTS_FINDING,
      pluginId: PLUGIN_ID,
      title: `${accounts.length} account(s) with a login shell: ${accounts.map((a) => a.name).join(', ') || 'none'}`,
      state: 'checked',
      severity: 'info',
      evidence: [shadow === undefined ? 'No /etc/shadow: password fields are in /etc/passwd.' : 'Password fields read from /etc/shadow.'],
      fixable: false,
      data: data as unknown as Record<string, unknown>,
    },
    ...accounts.map(accountFinding),
  ];
}
