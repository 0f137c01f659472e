/** Block devices and the installations found on them. Plain data: JSON-serialisable. */

/** One node of `lsblk -J -b -O` (the fields firstaid uses), children nested. */
export interface BlockDevice {
  /** Kernel name, e.g. "loop0p2", "sda1". */
  name: string;
  /** Device node, e.g. "/dev/loop0p2". */
  path: string;
  /** lsblk TYPE: disk, part, loop, rom, lvm, crypt, ... */
  type: string;
  /** Bytes. */
  size: number;
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  partuuid: string | null;
  partlabel: string | null;
  /** GPT partition type GUID, or MBR type like "0x83". */
  parttype: string | null;
  /** Partition number, for partitions. */
  partn: number | null;
  /** Byte offset of a partition on its disk (from /sys/class/block/X/start * 512). */
  start: number | null;
  /** Of a disk: "gpt" or "dos". */
  pttype: string | null;
  ptuuid: string | null;
  /** Parent kernel name (the disk of a partition). */
  pkname: string | null;
  serial: string | null;
  model: string | null;
  ro: boolean;
  mountpoints: string[];
  children: BlockDevice[];
}

/** What identifies a disk, so a later revert can refuse to write to a different one. */
export interface DiskIdentity {
  path: string;
  ptuuid: string | null;
  pttype: string | null;
  serial: string | null;
  size: number;
}

/** A partition as installations and plugins refer to it. */
export interface PartitionRef {
  device: string;
  uuid: string | null;
  partuuid: string | null;
  label: string | null;
  fstype: string | null;
  partn: number | null;
  /** Byte offset on the disk. */
  start: number | null;
  size: number;
  parttype: string | null;
}

export type FirmwareMode = 'bios' | 'uefi' | 'hybrid' | 'unknown';

export interface GrubFacts {
  /** "/boot/grub" (Debian) or "/boot/grub2" (Fedora-style); null when neither exists. */
  dir: string | null;
  /** Platform module directories present, e.g. ["i386-pc", "x86_64-efi"]. */
  platforms: string[];
  /** grub.cfg path inside the target when present. */
  cfg: string | null;
  /** Tool naming in the installation: grub-install vs grub2-install. */
  flavour: 'grub' | 'grub2';
}

export interface FstabSummaryEntry {
  spec: string;
  file: string;
  vfstype: string;
  options: string;
  passno: number;
  /** Device node the spec resolves to among the target's disks; null when it resolves to nothing. */
  resolvesTo: string | null;
}

export interface Installation {
  /** Stable id: "uuid:<root fs UUID>" (or "dev:<device>" without UUID). */
  id: string;
  /** PRETTY_NAME from os-release, or a fallback naming the device. */
  name: string;
  osRelease: Record<string, string>;
  root: PartitionRef;
  /** The disk holding the root filesystem: the only disk a repair may write boot code to. */
  disk: DiskIdentity;
  /** All partitions of that disk, in order. */
  partitions: PartitionRef[];
  /** Separate /boot partition named in fstab, when there is one. */
  boot: PartitionRef | null;
  /** EFI system partition (fstab's /boot/efi or /efi, else the disk's ESP). */
  esp: (PartitionRef & { mountpoint: string }) | null;
  /** GPT bios_grub partition on the disk, when present. */
  biosGrub: PartitionRef | null;
  fstab: FstabSummaryEntry[];
  /** Target paths, e.g. "/boot/vmlinuz-6.1.0-13-cloud-amd64". */
  kernels: string[];
  initrds: string[];
  grub: GrubFacts;
  /** How the installation is set up to boot, judged from the evidence. */
  firmware: FirmwareMode;
  /** Human-readable facts that led to the above, one a line. */
  evidence: string[];
}

/** What the person chose to work on. */
export type TargetSpec =
  | { kind: 'scan' }
  | { kind: 'image'; file: string }
  | { kind: 'root'; dir: string };

/**
 * The EFI system partition's files, reachable with or without a kernel vfat driver:
 * 'kernel' mounts it (a rescue kernel), 'mtools' reads and writes the partition directly
 * (this test machine's kernel has no vfat). Paths are ESP-relative, "/EFI/BOOT/BOOTX64.EFI".
 */
export interface EspAccess {
  readonly method: 'kernel' | 'mtools';
  readonly device: string;
  /** Every file below dir (recursive), ESP-relative paths. */
  listFiles(dir?: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
  mkdirp(path: string): Promise<void>;
  /** Copies a host directory tree into espDir (creating it), overwriting files. */
  copyTreeIn(hostDir: string, espDir: string): Promise<void>;
}

/** A chroot into an installation: commands run inside it through the one runner. */
export interface ChrootEnv {
  /** Host path of the chroot's root. */
  readonly root: string;
  run(cmd: string, args: readonly string[], opts?: import('../core/runner.js').RunOptions): Promise<import('../core/runner.js').RunResult>;
}

/** An installation mounted for work: read-only until remountReadWrite(). */
export interface MountedSystem {
  installation: Installation;
  /** The root (and a separate /boot) mounted; the ESP is reached through esp(). */
  target: import('../core/target-root.js').TargetRoot;
  readonly readWrite: boolean;
  remountReadWrite(): Promise<void>;
  /** The ESP, or null when the installation has none. */
  esp(): Promise<EspAccess | null>;
  /** Releases the ESP access now (a kernel vfat mount is unmounted); esp() opens it again. */
  closeEsp?(): Promise<void>;
  /** A chroot with /dev (private, with the installation's disk), /dev/pts, /proc, /sys, /run. */
  chroot(): Promise<ChrootEnv>;
  /** Unmounts everything this system mounted (also done by the session teardown). */
  close(): Promise<void>;
}

/** The disks a run looks at, and the installations on them. */
export interface TargetSession {
  spec: TargetSpec;
  devices: BlockDevice[];
  installations: Installation[];
  /** Candidates skipped or found not to be installations, one reason a line (optional, added by the devices layer). */
  notes?: string[];
  /** Mounts an installation (read-only). */
  mount(installation: Installation): Promise<MountedSystem>;
}
