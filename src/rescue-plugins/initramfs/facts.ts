/**
 * Pure facts about an installation's kernels: which are installed (/lib/modules and dpkg's
 * status), where each one's kernel image and initrd are, which initramfs tool builds them,
 * and which package (and cached .deb) would put a missing kernel back.
 */

export type InitramfsTool = 'update-initramfs' | 'dracut';

/** Paths (inside the target) where each tool may be; the first found wins. */
export const TOOL_PATHS: [InitramfsTool, string][] = [
  ['update-initramfs', '/usr/sbin/update-initramfs'],
  ['update-initramfs', '/sbin/update-initramfs'],
  ['dracut', '/usr/bin/dracut'],
  ['dracut', '/usr/sbin/dracut'],
  ['dracut', '/sbin/dracut'],
];

export interface KernelFacts {
  version: string;
  /** /boot/vmlinuz-VER exists. */
  hasImage: boolean;
  /** Target path of its initrd (whether or not it exists). */
  initrd: string;
  /** The package holding this kernel (from dpkg's status), when known. */
  pkg: string | null;
  /** A cached .deb of that package (target path), when there is one. */
  cachedDeb: string | null;
}

/** Kernel versions named by /boot's vmlinuz-* files. */
export function bootKernels(bootNames: readonly string[]): string[] {
  return bootNames.flatMap((n) => {
    const m = /^vmlinuz-(.+)$/.exec(n);
    return m && !m[1]!.endsWith('.old') && !/\.(dpkg-|bak$)/.test(m[1]!) ? [m[1]!] : [];
  }).sort();
}

/** Installed linux-image-* packages in dpkg's status file: package name -> its kernel version. */
export function installedKernelPackages(status: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const para of status.split(/\n\s*\n/)) {
    const pkg = /^Package: (\S+)$/m.exec(para)?.[1];
    if (!pkg || !/^Status: install ok installed$/m.test(para)) continue;
    const m = /^linux-image-(\d\S*?)(-unsigned)?$/.exec(pkg);
    if (m) out.set(pkg, m[1]!);
  }
  return out;
}

/** The newest cached .deb for a package among the names in /var/cache/apt/archives. */
export function cachedDebFor(pkg: string, archiveNames: readonly string[]): string | null {
  const hits = archiveNames.filter((n) => n.startsWith(`${pkg}_`) && n.endsWith('.deb')).sort();
  return hits.length ? `/var/cache/apt/archives/${hits[hits.length - 1]}` : null;
}

/** Debian names initrds initrd.img-VER; dracut-based systems initramfs-VER.img. */
export function initrdPathFor(version: string, tool: InitramfsTool | null, bootNames: readonly string[]): string {
  const debian = `initrd.img-${version}`;
  const dracut = `initramfs-${version}.img`;
  if (bootNames.includes(debian)) return `/boot/${debian}`;
  if (bootNames.includes(dracut)) return `/boot/${dracut}`;
  return tool === 'dracut' && !bootNames.some((n) => n.startsWith('initrd.img-')) ? `/boot/${dracut}` : `/boot/${debian}`;
}

export interface KernelInputs {
  bootNames: string[];
  /** Directory names in /lib/modules that hold a modules.dep or kernel/ tree. */
  moduleDirs: string[];
  dpkgStatus: string | null;
  archiveNames: string[];
  tool: InitramfsTool | null;
}

/** Every installed kernel: in /boot, or with modules (or a package) but no image in /boot. */
export function kernelFacts(i: KernelInputs): KernelFacts[] {
  const pkgs = i.dpkgStatus ? installedKernelPackages(i.dpkgStatus) : new Map<string, string>();
  const byVersion = new Map<string, string>();
  for (const [pkg, ver] of pkgs) if (!byVersion.has(ver) || !pkg.endsWith('-unsigned')) byVersion.set(ver, pkg);
  const versions = new Set([...bootKernels(i.bootNames), ...i.moduleDirs, ...byVersion.keys()]);
  return [...versions].sort().map((version) => {
    const pkg = byVersion.get(version) ?? null;
    return {
      version,
      hasImage: i.bootNames.includes(`vmlinuz-${version}`),
      initrd: initrdPathFor(version, i.tool, i.bootNames),
      pkg,
      cachedDeb: pkg ? cachedDebFor(pkg, i.archiveNames) : null,
    };
  });
}
