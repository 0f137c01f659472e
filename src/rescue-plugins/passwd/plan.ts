/**
 * Pure planner: reset the chosen account's password (chpasswd in the chroot, the new password
 * on its standard input, so the installation's own PAM/login.defs method hashes it) or unlock a
 * locked one (usermod -U). The password itself is never part of the plan: the plan asks the
 * flow for it (Plan.secret). Backed up first: /etc/shadow and /etc/passwd with their "-" copies
 * (shadow's tools rewrite those too) and the lock file.
 */
import type { Installation } from '../../devices/types.js';
import type { Finding, Plan, PlanAction, PlanChoice } from '../types.js';
import { ACCOUNTS_FINDING, PLUGIN_ID, accountFindingId, type AccountsData } from './diagnose.js';

export const TOUCHED = ['/etc/shadow', '/etc/shadow-', '/etc/passwd', '/etc/passwd-', '/etc/.pwd.lock'];

export interface PasswdPlanData {
  account: string;
  action: 'reset' | 'unlock';
  /** Digest of the password field before the fix (verify checks it changed). */
  digest: string;
}

export function passwdChoices(data: AccountsData | undefined): PlanChoice[] {
  const names = (data?.accounts ?? []).map((a) => a.name);
  return [
    { id: 'account', question: 'Which account (one with a login shell)?', options: names.map((n) => ({ value: n, label: n })), default: names.includes('root') ? 'root' : (names[0] ?? 'root') },
    { id: 'action', question: 'What to do?', options: [{ value: 'reset', label: 'set a new password' }, { value: 'unlock', label: 'unlock the locked password' }], default: 'reset' },
  ];
}

export function planPasswd(findings: Finding[], _system: Installation, choices: Record<string, string>): Plan {
  const data = findings.find((f) => f.id === ACCOUNTS_FINDING)?.data as AccountsData | undefined;
  const planChoices = passwdChoices(data);
  const name = choices.account ?? planChoices[0]!.default;
  const action = choices.action === 'unlock' ? 'unlock' : 'reset';
  const account = data?.accounts.find((a) => a.name === name);
  const base = { pluginId: PLUGIN_ID, touches: [] as Plan['touches'], needsChroot: true, choices: planChoices };
  if (!data) return { ...base, findings: [], summary: 'No accounts to work on', actions: [], blockers: ['/etc/passwd could not be read.'] };
  if (!account) {
    return {
      ...base, findings: [], summary: `No account "${name}"`, actions: [],
      blockers: [`There is no account "${name}" with a login shell in the installation. Its accounts: ${data.accounts.map((a) => a.name).join(', ') || 'none'} (choose with --choice account=NAME).`],
    };
  }
  const planData: PasswdPlanData = { account: account.name, action, digest: account.digest };
  const touches = TOUCHED.map((path) => ({ kind: 'path' as const, path }));
  let actions: PlanAction[];
  const blockers: string[] = [];
  if (action === 'unlock') {
    if (account.state !== 'locked') blockers.push(`The password of ${account.name} is not locked, so there is nothing to unlock (to set a new one: --choice action=reset).`);
    else if (!account.unlockable) blockers.push(`The account ${account.name} is locked with no password behind the lock: unlocking would leave it without a password. Set a new one instead (--choice action=reset).`);
    actions = [{ kind: 'run', argv: ['usermod', '-U', account.name], inChroot: true, why: `unlock the password of ${account.name}` }];
  } else {
    actions = [{ kind: 'run', argv: ['chpasswd'], inChroot: true, why: `set the new password of ${account.name} (given on chpasswd's standard input, hashed with the installation's own method)` }];
  }
  return {
    ...base,
    findings: [accountFindingId(account.name)],
    summary: action === 'unlock' ? `Unlock the password of ${account.name}` : `Set a new password for ${account.name}`,
    actions,
    touches,
    blockers,
    data: planData as unknown as Record<string, unknown>,
    ...(action === 'reset' ? { secret: { label: `the new password for ${account.name}` } } : {}),
  };
}
