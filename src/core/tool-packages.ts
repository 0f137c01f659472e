/** Which Debian 12 package provides a tool, so a missing tool's message can say what to install. */
const PACKAGES: Record<string, string> = {
  lsblk: 'util-linux', blkid: 'util-linux', findmnt: 'util-linux', partx: 'util-linux',
  sfdisk: 'fdisk', wipefs: 'util-linux', blockdev: 'util-linux', fsck: 'util-linux',
  losetup: 'mount', mount: 'mount', umount: 'mount',
  getfattr: 'attr', setfattr: 'attr',
  mcopy: 'mtools', mdir: 'mtools', mdel: 'mtools', mmd: 'mtools', mtype: 'mtools', mattrib: 'mtools', mrd: 'mtools', minfo: 'mtools',
  fusefat: 'fusefat', fusermount: 'fuse3', fusermount3: 'fuse3',
  xorriso: 'xorriso',
  'grub-install': 'grub2-common', 'grub-mkconfig': 'grub-common', 'grub-probe': 'grub-common',
  'grub-script-check': 'grub-common', 'grub-editenv': 'grub-common', 'update-grub': 'grub2-common',
  'mkfs.vfat': 'dosfstools', 'fsck.vfat': 'dosfstools', 'fatlabel': 'dosfstools',
  'mkfs.ext4': 'e2fsprogs', tune2fs: 'e2fsprogs', e2label: 'e2fsprogs', dumpe2fs: 'e2fsprogs',
  parted: 'parted', dd: 'coreutils', mknod: 'coreutils', chroot: 'coreutils', sha256sum: 'coreutils',
  tar: 'tar', ssh: 'openssh-client', scp: 'openssh-client', sftp: 'openssh-client', sshd: 'openssh-server',
  'ssh-keyscan': 'openssh-client', 'ssh-keygen': 'openssh-client', rsync: 'rsync', par2: 'par2',
  'qemu-system-x86_64': 'qemu-system-x86', debootstrap: 'debootstrap', zstd: 'zstd',
  efibootmgr: 'efibootmgr', udevadm: 'udev',
};

export function debianPackageFor(tool: string): string {
  const base = tool.split('/').pop() ?? tool;
  return PACKAGES[base] ?? base;
}
