/** Flow deps for tests, built the way both twins build them (src/app/flow-deps.ts), with the store given as --backup-store. */
import { buildFlowDeps, type FlowDepsExtras } from '../../src/app/flow-deps.js';
import type { GlobalOptions } from '../../src/app/options.js';
import type { SessionLog } from '../../src/core/log.js';
import type { Runner } from '../../src/core/runner.js';
import type { Teardown } from '../../src/core/teardown.js';
import type { BlockDevice, MountedSystem } from '../../src/devices/types.js';
import type { FlowDeps } from '../../src/rescue-plugins/types.js';

export function testOptions(over: Partial<GlobalOptions> = {}): GlobalOptions {
  return { json: false, dryRun: false, yes: false, force: false, help: false, version: false, choices: {}, ...over };
}

export function testFlowDeps(o: { runner: Runner; log: SessionLog; teardown: Teardown; system: MountedSystem; devices: BlockDevice[]; storeDir: string } & FlowDepsExtras): FlowDeps {
  const { runner, log, teardown, system, devices, storeDir, ...extras } = o;
  return buildFlowDeps({ options: testOptions({ backupStore: storeDir }), runner, log, teardown }, { devices }, system, { teardown, ...extras });
}
