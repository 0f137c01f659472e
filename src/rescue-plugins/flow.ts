/**
 * The flow engine: diagnose (read-only) -> plan (pure) -> back up everything the plan touches
 * -> apply (read-write only now) -> verify -> restore at once on failure. The plugin never
 * orders these steps itself; this file is where "a plan whose backup did not complete never
 * runs" is enforced. No React here: the CLI and the screens both drive it.
 */
import { access } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import type { Runner } from '../core/runner.js';
import type { SessionLog } from '../core/log.js';
import type { Teardown } from '../core/teardown.js';
import { FirstaidError, asFirstaidError } from '../core/errors.js';
import type { BlockDevice, MountedSystem } from '../devices/types.js';
import type { BackupSpace, BackupStore } from '../backup/spaces/types.js';
import { checkStoreUsable } from '../backup/spaces/store.js';
import { freeBytes } from '../core/free-space.js';
import { openScratchFat } from '../devices/scratch-fat.js';
import type { Finding, FixResult, FlowDeps, FlowStage, Plan, PluginContext, RescuePlugin, Touch } from './types.js';
import { backupNvram, restoreValues } from './values.js';
import { diagnoseErrorFinding, isProblem, stillPresent } from './findings.js';
import { restoreDevices } from './revert.js';
// Kill during apply (issue 13): the journal and its test hook; see apply-journal.ts.
import { beginApply, endApply, findInterrupted, interruptedFinding, type InterruptedFix } from './apply-journal.js';
import { killPoint, withKillPoints } from './test-kill.js';

export { revertFix, parseBackupRef, describeObject, type RevertResult } from './revert.js';
export type { FlowDeps } from './types.js';

export interface PluginDiagnosis {
  pluginId: string;
  findings: Finding[];
  error?: { message: string; hint: string };
}

export interface RunFixOptions {
  dryRun: boolean;
  choices: Record<string, string>;
  /** The findings the plan was made from (reported in the result). */
  findingsBefore?: Finding[];
  /** The secret the plan asks for (Plan.secret): passed to apply as ctx.secret, nowhere else. */
  secret?: string;
}


/** The context a plugin step receives. `readOnly` contexts refuse remountReadWrite (diagnose). */
export function buildPluginContext(
  deps: Omit<FlowDeps, 'openStore' | 'storeDir'>,
  choices: Record<string, string>,
  stage: () => FlowStage,
  opts: { readOnly: boolean; secret?: string },
): PluginContext {
  const { system } = deps;
  return {
    system: system.installation,
    devices: deps.devices,
    target: system.target,
    runner: deps.runner,
    log: deps.log,
    choices,
    ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    progress: (step: string) => {
      deps.log.info(`${stage()}: ${step}`);
      deps.onProgress?.(stage(), step);
    },
    remountReadWrite: async () => {
      if (opts.readOnly) {
        throw new FirstaidError('read-only-step', 'A plugin asked to write while diagnosing.', 'This is a bug in the plugin: diagnose must only read.');
      }
      await system.remountReadWrite();
    },
    chroot: () => system.chroot(),
    scratchFat: async (o) => {
      const chroot = await system.chroot();
      return openScratchFat(deps, { mountpoint: await system.target.resolve(o.mountpoint), chrootRoot: chroot.root, method: o.method });
    },
    esp: () => system.esp(),
  };
}

/** Every plugin diagnoses (read-only); a plugin that throws yields an 'error' finding and the others still run. */
export async function diagnoseAll(plugins: readonly RescuePlugin[], deps: FlowDeps): Promise<PluginDiagnosis[]> {
  const out: PluginDiagnosis[] = [];
  const interrupted = await interruptedFixes(deps);
  for (const plugin of plugins) {
    if (deps.signal?.aborted) break;
    deps.onProgress?.('diagnose', plugin.title);
    const ctx = buildPluginContext(deps, {}, () => 'diagnose', { readOnly: true });
    try {
      const findings = (await plugin.diagnose(ctx)).map((f) => ({ ...f, pluginId: f.pluginId || plugin.id }));
      deps.log.info(`diagnose ${plugin.id}: ${findings.filter(isProblem).length} problem(s) among ${findings.length} check(s)`);
      out.push({ pluginId: plugin.id, findings: [...interrupted.filter((j) => j.pluginId === plugin.id).map(interruptedFinding), ...findings] });
    } catch (err) {
      const e = asFirstaidError(err);
      deps.log.error(`diagnose ${plugin.id} failed: ${e.message}`);
      out.push({ pluginId: plugin.id, findings: [diagnoseErrorFinding(plugin.id, plugin.title, e.message, e.hint)], error: { message: e.message, hint: e.hint } });
    }
  }
  return out;
}

