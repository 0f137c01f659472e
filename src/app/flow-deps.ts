/** The flow engine's deps, built once for both twins. */
import type { Teardown } from '../core/teardown.js';
import type { MountedSystem, TargetSession } from '../devices/types.js';
import type { FlowDeps, FlowStage } from '../rescue-plugins/types.js';
import type { AppContext } from './context.js';
import { openStore, storeDirFor } from './store.js';
import { openSystem } from './open-target.js';

export interface FlowDepsExtras {
  /** Where this target's mounts and loops are undone (default: the run's teardown). */
  teardown?: Teardown;
  signal?: AbortSignal;
  onProgress?: (stage: FlowStage, message: string) => void;
}

export function buildFlowDeps(ctx: Pick<AppContext, 'options' | 'runner' | 'log' | 'teardown'>, session: Pick<TargetSession, 'devices'>, system: MountedSystem, extras: FlowDepsExtras = {}): FlowDeps {
  return {
    runner: ctx.runner,
    log: ctx.log,
    teardown: extras.teardown ?? ctx.teardown,
    system,
    devices: session.devices,
    openStore: (dir) => openStore(ctx, dir === undefined ? { system } : { system, dir }, 'write'),
    storeDir: () => storeDirFor(ctx, { system }),
    ...(extras.signal ? { signal: extras.signal } : {}),
    ...(extras.onProgress ? { onProgress: extras.onProgress } : {}),
  };
}

/** Opens the target (see open-target.ts) and builds the flow deps on it: what diagnose, fix and revert start with. */
export async function openFlow(ctx: Pick<AppContext, 'options' | 'runner' | 'log' | 'teardown'>, opts: { writable: boolean }): Promise<{ deps: FlowDeps; session: TargetSession; system: MountedSystem }> {
  const { session, system } = await openSystem(ctx, opts);
  return { deps: buildFlowDeps(ctx, session, system), session, system };
}
