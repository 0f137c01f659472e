/**
 * Pure: accounts from /etc/passwd, /etc/shadow and /etc/shells, and what state each one's
 * password is in. Only the state and a digest of the hash field leave this file, never a hash.
 */
import { createHash } from 'node:crypto';

export type PasswordState = 'set' | 'locked' | 'disabled' | 'empty';

export interface Account {
  name: string;
  uid: number;
  shell: string;
  home: string;
  /** Where the password field lives: shadow normally, passwd on a system without one. */
  source: 'shadow' | 'passwd';
  state: PasswordState;
  /** Locked ("!hash"): a real hash is behind the "!", so unlocking gives a usable password. */
  unlockable: boolean;
  /** sha256 of the password field (to see that a fix changed it), 16 hex digits. */
  digest: string;
}

const NO_LOGIN = /(^|\/)(nologin|false|sync|shutdown|halt)$/;

export function parseShells(text: string | undefined): Set<string> | null {
  if (text === undefined) return null;
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')));
}

/** A shell someone can log in with: listed in /etc/shells when there is one, else not nologin/false. */
export function isLoginShell(shell: string, shells: Set<string> | null): boolean {
  if (!shell) return true; // an empty shell field means /bin/sh
  if (NO_LOGIN.test(shell)) return false;
  return shells ? shells.has(shell) : true;
}

export function passwordState(field: string): { state: PasswordState; unlockable: boolean } {
  if (field === '') return { state: 'empty', unlockable: false };
  if (field.startsWith('!')) {
    const rest = field.replace(/^!+/, '');
    return { state: 'locked', unlockable: rest !== '' && rest !== '*' && !rest.startsWith('!') };
  }
  if (field === '*' || field === 'x' || !field.startsWith('$') && field.length < 13) return { state: 'disabled', unlockable: false };
  return { state: 'set', unlockable: false };
}

export function fieldDigest(field: string): string {
  return createHash('sha256').update(field).digest('hex').slice(0, 16);
}

/** The password field of each account in shadow (name -> field). */
export function parseShadow(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 2 && f[0] && !out.has(f[0])) out.set(f[0], f[1]!);
  }
  return out;
}

/** Every account in passwd, with its password state (from shadow when the field is "x"). */
export function parseAccounts(passwd: string, shadow: string | undefined): Account[] {
  const sh = parseShadow(shadow);
  const out: Account[] = [];
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0] || line.startsWith('+') || line.startsWith('-')) continue;
    const [name, pw, uid, , , home, shell] = f as [string, string, string, string, string, string, string];
    const inShadow = pw === 'x' && sh.has(name);
    const field = inShadow ? sh.get(name)! : pw;
    out.push({ name, uid: Number(uid), shell, home, source: inShadow ? 'shadow' : 'passwd', ...passwordState(field), digest: fieldDigest(field) });
  }
  return out;
}

/** The accounts a person can log in as (login shell), root first, then by uid. */
export function loginAccounts(accounts: readonly Account[], shells: Set<string> | null): Account[] {
  return accounts
    .filter((a) => a.name === 'root' || isLoginShell(a.shell, shells))
    .sort((a, b) => (a.name === 'root' ? -1 : b.name === 'root' ? 1 : a.uid - b.uid));
}

export function describeState(a: Account): string {
  switch (a.state) {
    case 'set': return 'has a password';
    case 'locked': return a.unlockable ? 'is locked (a password is kept behind the lock)' : 'is locked and has no password behind the lock';
    case 'disabled': return 'has no password (password login disabled)';
    case 'empty': return 'has an EMPTY password field (anyone can log in without a password)';
  }
}
