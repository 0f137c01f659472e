/** Opening the target both twins work on: options -> session -> the one installation, mounted. */
import { openTargetSession } from '../devices/session.js';
import { targetSpecFromOptions } from '../devices/target-spec.js';
import { pickInstallation } from '../devices/pick-installation.js';
import type { MountedSystem, TargetSession } from '../devices/types.js';
import type { AppContext } from './context.js';

type Ctx = Pick<AppContext, 'options' | 'runner' | 'log' | 'teardown'>;

/** A session on the target the options name (--image, --root, or a scan), registered on `teardown`. */
export function openSession(ctx: Ctx, opts: { writable: boolean }, teardown = ctx.teardown): Promise<TargetSession> {
  return openTargetSession(targetSpecFromOptions(ctx.options), { runner: ctx.runner, log: ctx.log, teardown }, opts);
}

/**
 * The session and its one installation (--system ID when several; a clear error listing the ids
 * otherwise, or when there is none), mounted read-only.
 */
export async function openSystem(ctx: Ctx, opts: { writable: boolean }): Promise<{ session: TargetSession; system: MountedSystem }> {
  const session = await openSession(ctx, opts);
  const inst = pickInstallation(session.installations, ctx.options.system, session);
  const system = await session.mount(inst);
  return { session, system };
}
