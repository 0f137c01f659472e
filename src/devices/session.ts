/**
 * A target session: the disks a run looks at (an image, a --root directory, or every disk),
 * the installations on them, and mounting one for work. Everything attached or mounted here is
 * undone by the teardown (reverse order), also on errors and signals.
 */
import { FirstaidError } from '../core/errors.js';
import type { SessionLog } from '../core/log.js';
import { runtimeDir } from '../core/paths.js';
import type { Runner } from '../core/runner.js';
import { TargetRoot } from '../core/target-root.js';
import type { Teardown } from '../core/teardown.js';
import { inspectInstallation, ROOT_FS_TYPES } from './installations.js';
import { flattenDevices, listBlockDevices } from './lsblk.js';
import { attachImage } from './loop.js';
import { DeviceMountedSystem, DirMountedSystem } from './mounted-system.js';
import { makePrivateDir, mountDevice, type MountDeps } from './mounts.js';
import { diskOf } from './partitions.js';
import { requireRoot } from './require-root.js';
import { testPause } from './test-hooks.js';
import type { BlockDevice, Installation, MountedSystem, TargetSpec, TargetSession } from './types.js';

export interface SessionDeps {
  runner: Runner;
  log: SessionLog;
  teardown: Teardown;
}

/** Filesystems that are known and simply not a Linux root: skipped quietly. */
const NOT_ROOT_FS = new Set(['vfat', 'swap', 'iso9660', 'squashfs', 'ntfs', 'exfat']);
/** Containers whose contents firstaid does not open itself: say how to make them visible. */
const CONTAINERS: Record<string, string> = {
  LVM2_member: 'LVM physical volume; activate it (vgchange -ay) to have its volumes inspected',
  crypto_LUKS: 'LUKS encrypted; open it (cryptsetup open) to have it inspected',
  linux_raid_member: 'RAID member; assemble the array (mdadm --assemble --scan) to have it inspected',
};

type Source = { kind: 'device'; node: BlockDevice } | { kind: 'dir'; dir: string; readOnlyMount: boolean };

class Session implements TargetSession {
  readonly installations: Installation[] = [];
  /** Candidates that were skipped or were no installation, one reason a line. */
  readonly notes: string[] = [];
  readonly sources = new Map<string, Source>();

  constructor(readonly spec: TargetSpec, readonly devices: BlockDevice[], private readonly deps: SessionDeps, private readonly deviceWritable: boolean) {}

  async mount(installation: Installation): Promise<MountedSystem> {
    const src = this.sources.get(installation.id);
    if (!src) throw new FirstaidError('unknown-system', `"${installation.id}" is not an installation of this session.`, 'Run "firstaid systems" to list them.', 1);
    if (src.kind === 'dir') {
      return new DirMountedSystem(installation, await TargetRoot.open(src.dir, this.deps.runner), this.deps, src.readOnlyMount);
    }
    return DeviceMountedSystem.mount(installation, this.deps, { deviceWritable: this.deviceWritable });
  }

  add(inst: Installation, src: Source): void {
    // Cloned filesystems share a UUID: keep ids unique by falling back to the device.
    if (this.sources.has(inst.id)) inst.id = `dev:${inst.root.device}`;
    this.installations.push(inst);
    this.sources.set(inst.id, src);
  }
}

/** Optical drives and RAM disks: never a Linux installation, and slow to probe. */
const notProbed = (d: BlockDevice): boolean => d.type === 'rom' || /^(ram|zram)\d/.test(d.name);

/** Scan mode leaves out RAM disks, optical drives, the live medium and firstaid's own mounts. */
export function scanFilter(devs: BlockDevice[], runtime: string): BlockDevice[] {
  // Another firstaid run (FIRSTAID_RUNTIME_DIR aside) keeps its mounts in the default place.
  const own = [runtime, '/run/firstaid'];
  return devs.filter((d) => {
    if (d.type === 'rom' || /^(ram|zram)\d/.test(d.name)) return false;
    const mps = flattenDevices([d]).flatMap((n) => n.mountpoints);
    if (mps.some((m) => own.some((r) => m === r || m.startsWith(`${r}/`)))) return false;
    if (d.type === 'loop') {
      const fs = flattenDevices([d]).map((n) => n.fstype);
      if (fs.includes('squashfs') || fs.includes('iso9660')) return false;
      if (mps.some((m) => /^\/(run\/live|lib\/live|cdrom|run\/initramfs)/.test(m))) return false;
    }
    return true;
  });
}

async function inspectDevice(session: Session, node: BlockDevice, deps: SessionDeps): Promise<void> {
  const mdeps: MountDeps = deps;
  const dir = await makePrivateDir(mdeps, `inspect-${node.name}`);
  const extra: { release(): Promise<void> }[] = [];
  try {
    const h = await mountDevice(mdeps, node.path, dir.path, { fstype: node.fstype, readOnly: true });
    extra.push(h);
    await testPause('after-mount');
    const target = await TargetRoot.open(dir.path, deps.runner);
    const result = await inspectInstallation({
      target,
      rootNode: node,
      rootLabel: node.path,
      devices: session.devices,
      runner: deps.runner,
      openBoot: async (boot) => {
        if (!boot.fstype || !ROOT_FS_TYPES.includes(boot.fstype)) return null;
        const bdir = await makePrivateDir(mdeps, `inspect-${boot.name}`);
        extra.push(bdir);
        extra.push(await mountDevice(mdeps, boot.path, bdir.path, { fstype: boot.fstype, readOnly: true }));
        return TargetRoot.open(bdir.path, deps.runner);
      },
    });
    if ('installation' in result) session.add(result.installation, { kind: 'device', node });
    else session.notes.push(result.notInstallation);
  } catch (e) {
    if (e instanceof FirstaidError && e.code === 'tool-missing') throw e;
    session.notes.push(`${node.path} (${node.fstype}): could not be inspected: ${(e as Error).message}`);
    deps.log.warn(`inspecting ${node.path} failed: ${(e as Error).message}`);
  } finally {
    for (const x of extra.reverse()) await x.release();
    await dir.release();
  }
}

