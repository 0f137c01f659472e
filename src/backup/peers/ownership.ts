/** Pool owner names to ids, through getent (NSS: /etc/passwd, LDAP...), never by reading files ourselves. */
import { FirstaidError } from '../../core/errors.js';
import type { Runner } from '../../core/runner.js';
import type { Owner } from './place.js';
import type { Ownership } from './types.js';

async function lookup(runner: Runner, db: 'passwd' | 'group', name: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const r = await runner.run('getent', [db, name], { readOnly: true, allowFailure: true });
  const id = r.exitCode === 0 ? Number(r.stdout.split(':')[2]) : NaN;
  if (!Number.isInteger(id)) {
    throw new FirstaidError('no-such-owner', `There is no ${db === 'passwd' ? 'user' : 'group'} "${name}" on this machine.`, 'Fix "ownership" in the pool file, or create the user or group.');
  }
  return id;
}

export async function resolveOwnership(runner: Runner, o: Ownership | undefined): Promise<Owner> {
  if (!o) return {};
  return {
    ...(o.user !== undefined ? { uid: await lookup(runner, 'passwd', o.user) } : {}),
    ...(o.group !== undefined ? { gid: await lookup(runner, 'group', o.group) } : {}),
  };
}

/** uid and primary gid of a local user (the one a peer's copies run as). */
export async function userIds(runner: Runner, name: string): Promise<{ uid: number; gid: number }> {
  const r = await runner.run('getent', ['passwd', name], { readOnly: true, allowFailure: true });
  const f = r.stdout.split(':');
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  if (r.exitCode !== 0 || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new FirstaidError('no-such-owner', `There is no user "${name}" on this machine (localUser).`, 'Fix localUser in the pool file, or create the user.');
  }
  return { uid, gid };
}
