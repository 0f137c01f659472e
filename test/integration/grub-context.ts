/**
 * Test helper: open a fixture image the way the CLI does (loop attach, read-only mount) and
 * build the PluginContext the flow engine would hand the grub plugin.
 */
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';
import { Teardown } from '../../src/core/teardown.js';
import { openTargetSession } from '../../src/devices/session.js';
import { buildPluginContext } from '../../src/rescue-plugins/flow.js';
import type { MountedSystem, TargetSession } from '../../src/devices/types.js';
import type { PluginContext } from '../../src/rescue-plugins/types.js';

export interface GrubTestContext {
  ctx: PluginContext;
  system: MountedSystem;
  session: TargetSession;
  runner: Runner;
  log: SessionLog;
  teardown: Teardown;
  close(): Promise<void>;
}

export async function openImageContext(file: string, o: { writable: boolean; readOnlyCtx?: boolean }): Promise<GrubTestContext> {
  const log = new SessionLog();
  const runner = new Runner({ log });
  const teardown = new Teardown(log);
  try {
    const session = await openTargetSession({ kind: 'image', file }, { runner, log, teardown }, { writable: o.writable });
    if (session.installations.length !== 1) throw new Error(`expected one installation in ${file}, found ${session.installations.length}`);
    const system = await session.mount(session.installations[0]!);
    const ctx = buildPluginContext({ runner, log, teardown, system, devices: session.devices }, {}, () => (o.readOnlyCtx ?? !o.writable ? 'diagnose' : 'apply'), { readOnly: o.readOnlyCtx ?? !o.writable });
    return { ctx, system, session, runner, log, teardown, close: () => teardown.runAll() };
  } catch (err) {
    await teardown.runAll();
    throw err;
  }
}
