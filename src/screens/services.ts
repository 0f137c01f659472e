/**
 * The one seam between the screens and the core. Plain data in and out, no React: the app runs
 * with the real core (real-services.ts), and screen tests run with a plain stand-in object.
 */
import type { Installation } from '../devices/types.js';
import type { Finding, FixResult, FlowStage, Plan } from '../rescue-plugins/types.js';
import type { SpaceSummary } from '../backup/spaces/types.js';
import type { LogEntry } from '../core/log.js';
import type { ArchiveRow, CopyCreateResult, CopyExtractResult, CopyJob } from './copyoff-state.js';
import type { DiscJob } from './discs-state.js';

/** What went wrong and what to do next: every error a screen shows has both. */
export interface UserError {
  message: string;
  hint: string;
  code?: string;
}

/** Where to look for installations; none: the target given on the command line (or a scan). */
export interface TargetChoice {
  image?: string;
  root?: string;
}

export interface PluginDiagnosis {
  pluginId: string;
  title: string;
  description: string;
  findings: Finding[];
  /** The diagnosis itself failed (the plugin could not look). */
  error: UserError | null;
  /** The plugin's fix can be asked for when nothing is wrong (a new password): plan it anyway. */
  fixOnRequest?: boolean;
}

export interface ProgressEvent {
  /** One line for the person, e.g. "Backing up /boot/grub/grub.cfg". */
  step: string;
  stage?: FlowStage;
  /** 0..1 when the amount of work is known. */
  fraction?: number;
  /** Whether cancelling now is safe (nothing written yet, or a restore would follow). */
  cancellable?: boolean;
}

export type OnProgress = (e: ProgressEvent) => void;

export interface RevertResult {
  backupId: string;
  ok: boolean;
  error: UserError | null;
  /** Files changed since the fix (the revert refused them unless forced). */
  changedSinceFix: string[];
  /** What was put back, one line each ("/etc/fstab (file)", "/dev/sda bytes 0..439 (mbr)"). */
  restored?: string[];
}

/** A backup directory as the revert screen lists it: the store's summary, plus what it holds. */
export type BackupEntry = SpaceSummary & {
  /** One line an object ("/etc/fstab (file)", "/dev/sda bytes 0..439 (mbr)"), when readable. */
  contents?: string[];
};

export interface Services {
  /** --dry-run: plans are shown and "run", but nothing is written. */
  readonly dryRun?: boolean;
  /** What the run was started on, for titles ("disk image /tmp/x.img", "all disks"). */
  describeTarget(): string;
  /** Installations on the target (or on a new one: an image to attach, a root directory). */
  listSystems(target?: TargetChoice, onProgress?: OnProgress): Promise<Installation[]>;
  /** Mounts the installation (read-only) for diagnosis and work. */
  selectSystem(id: string): Promise<void>;
  diagnose(onProgress?: OnProgress, signal?: AbortSignal): Promise<PluginDiagnosis[]>;
  plan(pluginId: string, choices: Record<string, string>): Promise<Plan>;
  /** `secret`: what the plan asks for (Plan.secret), typed on the secret screen; goes to the flow only. */
  fix(pluginId: string, plan: Plan, choices: Record<string, string>, onProgress: OnProgress, signal: AbortSignal, secret?: string): Promise<FixResult>;
  /** Backup spaces of the selected system's store: grouped by plugin, newest first. */
  listBackups(): Promise<BackupEntry[]>;
  revert(backupId: string, opts: { force: boolean }, onProgress: OnProgress, signal: AbortSignal): Promise<RevertResult>;
  deleteBackup(backupId: string): Promise<void>;
  /** Copy off this machine: make an archive and send it, list a destination, extract from it. */
  archive?(job: CopyJob, onProgress: OnProgress, signal: AbortSignal): Promise<CopyCreateResult | ArchiveRow[] | CopyExtractResult>;
  /** Discs (CD/DVD): drives, media, write, verify, revert from a disc, rebuild, eject, stage peers. */
  disc?(job: DiscJob, onProgress: OnProgress, signal: AbortSignal): Promise<unknown>;
  logEntries(): LogEntry[];
  subscribeLog(fn: (e: LogEntry) => void): () => void;
  /** Unmounts and detaches everything; safe to call twice. */
  close(): Promise<void>;
}
