/**
 * A stand-in for the services interface: a plain object with data the test chooses, gates to
 * hold a call open (to see loading states), and a record of the calls made. Not a mock framework.
 */
import type { Installation, PartitionRef } from '../../src/devices/types.js';
import type { Finding, FixResult, Plan } from '../../src/rescue-plugins/types.js';
import type { SpaceSummary } from '../../src/backup/spaces/types.js';
import type { LogEntry } from '../../src/core/log.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { BackupEntry, PluginDiagnosis, RevertResult, Services } from '../../src/screens/services.js';

export function partition(device: string, extra: Partial<PartitionRef> = {}): PartitionRef {
  return { device, uuid: null, partuuid: null, label: null, fstype: 'ext4', partn: 1, start: 1048576, size: 1 << 30, parttype: '0x83', ...extra };
}

export function installation(n: number, extra: Partial<Installation> = {}): Installation {
  const dev = `/dev/loop0p${n}`;
  return {
    id: `uuid:0000000${n}-aaaa-bbbb-cccc-dddddddddddd`,
    name: `Debian GNU/Linux 12 (bookworm) #${n}`,
    osRelease: { PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' },
    root: partition(dev),
    disk: { path: '/dev/loop0', ptuuid: 'abcd', pttype: 'dos', serial: null, size: 2 << 30 },
    partitions: [partition(dev)],
    boot: null,
    esp: null,
    biosGrub: null,
    fstab: [],
    kernels: ['/boot/vmlinuz-6.1.0-13-amd64'],
    initrds: ['/boot/initrd.img-6.1.0-13-amd64'],
    grub: { dir: '/boot/grub', platforms: ['i386-pc'], cfg: '/boot/grub/grub.cfg', flavour: 'grub' },
    firmware: 'bios',
    evidence: [`os-release on ${dev}: Debian GNU/Linux 12 (bookworm)`, 'GRUB modules for i386-pc in /boot/grub', 'MBR partition table: BIOS boot'],
    ...extra,
  };
}

export function finding(pluginId: string, id: string, title: string, extra: Partial<Finding> = {}): Finding {
  return { id: `${pluginId}.${id}`, pluginId, title, state: 'detected', severity: 'error', evidence: [`evidence for ${id}`], fixable: true, ...extra };
}

export function grubDiagnosis(): PluginDiagnosis {
  return {
    pluginId: 'grub',
    title: 'GRUB boot loader',
    description: 'Checks that GRUB is installed where the firmware looks for it.',
    findings: [
      finding('grub', 'mbr-boot-code', 'The MBR of /dev/loop0 has no boot code', { evidence: ['the first 440 bytes of /dev/loop0 are all zero', 'firmware mode: BIOS'] }),
      finding('grub', 'cfg', 'grub.cfg is valid', { state: 'checked', severity: 'info', fixable: false }),
    ],
    error: null,
  };
}

export function fstabDiagnosis(): PluginDiagnosis {
  return { pluginId: 'fstab', title: 'File systems table', description: 'Checks that every fstab entry resolves.', findings: [finding('fstab', 'ok', 'Every source resolves', { state: 'checked', severity: 'info', fixable: false })], error: null };
}

export function grubPlan(): Plan {
  return {
    pluginId: 'grub',
    findings: ['grub.mbr-boot-code'],
    summary: 'Reinstall GRUB to /dev/loop0 for BIOS booting',
    actions: [
      { kind: 'run', argv: ['grub-install', '--target=i386-pc', '/dev/loop0'], inChroot: true, why: 'writes the boot code to the MBR and the core image to the gap' },
      { kind: 'edit-file', path: '/etc/default/grub', before: 'GRUB_TIMEOUT=5\n', after: 'GRUB_TIMEOUT=1\n', diff: '--- a/etc/default/grub\n+++ b/etc/default/grub\n@@ -1 +1 @@\n-GRUB_TIMEOUT=5\n+GRUB_TIMEOUT=1\n' },
      { kind: 'write-range', device: '/dev/loop0', offset: 0, length: 440, why: 'boot code' },
    ],
    touches: [{ kind: 'range', device: '/dev/loop0', offset: 0, length: 440, name: 'mbr-boot-code', why: 'MBR boot code' }, { kind: 'path', path: '/boot/grub' }],
    needsChroot: true,
    choices: [],
    blockers: [],
  };
}

export function backup(pluginId: string, stamp: string, extra: Partial<SpaceSummary> = {}): SpaceSummary {
  const id = `${pluginId}/${stamp}-abc123`;
  return { id, pluginId, dir: `/mnt/target/var/lib/firstaid/backups/${id}`, created: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`, description: `${pluginId} fix`, objectCount: 3, size: 4096, state: 'complete', fixRecorded: true, reverted: false, ...extra };
}

/** Holds a call open until release(). */
export class Gate {
  private resolvers: (() => void)[] = [];
  private open = false;
  wait(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((r) => this.resolvers.push(r));
  }
  release(): void {
    this.open = true;
    for (const r of this.resolvers.splice(0)) r();
  }
}

export interface StandInData {
  systems: Installation[] | Error;
  diagnoses: PluginDiagnosis[] | Error;
  plan: Plan | Error;
  backups: BackupEntry[] | Error;
  fix?: (plan: Plan) => FixResult;
  revert?: (id: string, force: boolean) => RevertResult;
  log: LogEntry[];
  gates: Partial<Record<'systems' | 'diagnose' | 'plan' | 'fix' | 'backups' | 'revert', Gate>>;
}

export interface StandIn extends Services {
  calls: string[];
  data: StandInData;
  lastSignal: AbortSignal | null;
  /** The secret the last fix was given (undefined: none). */
  lastSecret: string | undefined;
}

function orThrow<T>(v: T | Error): T {
  if (v instanceof Error) throw v;
  return v;
}

export function fixResultFor(plan: Plan): FixResult {
  return {
    pluginId: plan.pluginId,
    ok: true,
    verified: true,
    backupId: `${plan.pluginId}/20261122T210307Z-abc123`,
    backupDir: `/mnt/target/var/lib/firstaid/backups/${plan.pluginId}/20261122T210307Z-abc123`,
    findingsBefore: [],
    findingsAfter: [finding(plan.pluginId, 'mbr-boot-code', 'The MBR has GRUB boot code', { state: 'checked', severity: 'info', fixable: false })],
    restored: false,
    error: null,
    plan,
  };
}

export function standIn(data: Partial<StandInData> = {}): StandIn {
  const d: StandInData = {
    systems: [installation(1)],
    diagnoses: [grubDiagnosis(), fstabDiagnosis()],
    plan: grubPlan(),
    backups: [],
    log: [],
    gates: {},
    ...data,
  };
  const listeners = new Set<(e: LogEntry) => void>();
  const s: StandIn = {
    calls: [],
    data: d,
    lastSignal: null,
    lastSecret: undefined,
    describeTarget: () => 'disk image /tmp/test.img',
    async listSystems(target) {
      s.calls.push(`listSystems ${JSON.stringify(target ?? {})}`);
      await d.gates.systems?.wait();
      return orThrow(d.systems);
    },
    async selectSystem(id) {
      s.calls.push(`selectSystem ${id}`);
    },
    async diagnose(onProgress) {
      s.calls.push('diagnose');
      onProgress?.({ step: 'grub: reading the MBR' });
      await d.gates.diagnose?.wait();
      return orThrow(d.diagnoses);
    },
    async plan(pluginId, choices) {
      s.calls.push(`plan ${pluginId} ${JSON.stringify(choices)}`);
      await d.gates.plan?.wait();
      return orThrow(d.plan);
    },
    async fix(pluginId, plan, _choices, onProgress, signal, secret) {
      s.calls.push(`fix ${pluginId}`);
      s.lastSignal = signal;
      s.lastSecret = secret;
      onProgress({ step: 'Backing up 2 item(s)', stage: 'backup', fraction: 0.25, cancellable: true });
      await d.gates.fix?.wait();
      if (signal.aborted) throw new FirstaidError('cancelled', 'The fix was cancelled.', 'Nothing was changed; start it again when ready.');
      onProgress({ step: 'Running grub-install', stage: 'apply', fraction: 0.75, cancellable: false });
      return (d.fix ?? fixResultFor)(plan);
    },
    async listBackups() {
      s.calls.push('listBackups');
      await d.gates.backups?.wait();
      return orThrow(d.backups);
    },
    async revert(id, opts, onProgress, signal) {
      s.calls.push(`revert ${id} force=${opts.force}`);
      s.lastSignal = signal;
      onProgress({ step: `Restoring ${id}`, stage: 'restore', cancellable: false });
      await d.gates.revert?.wait();
      return d.revert ? d.revert(id, opts.force) : { backupId: id, ok: true, error: null, changedSinceFix: [] };
    },
    async deleteBackup(id) {
      s.calls.push(`deleteBackup ${id}`);
      if (Array.isArray(d.backups)) d.backups = d.backups.filter((b) => b.id !== id);
    },
    logEntries: () => d.log,
    subscribeLog(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      s.calls.push('close');
    },
  };
  return s;
}
