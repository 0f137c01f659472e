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
import { readRange, sha256, treeListing } from '../helpers/bytes.js';

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

export interface BootAreas {
  firstMiB: string;
  biosGrub: string | null;
  esp: string | null;
  grubTree: string[];
}

/** What the grub fix may change, byte for byte: the first MiB, the bios_grub and ESP partitions, /boot/grub (with modes). */
export async function bootAreas(image: string): Promise<BootAreas> {
  const c = await openImageContext(image, { writable: false });
  try {
    const sys = c.ctx.system;
    const bg = sys.biosGrub;
    return {
      firstMiB: sha256(readRange(image, 0, 1024 * 1024)),
      biosGrub: bg && bg.start !== null ? sha256(readRange(image, bg.start, bg.size)) : null,
      esp: sys.esp && sys.esp.start !== null ? sha256(readRange(image, sys.esp.start, sys.esp.size)) : null,
      grubTree: treeListing(await c.ctx.target.resolve('/boot/grub')),
    };
  } finally {
    await c.close();
  }
}
