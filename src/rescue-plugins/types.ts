/**
 * The rescue plugin contract. A plugin diagnoses (read-only), plans (pure), applies through
 * the runner and the target-root file API, and verifies. The flow engine (flow.ts), not the
 * plugin, orders the steps, backs up everything a plan declares it touches, restores on
 * failure, and refuses to run a plan whose backup did not complete.
 */
import type { BlockDevice, ChrootEnv, EspAccess, Installation, MountedSystem } from '../devices/types.js';
import type { ScratchFat } from '../devices/scratch-fat.js';
import type { Teardown } from '../core/teardown.js';
import type { BackupStore } from '../backup/spaces/types.js';
import type { TargetRoot } from '../core/target-root.js';
import type { Runner } from '../core/runner.js';

export type { ChrootEnv } from '../devices/types.js';
import type { SessionLog } from '../core/log.js';

export type FindingState = 'checked' | 'detected' | 'fixed' | 'error' | 'skipped';
export type Severity = 'info' | 'warning' | 'error' | 'blocker';

export interface Finding {
  /** Stable within the plugin, e.g. "grub.mbr-boot-code". */
  id: string;
  pluginId: string;
  title: string;
  state: FindingState;
  severity: Severity;
  /** Facts that led to it, one a line. */
  evidence: string[];
  /** Whether a plan can fix it (a blocker explains itself instead). */
  fixable: boolean;
  /** Plugin data the planner needs (JSON). */
  data?: Record<string, unknown>;
}

/** Something the plan will change; the flow engine backs each one up before apply. */
export type Touch =
  | { kind: 'path'; path: string }
  | { kind: 'range'; device: string; offset: number; length: number; name: string; why: string }
  /** The firmware's boot entries and BootOrder (saved as a value; values.ts). */
  | { kind: 'nvram'; why: string };

export type PlanAction =
  | { kind: 'edit-file'; path: string; before: string | null; after: string; diff: string }
  | { kind: 'run'; argv: string[]; inChroot: boolean; why: string; bootloader?: BootloaderInstall }
  | { kind: 'write-range'; device: string; offset: number; length: number; why: string }
  | { kind: 'note'; text: string };

/** A run that installs a boot loader says for which platform (and, for UEFI, where the ESP is mounted in the installation). */
export type BootloaderInstall =
  | { platform: 'i386-pc'; disk: string }
  | { platform: 'x86_64-efi'; espDir: string };

/** A choice a plan offers the person (e.g. nofail vs comment out). */
export interface PlanChoice {
  id: string;
  question: string;
  options: { value: string; label: string }[];
  default: string;
}

export interface Plan {
  pluginId: string;
  /** Finding ids this plan addresses. */
  findings: string[];
  summary: string;
  actions: PlanAction[];
  touches: Touch[];
  /** Needs the chroot environment (grub-install, grub-mkconfig). */
  needsChroot: boolean;
  choices: PlanChoice[];
  /** Why nothing can be done automatically, when that is so. */
  blockers: string[];
  /** Plugin data apply/verify need (JSON), e.g. the fstab planner's line map. Optional, additive. */
  data?: Record<string, unknown>;
  /**
   * The plan needs a secret from the person (e.g. a new password), named by `label`. The flow
   * refuses to run without one and hands it to apply/verify as ctx.secret only; it never
   * reaches a plan, argv, a log, a backup or an error. Optional, additive.
   */
  secret?: { label: string };
}

/** What the flow engine hands a plugin. */
export interface PluginContext {
  system: Installation;
  /** Every block device of the run (the target's disks): what fstab sources may resolve to. */
  devices: BlockDevice[];
  target: TargetRoot;
  runner: Runner;
  log: SessionLog;
  /** Answers to the plan's choices (choice id -> value). */
  choices: Record<string, string>;
  /** The secret a plan asked for (Plan.secret), during apply and verify only. Never log it. */
  secret?: string;
  signal?: AbortSignal;
  progress(step: string): void;
  /** Mount the target read-write (only during apply) and return once done. */
  remountReadWrite(): Promise<void>;
  /** The chroot with /dev, /proc, /sys, /run bound; torn down by the engine. */
  chroot(): Promise<ChrootEnv>;
  /** The installation's ESP (kernel vfat or mtools), or null when it has none. */
  esp(): Promise<EspAccess | null>;
  /**
   * A scratch FAT filesystem mounted over `mountpoint` (a path of the installation), its loop
   * device visible in the chroot; undone by release() or the session teardown (signals too).
   */
  scratchFat(o: { mountpoint: string; method: 'kernel' | 'fuse' }): Promise<ScratchFat>;
}

export interface RescuePlugin {
  /** Module id: the folder name; names its backup directories. Stable across versions. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /**
   * Its fix is something a person asks for, not only the repair of a finding (a new password):
   * the screens make its plan even when diagnose found nothing wrong. Optional, additive.
   */
  readonly fixOnRequest?: boolean;
  /** Read-only. Returns every finding (checked ones too), never only the first. */
  diagnose(ctx: PluginContext): Promise<Finding[]>;
  /** Pure: findings + system facts -> plan. */
  plan(findings: Finding[], system: Installation, choices: Record<string, string>): Plan;
  /** Carries out the plan through ctx.runner / ctx.target; throws on failure. */
  apply(plan: Plan, ctx: PluginContext): Promise<void>;
  /** Diagnoses again plus the plugin's own checks; returns the findings after the fix. */
  verify(plan: Plan, ctx: PluginContext): Promise<Finding[]>;
}

export type FlowStage = 'diagnose' | 'plan' | 'backup' | 'apply' | 'verify' | 'restore' | 'done';

export interface FixResult {
  pluginId: string;
  ok: boolean;
  /** True when the verify step found nothing left to fix. */
  verified: boolean;
  /** Backup space id "<pluginId>/<timestamp>-<id>" and its directory on disk. */
  backupId: string | null;
  backupDir: string | null;
  findingsBefore: Finding[];
  findingsAfter: Finding[];
  /** Restored from the backup after a failed apply. */
  restored: boolean;
  error: { message: string; hint: string } | null;
  plan: Plan;
}

/** What the flow engine needs from its caller (built once, in src/app/flow-deps.ts). */
export interface FlowDeps {
  runner: Runner;
  log: SessionLog;
  teardown: Teardown;
  /**
   * Opens the backup store for writing when the engine first needs it (the default store lives
   * on the target's own disk, so this makes it read-write). The app decides which store it is;
   * `dir` is a store directory the person named (the path of a backup directory).
   */
  openStore(dir?: string): Promise<BackupStore>;
  /** Where that store is, without opening it (the interrupted-fix journal is read from there). */
  storeDir(): Promise<string>;
  system: MountedSystem;
  /** Every block device of the session (fstab sources resolve against these). */
  devices: BlockDevice[];
  signal?: AbortSignal;
  onProgress?: (stage: FlowStage, message: string) => void;
}