async function inspectDevices(session: Session, deps: SessionDeps, skipMounted: boolean): Promise<void> {
  for (const node of flattenDevices(session.devices)) {
    if (!node.fstype) continue;
    if (!ROOT_FS_TYPES.includes(node.fstype)) {
      const container = CONTAINERS[node.fstype];
      // An opened container's contents are children of the node: inspected in their own right.
      if (container && node.children.length === 0) session.notes.push(`${node.path}: ${container}`);
      else if (!container && !NOT_ROOT_FS.has(node.fstype)) session.notes.push(`${node.path}: unknown filesystem ${node.fstype}, not inspected`);
      continue;
    }
    if (skipMounted && node.mountpoints.length > 0) {
      session.notes.push(`${node.path} (${node.fstype}) is in use, mounted at ${node.mountpoints.join(', ')}; not inspected (use --root ${node.mountpoints[0]})`);
      continue;
    }
    await inspectDevice(session, node, deps);
  }
}

async function openRootDir(dir: string, deps: SessionDeps): Promise<Session> {
  const target = await TargetRoot.open(dir, deps.runner);
  const fm = await deps.runner.run('findmnt', ['-n', '-J', '-o', 'SOURCE,FSTYPE,OPTIONS', '--mountpoint', target.root], { readOnly: true, allowFailure: true });
  let source: { source?: string; fstype?: string; options?: string } | undefined;
  if (fm.exitCode === 0 && fm.stdout.trim()) {
    try {
      source = (JSON.parse(fm.stdout) as { filesystems?: { source?: string; fstype?: string; options?: string }[] }).filesystems?.[0];
    } catch { /* treated as not a mountpoint */ }
  }
  const evidence: string[] = [];
  let devices: BlockDevice[] = [];
  let node: BlockDevice | null = null;
  // findmnt shows btrfs subvolumes as /dev/x[/subvol].
  const dev = source?.source?.replace(/\[.*\]$/, '');
  if (dev?.startsWith('/dev/')) {
    const all = await listBlockDevices(deps.runner, undefined, notProbed);
    node = flattenDevices(all).find((d) => d.path === dev) ?? null;
    if (node) devices = [diskOf(node, all)];
    else evidence.push(`${target.root} is mounted from ${dev}, which lsblk does not list: disk fields are best effort`);
  } else {
    evidence.push(`${target.root} is not a mountpoint of a block device: disk fields are best effort (no device known)`);
  }
  const readOnlyMount = (source?.options ?? '').split(',').includes('ro');
  const session = new Session({ kind: 'root', dir }, devices, deps, true);
  const result = await inspectInstallation({ target, rootNode: node, rootLabel: node?.path ?? target.root, devices, runner: deps.runner, evidence });
  if ('installation' in result) {
    if (!node) result.installation.id = `dev:${target.root}`;
    session.add(result.installation, { kind: 'dir', dir: target.root, readOnlyMount });
  } else {
    session.notes.push(result.notInstallation);
  }
  return session;
}

/**
 * spec from options: --image FILE -> image (loop attach with partition scan), --root DIR -> root, else scan all disks.
 * writable: the loop device is attached read-write (fix/revert) or read-only (systems/diagnose/listing).
 * Mounts are ALWAYS read-only until MountedSystem.remountReadWrite().
 */
export async function openTargetSession(spec: TargetSpec, deps: SessionDeps, opts: { writable: boolean }): Promise<TargetSession> {
  if (spec.kind === 'root') return openRootDir(spec.dir, deps);
  requireRoot();
  const writable = opts.writable && !deps.runner.dryRun;
  if (spec.kind === 'image') {
    const loop = await attachImage(deps, spec.file, writable);
    const devices = await listBlockDevices(deps.runner, [loop.device]);
    const top = devices[0];
    if (!top || (!top.pttype && !top.fstype && top.children.length === 0)) {
      throw new FirstaidError('not-a-disk-image', `${spec.file} is not a disk image (no partition table or filesystem found)`, 'Give --image a whole-disk image (e.g. made with dd from the disk) or a filesystem image.', 1);
    }
    const session = new Session(spec, devices, deps, writable);
    if (top.pttype && top.children.length === 0) session.notes.push(`${top.path}: ${top.pttype} partition table, but the kernel shows no partitions of it (empty table, or partition scanning failed)`);
    await inspectDevices(session, deps, false);
    return session;
  }
  const devices = scanFilter(await listBlockDevices(deps.runner, undefined, notProbed), runtimeDir());
  const session = new Session(spec, devices, deps, writable);
  await inspectDevices(session, deps, true);
  return session;
}

/** Why a session found no installation, for error messages. */
export function sessionNotes(s: TargetSession): string[] {
  return s.notes ?? [];
}
