/**
 * The services interface over the real core: a target session (devices), the flow engine and
 * the backup store. Thin on purpose: the screens' logic is tested with a stand-in, the core
 * with its own tests; this file only maps one onto the other.
 */
import { FirstaidError } from '../core/errors.js';
import { Teardown, type TeardownHandle } from '../core/teardown.js';
import type { CliContext } from '../cli/context.js';
import { describeSpec } from '../devices/target-spec.js';
import { openSessionOn } from '../app/open-target.js';
import { targetLabel, targetOfOptions } from '../app/target-label.js';
import { buildFlowDeps } from '../app/flow-deps.js';
import { openStore, storeDirFor } from '../app/store.js';
import type { MountedSystem, TargetSession, TargetSpec } from '../devices/types.js';
import { describeObject, diagnoseAll, planFix, revertFix, runFix, type FlowDeps } from '../rescue-plugins/flow.js';
import { PLUGINS, requirePlugin } from '../rescue-plugins/registry.js';
import type { Finding, FlowStage } from '../rescue-plugins/types.js';
import type { BackupEntry, OnProgress, PluginDiagnosis, RevertResult, Services, TargetChoice } from './services.js';

/** Stages after which stopping midway would leave a half-applied fix (the engine restores on failure). */
const UNSAFE: FlowStage[] = ['apply', 'verify', 'restore'];

export class RealServices implements Services {
  private spec: TargetSpec;
  private session: TargetSession | null = null;
  /** Undoes this session's loop devices and mounts (when another image is attached, or on close). */
  private sessionTeardown: Teardown | null = null;
  private sessionHandle: TeardownHandle | null = null;
  private system: MountedSystem | null = null;
  private findings = new Map<string, Finding[]>();

  readonly dryRun: boolean;

  constructor(private readonly ctx: CliContext) {
    this.spec = targetOfOptions(ctx.options);
    this.dryRun = ctx.runner.dryRun;
  }

  describeTarget(): string {
    return targetLabel(this.spec);
  }

  private async closeSession(): Promise<void> {
    this.system = null;
    this.session = null;
    this.findings.clear();
    const handle = this.sessionHandle;
    const teardown = this.sessionTeardown;
    this.sessionHandle = null;
    this.sessionTeardown = null;
    // Undo first, then drop the step: Teardown's release() removes a step before running it, so a
    // signal arriving meanwhile (terminal closed: stdin ends, then SIGHUP) would find nothing to
    // wait for and exit with the loop device still attached. runAll() is shared by both callers.
    await teardown?.runAll();
    handle?.forget();
  }

  async listSystems(target?: TargetChoice, onProgress?: OnProgress) {
    if (target?.image !== undefined) this.spec = { kind: 'image', file: target.image };
    else if (target?.root !== undefined) this.spec = { kind: 'root', dir: target.root };
    await this.closeSession();
    onProgress?.({ step: `Looking at ${describeSpec(this.spec)} (read-only)` });
    const teardown = new Teardown(this.ctx.log);
    this.sessionTeardown = teardown;
    this.sessionHandle = this.ctx.teardown.push('screens: target session', () => teardown.runAll());
    this.session = await openSessionOn(this.ctx, this.spec, { writable: true }, teardown);
    return this.session.installations;
  }

  async selectSystem(id: string): Promise<void> {
    if (this.system?.installation.id === id) return;
    if (!this.session || !this.sessionTeardown) throw new FirstaidError('no-session', 'No disk has been looked at yet.', 'Choose "Repair a system" first.');
    const inst = this.session.installations.find((i) => i.id === id);
    if (!inst) throw new FirstaidError('unknown-system', `The installation ${id} is not on this disk any more.`, 'Go back and choose the system again.');
    await this.system?.close();
    this.findings.clear();
    this.system = await this.session.mount(inst);
  }