/** Diagnoses one plugin; throws (as FirstaidError) when its checks cannot run. */
export async function diagnosePlugin(plugin: RescuePlugin, deps: FlowDeps): Promise<Finding[]> {
  const [d] = await diagnoseAll([plugin], deps);
  if (d?.error) throw new FirstaidError('diagnose-failed', `The ${plugin.title} checks could not run: ${d.error.message}`, d.error.hint);
  return d?.findings ?? [];
}

/** The plan for these findings (the plugin's pure planner; fills in the choices' defaults). */
export async function planFix(plugin: RescuePlugin, findings: Finding[], deps: FlowDeps, choices: Record<string, string>): Promise<Plan> {
  deps.onProgress?.('plan', plugin.title);
  try {
    const plan = plugin.plan(findings, deps.system.installation, choices);
    for (const c of plan.choices) {
      const v = choices[c.id];
      if (v !== undefined && !c.options.some((o) => o.value === v)) {
        throw new FirstaidError('bad-choice', `"${v}" is not an answer to "${c.question}" (${c.id}).`, `Use --choice ${c.id}=${c.options.map((o) => o.value).join('|')}.`, 2);
      }
    }
    return plan;
  } catch (err) {
    if (err instanceof FirstaidError) throw err;
    const e = asFirstaidError(err);
    throw new FirstaidError('plan-failed', `The ${plugin.title} plan could not be made: ${e.message}`, e.hint);
  }
}

/** The choices with every unanswered one set to its default. */
export function effectiveChoices(plan: Plan, choices: Record<string, string>): Record<string, string> {
  const out = { ...choices };
  for (const c of plan.choices) if (out[c.id] === undefined) out[c.id] = c.default;
  return out;
}

/** Whether the plan would change anything. */
export function planIsEmpty(plan: Plan): boolean {
  return plan.actions.every((a) => a.kind === 'note') && plan.touches.length === 0;
}

