/** Which installation of a session to work on: --system ID, or the only one (pure). */
import { FirstaidError } from '../core/errors.js';
import { sessionNotes } from './session.js';
import { describeSpec } from './target-spec.js';
import type { Installation, TargetSession } from './types.js';

/** The error when a session holds no installation, with the reasons it found. */
export function noInstallationError(session: TargetSession): FirstaidError {
  const notes = sessionNotes(session);
  const why = notes.length ? `; ${notes.join('; ')}` : '; no Linux filesystem (ext2/3/4, xfs, btrfs) found';
  const hint = session.spec.kind === 'scan'
    ? 'Check that the disk is connected, or point firstaid at it with --image FILE or --root DIR.'
    : 'Check that this is the right disk or directory; "firstaid systems" lists what was found.';
  return new FirstaidError('no-installation', `no Linux installation found on ${describeSpec(session.spec)}${why}`, hint, 1);
}

/** Pure choice of the installation: --system ID, or the only one. */
export function pickInstallation(installations: Installation[], wanted: string | undefined, session: TargetSession): Installation {
  if (installations.length === 0) throw noInstallationError(session);
  const list = installations.map((i) => `${i.id} (${i.name} on ${i.root.device})`).join(', ');
  if (wanted !== undefined) {
    const hit = installations.find((i) => i.id === wanted || i.root.device === wanted);
    if (!hit) throw new FirstaidError('unknown-system', `No installation "${wanted}" here; found: ${list}.`, 'Give --system one of those ids.', 2);
    return hit;
  }
  if (installations.length > 1) {
    throw new FirstaidError('several-systems', `There are ${installations.length} installations: ${list}.`, 'Choose one with --system ID (ids as listed by "firstaid systems").', 2);
  }
  return installations[0]!;
}