  private deps(onProgress?: OnProgress, signal?: AbortSignal): FlowDeps {
    if (!this.session || !this.system || !this.sessionTeardown) throw new FirstaidError('no-system', 'No system is chosen.', 'Choose the system first (Repair a system).');
    return buildFlowDeps(this.ctx, this.session, this.system, {
      teardown: this.sessionTeardown,
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onProgress: (stage: FlowStage, message: string) => onProgress({ step: `${stage}: ${message}`, stage, cancellable: !UNSAFE.includes(stage) }) } : {}),
    });
  }

  async diagnose(onProgress?: OnProgress, signal?: AbortSignal): Promise<PluginDiagnosis[]> {
    const out = await diagnoseAll(PLUGINS, this.deps(onProgress, signal));
    return out.map((d) => {
      const plugin = requirePlugin(d.pluginId);
      this.findings.set(d.pluginId, d.findings);
      return { pluginId: d.pluginId, title: plugin.title, description: plugin.description, findings: d.findings, error: d.error ?? null, ...(plugin.fixOnRequest ? { fixOnRequest: true } : {}) };
    });
  }

  async plan(pluginId: string, choices: Record<string, string>) {
    return planFix(requirePlugin(pluginId), this.findings.get(pluginId) ?? [], this.deps(), choices);
  }

  async fix(pluginId: string, plan: import('../rescue-plugins/types.js').Plan, choices: Record<string, string>, onProgress: OnProgress, signal: AbortSignal, secret?: string) {
    const r = await runFix(requirePlugin(pluginId), plan, this.deps(onProgress, signal), {
      dryRun: this.ctx.runner.dryRun,
      choices,
      findingsBefore: this.findings.get(pluginId) ?? [],
      ...(secret !== undefined ? { secret } : {}),
    });
    this.findings.delete(pluginId);
    return { ...r, backupDir: r.backupDir === null ? null : this.asSeenByInstallation(r.backupDir) };
  }

  /** A store on the target's disk is named as the installation sees it: that path survives the reboot. */
  private asSeenByInstallation(dir: string): string {
    try {
      return `${this.system?.target.toTargetPath(dir) ?? dir} (on the installation's disk)`;
    } catch {
      return dir;
    }
  }

  async listBackups(): Promise<BackupEntry[]> {
    const store = await openStore(this.ctx, { system: this.system }, 'read');
    const list = await store.list();
    const target = this.system?.target;
    if (!target) return list; // --backup-store without a system: host paths are the real ones
    // What each holds, from its manifest (reading only); a damaged one just lists without it.
    return Promise.all(
      list.map(async (b): Promise<BackupEntry> => {
        try {
          const objects = await (await store.openSpace(b.id, target)).list();
          return { ...b, dir: this.asSeenByInstallation(b.dir), contents: objects.map(describeObject) };
        } catch {
          return { ...b, dir: this.asSeenByInstallation(b.dir) };
        }
      }),
    );
  }

  async revert(backupId: string, opts: { force: boolean }, onProgress: OnProgress, signal: AbortSignal): Promise<RevertResult> {
    return this.revertFrom(backupId, backupId, opts, onProgress, signal);
  }

  /** `ref`: the backup id in the store, or the host path of a space (one read off a disc). */
  private async revertFrom(ref: string, backupId: string, opts: { force: boolean }, onProgress: OnProgress, signal: AbortSignal): Promise<RevertResult> {
    try {
      const r = await revertFix(ref, this.deps(onProgress, signal), opts);
      this.findings.clear();
      return { backupId, ok: true, error: null, changedSinceFix: [], restored: r.objects };
    } catch (err) {
      if (!(err instanceof FirstaidError) || err.code !== 'changed-since-fix') throw err;
      const list = (err.details['changed'] as string[] | undefined) ?? [];
      return { backupId, ok: false, error: { message: 'Some files changed after the fix, so nothing was restored.', hint: 'Look at the list; press f to restore anyway (overwrites those changes).' }, changedSinceFix: list };
    }
  }

  async archive(job: import('./copyoff-state.js').CopyJob, onProgress: OnProgress, signal: AbortSignal) {
    const { runArchive } = await import('./archive-services.js');
    const storeDir = this.system || this.ctx.options.backupStore !== undefined ? await storeDirFor(this.ctx, { system: this.system }) : null;
    return runArchive(this.ctx, this.system?.target ?? null, storeDir, job, onProgress, signal);
  }

  async disc(job: import('./discs-state.js').DiscJob, onProgress: OnProgress, signal: AbortSignal) {
    const { runDisc } = await import('./disc-services.js');
    const storeDir = this.system || this.ctx.options.backupStore !== undefined ? await storeDirFor(this.ctx, { system: this.system }) : null;
    return runDisc(this.ctx, {
      system: this.system,
      storeDir,
      revertFromDisc: async (drive, backupId, force, progress, sig) => {
        if (!this.sessionTeardown) throw new FirstaidError('no-system', 'No system is chosen.', 'Choose the system first (Revert a repair).');
        progress({ step: `Reading ${backupId} from the disc and checking it (MD5, sha256)` });
        const { backupFromDisc } = await import('../backup/discs/revert-source.js');
        const spaceDir = await backupFromDisc({ runner: this.ctx.runner, log: this.ctx.log, teardown: this.sessionTeardown }, backupId, drive);
        return this.revertFrom(spaceDir, backupId, { force }, progress, sig);
      },
    }, job, onProgress, signal);
  }

  async deleteBackup(backupId: string): Promise<void> {
    const store = await openStore(this.ctx, { system: this.system }, 'write');
    await store.deleteSpace(backupId);
  }

  logEntries() {
    return this.ctx.log.entries;
  }

  subscribeLog(fn: Parameters<Services['subscribeLog']>[0]) {
    const off = this.ctx.log.subscribe(fn);
    return () => {
      off();
    };
  }

  async close(): Promise<void> {
    await this.closeSession();
  }
}