/** Bytes the backup of these touches will need (paths measured inside the target). */
async function neededBytes(touches: readonly Touch[], system: MountedSystem): Promise<number> {
  let total = 0;
  const { lstat, readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const measure = async (host: string, depth: number): Promise<number> => {
    let st;
    try {
      st = await lstat(host);
    } catch {
      return 0;
    }
    if (!st.isDirectory() || depth > 64) return st.size;
    let sum = 4096;
    for (const name of await readdir(host)) sum += await measure(join(host, name), depth + 1);
    return sum;
  };
  for (const t of touches) {
    if (t.kind === 'range') total += t.length;
    else if (t.kind === 'path') total += await measure(await system.target.resolve(t.path, { followFinal: false }), 0);
  }
  // Room for manifests and for the fix to write its new files beside them.
  return total + 1024 * 1024;
}

/**
 * The fix rewrites the paths it touches on the target (atomically: old and new side by side), so the
 * target needs that much room too; a full target is refused before anything is written.
 */
async function checkTargetRoom(touches: readonly Touch[], system: MountedSystem): Promise<void> {
  const paths = touches.filter((t) => t.kind === 'path');
  if (paths.length === 0) return;
  const need = (await neededBytes(paths, system)) - 1024 * 1024 + 256 * 1024;
  const free = await freeBytes(system.target.root);
  if (free < need) {
    throw new FirstaidError('target-full', `The installation's filesystem is full: ${free} bytes free, the fix needs about ${need}.`, 'Nothing was changed. Free some space on it first (e.g. remove old files under /var/log or /var/cache/apt), then run the fix again.');
  }
}

/** Fixes of this target's store whose apply was interrupted (a kill, a power cut); never throws. */
export async function interruptedFixes(deps: FlowDeps): Promise<InterruptedFix[]> {
  try {
    return await findInterrupted(await deps.storeDir());
  } catch (err) {
    deps.log.warn(`could not look for interrupted fixes: ${asFirstaidError(err).message}`);
    return [];
  }
}

/**
 * A filesystem that mount quietly left read-only (ext4's read-only feature, a write-protected
 * disk, errors=remount-ro): refused before the backup, with the real cause, not the store's.
 */
async function checkTargetWritable(system: MountedSystem): Promise<void> {
  try {
    await access(system.target.root, fsConstants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EROFS') throw err;
    throw new FirstaidError('target-read-only', `The installation's filesystem ${system.installation.root.device} stays read-only: it could not be mounted read-write.`, 'Nothing was changed. Find out why (dmesg: a write-protected disk, the ext4 "read-only" feature, filesystem errors: run fsck), then run the fix again.');
  }
}

function result(plugin: RescuePlugin, plan: Plan, partial: Partial<FixResult>): FixResult {
  return {
    pluginId: plugin.id,
    ok: false,
    verified: false,
    backupId: null,
    backupDir: null,
    findingsBefore: [],
    findingsAfter: [],
    restored: false,
    error: null,
    plan,
    ...partial,
  };
}

/** Backs up every touch into the space, commits and verifies it. Throws when anything is missing. */
async function backUp(space: BackupSpace, plan: Plan, system: MountedSystem, progress: (m: string) => void, runner: Runner): Promise<void> {
  const seen = new Set<string>();
  for (const t of plan.touches) {
    if (t.kind === 'path') {
      if (seen.has(`path:${t.path}`)) continue;
      seen.add(`path:${t.path}`);
      progress(`backing up ${t.path}`);
      await space.backupPath(t.path);
    } else if (t.kind === 'nvram') {
      progress(`backing up the firmware's boot entries (${t.why})`);
      await backupNvram(space, runner);
    } else {
      if (seen.has(`range:${t.name}`)) continue;
      seen.add(`range:${t.name}`);
      progress(`backing up ${t.length} bytes of ${t.device} at ${t.offset} (${t.why})`);
      await space.backupRange(t.device, t.offset, t.length, t.name, system.installation.disk);
    }
  }
  await space.commit();
  const v = await space.verify();
  if (!v.ok) {
    throw new FirstaidError('backup-unverified', `The backup did not verify: ${v.problems.join('; ')}`, 'Nothing was changed. Check the backup store (free space, disk errors) and try again, or choose another with --backup-store DIR.');
  }
}

/** Why a secret cannot be used (never quoting it), or null. Secrets are single lines. */
export function checkSecret(label: string, secret: string | undefined): { message: string; hint: string } | null {
  const hint = 'Nothing was changed. On the command line give it on standard input with --password-stdin (e.g. from a file or a pipe).';
  if (secret === undefined) return { message: `This fix needs ${label}, and none was given.`, hint };
  if (secret.length === 0) return { message: `${label.replace(/^./, (c) => c.toUpperCase())} is empty.`, hint };
  if (/[\r\n\0]/.test(secret)) return { message: `${label.replace(/^./, (c) => c.toUpperCase())} contains a line break or a NUL character.`, hint };
  return null;
}

/**
 * Runs a plan: blockers -> read-write -> store -> backup (complete and verified, or nothing
 * runs) -> apply -> verify -> record. On failure after the backup, restores at once.
 */
export async function runFix(plugin: RescuePlugin, plan: Plan, deps: FlowDeps, opts: RunFixOptions): Promise<FixResult> {
  const findingsBefore = opts.findingsBefore ?? [];
  const choices = effectiveChoices(plan, opts.choices);
  let stage: FlowStage = 'plan';
  const progress = (m: string) => {
    deps.log.info(`${plugin.id} ${stage}: ${m}`);
    deps.onProgress?.(stage, m);
  };

  if (plan.blockers.length > 0) {
    return result(plugin, plan, {
      findingsBefore,
      error: { message: `The plan cannot run: ${plan.blockers.join(' ')}`, hint: 'Nothing was changed. The findings explain what needs a person; fix that by hand, then run the fix again.' },
    });
  }
  if (planIsEmpty(plan)) {
    return result(plugin, plan, { ok: true, verified: true, findingsBefore, findingsAfter: findingsBefore });
  }
  const secretProblem = plan.secret && !opts.dryRun ? checkSecret(plan.secret.label, opts.secret) : null;
  if (secretProblem) return result(plugin, plan, { findingsBefore, error: secretProblem });
  if (opts.dryRun) {
    // Nothing is mounted read-write and nothing is backed up: the plan is the answer.
    return result(plugin, plan, { ok: true, findingsBefore });
  }

  stage = 'backup';
  let space: BackupSpace | null = null;
  let store: BackupStore | null = null;
  try {
    progress('mounting the target read-write');
    await deps.system.remountReadWrite();
    await checkTargetWritable(deps.system);
    await checkTargetRoom(plan.touches, deps.system);
    store = await deps.openStore();
    await checkStoreUsable(store.dir, await neededBytes(plan.touches, deps.system));
    space = await store.getBackup(plugin.id, deps.system.target, { persistent: true, description: plan.summary });
    await backUp(space, plan, deps.system, progress, deps.runner);
    deps.log.info(`backup ${space.id} complete and verified in ${space.dir}`);
    // From here on a kill leaves a record naming the backup that undoes it.
    await beginApply(store.dir, space, plan);
  } catch (err) {
    const e = asFirstaidError(err);
    deps.log.error(`backup failed, the plan does not run: ${e.message}`);
    // Nothing was changed, so a half-made space is of no use: remove it (kept, and named, if that fails).
    if (space && store) {
      const failed = space;
      const removed = await store.deleteSpace(failed.id).then(() => true, (derr: unknown) => {
        deps.log.warn(`could not remove the incomplete backup ${failed.id}: ${asFirstaidError(derr).message}`);
        return false;
      });
      if (removed) space = null;
    }
    return result(plugin, plan, {
      findingsBefore,
      backupId: space?.id ?? null,
      backupDir: space?.dir ?? null,
      error: { message: `The backup failed, so nothing was changed: ${e.message}`, hint: e.hint },
    });
  }

  const ctx = withKillPoints(buildPluginContext(deps, choices, () => stage, { readOnly: false, ...(plan.secret && opts.secret !== undefined ? { secret: opts.secret } : {}) }));
  const ids = { backupId: space.id, backupDir: space.dir };
  if (deps.signal?.aborted) {
    // Stopped between backup and apply: nothing was changed, the (complete) backup stays.
    await endApply(store.dir, space.id).catch(() => undefined);
    await store.closeBackup(space.id).catch(() => undefined);
    return result(plugin, plan, { ...ids, findingsBefore, error: { message: 'The fix was cancelled before anything was changed.', hint: 'Start it again when ready.' } });
  }
  let findingsAfter: Finding[] = [];
  try {
    stage = 'apply';
    progress(plan.summary);
    killPoint('apply starts');
    await plugin.apply(plan, ctx);
    killPoint('apply done');
    stage = 'verify';
    progress('checking the result');
    findingsAfter = await plugin.verify(plan, ctx);
    const left = stillPresent(plan.findings, findingsAfter);
    if (left.length > 0) {
      throw new FirstaidError('not-fixed', `The fix ran but did not solve: ${left.map((f) => f.title).join('; ')}`, 'The backup was restored. The session log has the details.');
    }
  } catch (err) {
    const e = asFirstaidError(err);
    deps.log.error(`${plugin.id} ${stage} failed: ${e.message}; restoring the backup`);
    stage = 'restore';
    progress(`restoring ${space.id}`);
    try {
      await space.revertAll({ force: true, ...(await restoreDevices(space, deps)) });
      await endApply(store.dir, space.id).catch(() => undefined);
      await restoreValues(space, deps.runner);
      await store.closeBackup(space.id).catch(() => undefined);
      return result(plugin, plan, {
        ...ids,
        findingsBefore,
        findingsAfter,
        restored: true,
        error: { message: e.message, hint: `Everything the fix touched was restored from ${space.id}; the backup is kept in ${space.dir}.` },
      });
    } catch (rerr) {
      const r = asFirstaidError(rerr);
      deps.log.error(`restore of ${space.id} failed: ${r.message}`);
      return result(plugin, plan, {
        ...ids,
        findingsBefore,
        findingsAfter,
        error: { message: `${e.message} Restoring the backup failed too: ${r.message}`, hint: `Run "firstaid revert ${space.id}" once the cause is fixed; the backup is in ${space.dir}.` },
      });
    }
  }

  stage = 'done';
  try {
    // A read-write kernel vfat mount writes the ESP when it is unmounted (its dirty flag):
    // released first, so the ESP's state recorded here is the one a revert later finds.
    await deps.system.closeEsp?.();
    await space.recordFixResult();
  } catch (err) {
    // The fix worked; a later revert will only lack the "changed since" safety net.
    deps.log.warn(`could not record the fix result in ${space.id}: ${asFirstaidError(err).message}`);
  }
  killPoint('fix recorded');
  await endApply(store.dir, space.id).catch((err: unknown) => deps.log.warn(`could not remove the apply journal of ${space.id}: ${asFirstaidError(err).message}`));
  await store.closeBackup(space.id).catch(() => undefined);
  progress(`done; backup ${space.id}`);
  return result(plugin, plan, {
    ...ids,
    ok: true,
    verified: true,
    findingsBefore,
    findingsAfter: markFixed(plan, findingsBefore, findingsAfter),
  });
}

/** The findings after a fix, with each one the plan addressed shown as 'fixed' (also when the check that found it no longer reports it). */
export function markFixed(plan: Plan, before: readonly Finding[], after: readonly Finding[]): Finding[] {
  const out = after.map((f) => (plan.findings.includes(f.id) && f.state === 'checked' ? { ...f, state: 'fixed' as const } : f));
  for (const id of plan.findings) {
    if (out.some((f) => f.id === id)) continue;
    const was = before.find((f) => f.id === id);
    if (was) out.unshift({ ...was, state: 'fixed' });
  }
  return out;
}
