/**
 * What keeps a revert from doing harm: the state each path and range was left in by the fix
 * (recorded right after it), what changed since, and the check that every range's disk is the
 * one it was read from before anything is written back.
 */
import { FirstaidError } from '../../core/errors.js';
import type { Runner } from '../../core/runner.js';
import type { TargetRoot } from '../../core/target-root.js';
import type { ManifestObject, RestoreOptions } from './types.js';
import { hashRange } from '../objects/hash-file.js';
import { stateHash } from '../copy/tree.js';
import { identityMismatch, readDiskIdentity } from './identity.js';

type Devices = RestoreOptions['devices'];

const pathObjects = (objects: readonly ManifestObject[]) => objects.filter((o) => o.origin !== null);
const rangeObjects = (objects: readonly ManifestObject[]) => objects.filter((o) => o.type === 'range');

/** The state hash of every path the space holds, and of every range that can be read now. */
export async function fixStates(objects: readonly ManifestObject[], target: TargetRoot): Promise<Record<string, string>> {
  const states: Record<string, string> = {};
  for (const o of pathObjects(objects)) states[o.origin!] = await stateHash(await target.resolve(o.origin!, { followFinal: false }));
  // Ranges: the bytes the fix left on the disk (when the device can be read now).
  for (const o of rangeObjects(objects)) {
    const h = await hashRange(o.range!.device, o.range!.offset, o.range!.length).catch(() => null);
    if (h) states[`range:${o.name}`] = h;
  }
  return states;
}

/** Origins (and ranges) whose state is not what the fix left, compared on today's node of each disk. */
export async function changedSince(objects: readonly ManifestObject[], states: Record<string, string>, target: TargetRoot, runner: Runner, devices?: Devices): Promise<string[]> {
  const changed: string[] = [];
  for (const o of pathObjects(objects)) {
    const recorded = states[o.origin!];
    if (recorded === undefined) continue;
    const now = await stateHash(await target.resolve(o.origin!, { followFinal: false }));
    if (now !== recorded) changed.push(o.origin!);
  }
  for (const o of rangeObjects(objects)) {
    const recorded = states[`range:${o.name}`];
    if (recorded === undefined) continue;
    const r = o.range!;
    const dev = devices?.[r.device]?.path ?? r.device;
    // Unmapped: compare only when the recorded node is still that disk (else the revert refuses by identity).
    if (!devices?.[r.device]) {
      const id = await readDiskIdentity(runner, dev);
      if (!id || identityMismatch(r.identity, id)) continue;
    }
    const now = await hashRange(dev, r.offset, r.length).catch(() => null);
    if (now !== null && now !== recorded) changed.push(`${o.name} (bytes ${r.offset}..${r.offset + r.length} of ${dev})`);
  }
  return changed;
}

/** Throws before anything is written when a range's disk is not the one it was read from. */
export async function assertRangeDisks(spaceId: string, objects: readonly ManifestObject[], runner: Runner, devices?: Devices): Promise<void> {
  for (const o of rangeObjects(objects)) {
    const mapped = devices?.[o.range!.device];
    const now = mapped?.identity ?? (await readDiskIdentity(runner, o.range!.device));
    const why = now ? identityMismatch(o.range!.identity, now) : `${o.range!.device} is not there and no device was mapped to it`;
    if (why) throw new FirstaidError('wrong-disk', `Refusing to revert ${spaceId}: range "${o.name}": ${why}. Nothing was restored.`, 'Attach the disk the backup was made from.');
  }
}
