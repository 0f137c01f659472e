/**
 * Inspecting one root filesystem (already reachable through a TargetRoot): is it a Linux
 * installation, and how is it set up to boot. Every fact found is also written as an evidence
 * line so a person can check the judgement. Reads only; symlinks are followed inside the target.
 */
import { classifyBootCode } from './boot-sectors.js';
import { open } from 'node:fs/promises';
import type { TargetRoot } from '../core/target-root.js';
import type { Runner } from '../core/runner.js';
import { ToolMissingError } from '../core/errors.js';
import { entries, parseFstab } from './fstab-parse.js';
import type { BlockDevice, FstabSummaryEntry, GrubFacts, Installation, PartitionRef } from './types.js';
import { flattenDevices } from './lsblk.js';
import { parseOsRelease, prettyName } from './os-release.js';
import { resolveSpec } from './resolve-spec.js';
import { describeFs, diskIdentity, diskOf, isBiosGrubType, isEspType, partitionsOf, toPartitionRef } from './partitions.js';
import { judgeFirmware } from './firmware.js';
import { grubFlavour } from './grub-flavour.js';

/** Filesystems a Linux root can be on; others are skipped without mounting. */
export const ROOT_FS_TYPES = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs'];

export interface InspectInput {
  target: TargetRoot;
  /** The root filesystem's device, or null (--root on a directory that is not a mountpoint). */
  rootNode: BlockDevice | null;
  /** What to call the root in messages: its device, or the --root directory. */
  rootLabel: string;
  /** The session's device trees. */
  devices: BlockDevice[];
  runner: Runner;
  /** A read-only view of a separate /boot filesystem (mounted for the inspection), or null. */
  openBoot?: (node: BlockDevice) => Promise<TargetRoot | null>;
  /** Evidence lines the caller already knows (e.g. "disk fields are best effort"). */
  evidence?: string[];
}

export type InspectResult = { installation: Installation } | { notInstallation: string };

function readProblem(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return `${path}: symlink loop (too many levels of symbolic links), not read`;
  return `${path}: could not be read (${code ?? (e as Error).message})`;
}

async function readTarget(t: TargetRoot, path: string, evidence: string[]): Promise<string | undefined> {
  try {
    return await t.readTextIfExists(path);
  } catch (e) {
    evidence.push(readProblem(path, e));
    return undefined;
  }
}

async function existsSafe(t: TargetRoot, path: string): Promise<boolean> {
  try {
    return await t.exists(path);
  } catch {
    return false;
  }
}

async function isDir(t: TargetRoot, path: string): Promise<boolean> {
  try {
    return (await t.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(t: TargetRoot, path: string, evidence: string[]): Promise<string[]> {
  try {
    return (await t.readdir(path)).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') evidence.push(readProblem(path, e));
    return [];
  }
}

const PLATFORM_RE = /^[a-z0-9_]+-(pc|efi|ieee1275|coreboot|multiboot|qemu|xen|xen_pvh|uboot|emu)$/;

/** Files of the target's /boot: on the root filesystem, or a separate one. */
interface BootView {
  t: TargetRoot;
  /** Path of the target's /boot inside t: "/boot" or "" (separate filesystem). */
  prefix: string;
}

async function grubFacts(root: TargetRoot, boot: BootView, evidence: string[]): Promise<GrubFacts> {
  let dir: string | null = null;
  for (const name of ['grub', 'grub2']) {
    if (await isDir(boot.t, `${boot.prefix}/${name}`)) {
      dir = `/boot/${name}`;
      break;
    }
  }
  const platforms: string[] = [];
  let cfg: string | null = null;
  if (dir) {
    const inBoot = boot.prefix + dir.slice('/boot'.length);
    for (const n of await listDir(boot.t, inBoot, evidence)) {
      if (PLATFORM_RE.test(n) && (await isDir(boot.t, `${inBoot}/${n}`))) {
        platforms.push(n);
        evidence.push(`GRUB ${n} modules in ${dir}/${n}`);
      }
    }
    if (await existsSafe(boot.t, `${inBoot}/grub.cfg`)) {
      cfg = `${dir}/grub.cfg`;
      evidence.push(`GRUB configuration ${cfg}`);
    } else {
      evidence.push(`no grub.cfg in ${dir}`);
    }
  } else {
    evidence.push('no GRUB directory (/boot/grub or /boot/grub2)');
  }
  const flavour = grubFlavour({
    grubDir: dir === '/boot/grub',
    grub2Dir: dir === '/boot/grub2' || (await isDir(boot.t, `${boot.prefix}/grub2`)),
    grubInstall: await existsSafe(root, '/usr/sbin/grub-install'),
    grub2Install: await existsSafe(root, '/usr/sbin/grub2-install'),
  });
  return { dir, platforms, cfg, flavour };
}

/** Whether the ESP holds an EFI loader, read with mtools (no kernel vfat needed). */
async function espHasLoader(runner: Runner, device: string, evidence: string[]): Promise<boolean | null> {
  try {
    const r = await runner.run('mdir', ['-i', device, '-/', '-b', '::/EFI'], {
      readOnly: true, allowFailure: true, timeoutMs: 30_000, env: { MTOOLS_SKIP_CHECK: '1' },
    });
    const loaders = r.stdout.split('\n').map((l) => l.trim()).filter((l) => /\.efi$/i.test(l));
    if (loaders.length > 0) evidence.push(`EFI loader${loaders.length > 1 ? 's' : ''} on the ESP: ${loaders.map((l) => l.replace(/^::/, '')).join(', ')}`);
    else evidence.push(`no EFI loader (*.efi) below /EFI on the ESP ${device}`);
    return loaders.length > 0;
  } catch (e) {
    if (e instanceof ToolMissingError) {
      evidence.push(`ESP contents not checked (${e.tool} is not installed; package ${e.debianPackage})`);
      return null;
    }
    throw e;
  }
}

/** The disk's MBR boot code, in the three words the evidence uses (one analysis: boot-sectors.ts). */
export function classifyMbr(sector: Buffer): 'grub' | 'empty' | 'other' {
  const kind = classifyBootCode(sector).kind;
  return kind === 'grub' ? 'grub' : kind === 'absent' ? 'empty' : 'other';
}

async function readMbr(disk: string, evidence: string[]): Promise<boolean | null> {
  try {
    const fh = await open(disk, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, 512, 0);
      if (bytesRead < 512) return null;
      const kind = classifyMbr(buf);
      evidence.push(`MBR boot code of ${disk}: ${kind === 'grub' ? 'GRUB' : kind === 'empty' ? 'empty (zeros)' : 'not GRUB'}`);
      return kind === 'grub';
    } finally {
      await fh.close();
    }
  } catch (e) {
    evidence.push(`MBR of ${disk} not read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return null;
  }
}

export async function inspectInstallation(input: InspectInput): Promise<InspectResult> {
  const { target, rootNode, rootLabel, devices, runner } = input;
  const evidence: string[] = [...(input.evidence ?? [])];
  const flat = flattenDevices(devices);

  // os-release: the one file every systemd-era distribution has.
  let osText: string | undefined;
  let osFrom = '';
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    osText = await readTarget(target, p, evidence);
    if (osText !== undefined) {
      osFrom = p;
      break;
    }
  }
  if (osText === undefined) {
    const why = evidence.length > (input.evidence?.length ?? 0) ? `; ${evidence.slice(input.evidence?.length ?? 0).join('; ')}` : '';
    return { notInstallation: `${rootLabel}${rootNode ? ` (${describeFs(rootNode)})` : ''}: no /etc/os-release or /usr/lib/os-release, not a Linux installation${why}` };
  }
  const osRelease = parseOsRelease(osText);
  const name = prettyName(osRelease, `Linux on ${rootLabel}`);
  evidence.unshift(`root ${rootLabel}${rootNode ? ` (${describeFs(rootNode)})` : ''}: ${name} (${osFrom})`);

  // Disk and partitions.
  const disk = rootNode ? diskOf(rootNode, devices) : null;
  const partNodes = disk ? partitionsOf(disk) : [];
  const root: PartitionRef = rootNode
    ? toPartitionRef(rootNode)
    : { device: rootLabel, uuid: null, partuuid: null, label: null, fstype: null, partn: null, start: null, size: 0, parttype: null };
  if (disk) evidence.push(`disk ${disk.path} (${disk.pttype ?? 'no partition table'}${disk.ptuuid ? `, PTUUID ${disk.ptuuid}` : ''}, ${disk.size} bytes)`);

  // fstab.
  const fstab: FstabSummaryEntry[] = [];
  const fstabText = await readTarget(target, '/etc/fstab', evidence);
  if (fstabText === undefined) {
    if (!evidence.some((e) => e.startsWith('/etc/fstab:'))) evidence.push('no /etc/fstab');
  } else {
    for (const e of entries(parseFstab(fstabText))) {
      const dev = resolveSpec(e.spec, flat);
      fstab.push({ spec: e.spec, file: e.file, vfstype: e.vfstype, options: e.options, passno: e.passno, resolvesTo: dev?.path ?? null });
      evidence.push(`fstab: ${e.spec} ${e.file} ${e.vfstype} -> ${dev ? dev.path : 'no such device here'}`);
    }
  }

  // Separate /boot.
  let boot: PartitionRef | null = null;
  let bootView: BootView = { t: target, prefix: '/boot' };
  const bootEntry = fstab.find((e) => e.file === '/boot' || e.file === '/boot/');
  if (bootEntry) {
    const node = bootEntry.resolvesTo ? flat.find((d) => d.path === bootEntry.resolvesTo) ?? null : null;
    if (node) {
      boot = toPartitionRef(node);
      const view = input.openBoot ? await input.openBoot(node) : null;
      if (view) {
        bootView = { t: view, prefix: '' };
        evidence.push(`separate /boot ${node.path} (${describeFs(node)}) from fstab`);
      } else {
        evidence.push(`separate /boot ${node.path} (${describeFs(node)}) from fstab, not mounted: reading /boot of the root filesystem`);
      }
    } else {
      evidence.push(`fstab names a separate /boot (${bootEntry.spec}) that is not on these disks`);
    }
  }

  // Kernels and initrds.
  const bootFiles = await listDir(bootView.t, bootView.prefix || '/', evidence);
  const kernels = bootFiles.filter((n) => n.startsWith('vmlinuz-')).map((n) => `/boot/${n}`);
  const initrds = bootFiles.filter((n) => n.startsWith('initrd.img-') || /^initramfs-.+\.img$/.test(n)).map((n) => `/boot/${n}`);
  for (const k of kernels) evidence.push(`kernel ${k}`);
  for (const i of initrds) evidence.push(`initrd ${i}`);
  if (kernels.length === 0) evidence.push('no kernel (/boot/vmlinuz-*) found');
  if (initrds.length === 0) evidence.push('no initrd (/boot/initrd.img-* or initramfs-*.img) found');

  const grub = await grubFacts(target, bootView, evidence);

  // ESP: fstab's /boot/efi or /efi, else the disk's partition with the ESP type.
  let esp: (PartitionRef & { mountpoint: string }) | null = null;
  const espEntry = fstab.find((e) => (e.file === '/boot/efi' || e.file === '/efi') && (e.vfstype === 'vfat' || e.vfstype === 'auto' || e.vfstype === 'msdos'));
  if (espEntry) {
    const node = espEntry.resolvesTo ? flat.find((d) => d.path === espEntry.resolvesTo) ?? null : null;
    if (node) {
      esp = { ...toPartitionRef(node), mountpoint: espEntry.file };
      evidence.push(`ESP ${node.path} (${describeFs(node)}) mounted at ${espEntry.file} by fstab`);
    } else {
      evidence.push(`fstab mounts an ESP at ${espEntry.file} from ${espEntry.spec}, which is not on these disks`);
    }
  }
  if (!esp) {
    const node = partNodes.find((p) => isEspType(p.parttype));
    if (node) {
      esp = { ...toPartitionRef(node), mountpoint: '/boot/efi' };
      evidence.push(`ESP ${node.path} (${describeFs(node)}) by partition type${espEntry ? '' : ', not in fstab'}`);
    }
  }
  const biosNode = partNodes.find((p) => isBiosGrubType(p.parttype)) ?? null;
  const biosGrub = biosNode ? toPartitionRef(biosNode) : null;
  if (biosNode) evidence.push(`bios_grub partition ${biosNode.path} (GPT type ${biosNode.parttype})`);

  const loader = esp && esp.fstype === 'vfat' ? await espHasLoader(runner, esp.device, evidence) : null;
  // Only a disk with a partition table has an MBR (a whole-disk filesystem starts with its own data).
  const mbrGrub = disk && disk.pttype ? await readMbr(disk.path, evidence) : null;
  const fw = judgeFirmware({
    mbrGrub,
    platforms: grub.platforms,
    pttype: disk?.pttype ?? null,
    hasBiosGrub: biosGrub !== null,
    hasEsp: esp !== null,
    espHasLoader: loader,
  });
  evidence.push(...fw.reasons);

  const id = root.uuid ? `uuid:${root.uuid}` : `dev:${root.device}`;
  return {
    installation: {
      id,
      name,
      osRelease,
      root,
      disk: disk ? diskIdentity(disk) : { path: '', ptuuid: null, pttype: null, serial: null, size: 0 },
      partitions: partNodes.map(toPartitionRef),
      boot,
      esp,
      biosGrub,
      fstab,
      kernels,
      initrds,
      grub,
      firmware: fw.mode,
      evidence,
    },
  };
}
