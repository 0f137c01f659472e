/**
 * What fstab fields may say: known filesystem types, which have no device (pseudo, network),
 * and the mount options each type accepts (generic ones plus per-filesystem ones), so a typo
 * like "defualts" or "umask" on ext4 is caught. Unknown options are warnings, never errors:
 * the table cannot know every kernel's and helper's options.
 */

/** Filesystems without a block device to resolve. */
export const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'tmpfs', 'devpts', 'devtmpfs', 'ramfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs',
  'mqueue', 'hugetlbfs', 'configfs', 'pstore', 'efivarfs', 'binfmt_misc', 'fusectl', 'autofs', 'bpf', 'overlay',
  'nsfs', 'rpc_pipefs', 'nfsd', 'selinuxfs', 'usbfs', 'none',
]);

/** Filesystems whose source is on another machine: nothing local to resolve. */
export const NETWORK_FS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'sshfs', 'glusterfs', 'ceph', '9p', 'virtiofs', 'davfs', 'ncpfs', 'afs', 'lustre']);

/** Filesystems on a block device, as blkid names them. */
export const BLOCK_FS = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'msdos', 'fat', 'exfat', 'ntfs', 'ntfs3', 'ntfs-3g', 'iso9660', 'udf',
  'jfs', 'reiserfs', 'f2fs', 'nilfs2', 'hfs', 'hfsplus', 'squashfs', 'erofs', 'zfs', 'bcachefs', 'minix', 'swap', 'crypto_LUKS',
]);

export function isKnownFsType(t: string): boolean {
  return t === 'auto' || BLOCK_FS.has(t) || PSEUDO_FS.has(t) || NETWORK_FS.has(t) || t === 'fuse' || t === 'fuseblk' || t.startsWith('fuse.') || t.includes(',');
}

export function isPseudo(vfstype: string): boolean {
  return PSEUDO_FS.has(vfstype);
}

export function isNetwork(vfstype: string, spec: string): boolean {
  return NETWORK_FS.has(vfstype) || vfstype.startsWith('fuse.') || /^[^/=]+:\//.test(spec) || spec.startsWith('//');
}

/** Types that name the same on-disk format (mounting one as the other works). */
export function sameFormat(declared: string, onDisk: string): 'same' | 'compatible' | 'different' {
  if (declared === onDisk || declared === 'auto') return 'same';
  const fat = ['vfat', 'msdos', 'fat'];
  if (fat.includes(declared) && fat.includes(onDisk)) return 'compatible';
  const ntfs = ['ntfs', 'ntfs3', 'ntfs-3g'];
  if (ntfs.includes(declared) && ntfs.includes(onDisk)) return 'compatible';
  // The ext4 driver mounts ext2 and ext3 filesystems; the reverse fails on ext4 features.
  const ext = ['ext2', 'ext3', 'ext4'];
  if (ext.includes(declared) && ext.includes(onDisk)) return ext.indexOf(declared) > ext.indexOf(onDisk) ? 'compatible' : 'different';
  if (declared.split(',').includes(onDisk)) return 'same';
  return 'different';
}

const GENERIC = [
  'defaults', 'ro', 'rw', 'sync', 'async', 'atime', 'noatime', 'diratime', 'nodiratime', 'relatime', 'norelatime',
  'strictatime', 'nostrictatime', 'lazytime', 'nolazytime', 'dev', 'nodev', 'exec', 'noexec', 'suid', 'nosuid', 'mand',
  'nomand', 'auto', 'noauto', 'nofail', 'user', 'nouser', 'users', 'owner', 'group', 'remount', 'bind', 'rbind', 'loop',
  'offset', 'sizelimit', 'encryption', 'silent', 'loud', 'iversion', 'noiversion', 'context', 'fscontext', 'defcontext',
  'rootcontext', 'seclabel', 'nosymfollow', 'symfollow', '_netdev', 'comment', 'dirsync', 'private', 'shared', 'slave',
  'unbindable', 'rprivate', 'rshared', 'rslave', 'runbindable', 'move', 'helper', 'errors', 'noload', 'norecovery', 'discard', 'nodiscard', 'nobootwait',
];

const PER_FS: Record<string, string[]> = {
  ext4: [
    'data', 'barrier', 'nobarrier', 'commit', 'acl', 'noacl', 'user_xattr', 'nouser_xattr', 'journal_checksum',
    'nojournal_checksum', 'journal_async_commit', 'orlov', 'oldalloc', 'resgid', 'resuid', 'sb', 'quota', 'noquota',
    'usrquota', 'grpquota', 'prjquota', 'usrjquota', 'grpjquota', 'jqfmt', 'init_itable', 'noinit_itable', 'stripe',
    'delalloc', 'nodelalloc', 'max_batch_time', 'min_batch_time', 'journal_ioprio', 'auto_da_alloc', 'noauto_da_alloc',
    'dioread_lock', 'dioread_nolock', 'i_version', 'dax', 'block_validity', 'noblock_validity', 'inode_readahead_blks',
    'bsddf', 'minixdf', 'grpid', 'bsdgroups', 'nogrpid', 'sysvgroups', 'debug', 'nouid32', 'journal_dev', 'journal_path',
    'prefetch_block_bitmaps', 'no_prefetch_block_bitmaps', 'mb_optimize_scan', 'abort', 'bh', 'nobh', 'check', 'nocheck',
    'data_err', 'nombcache', 'nojournal_checksum', 'test_dummy_encryption', 'fc_debug_max_replay', 'inlinecrypt',
  ],
  vfat: [
    'uid', 'gid', 'umask', 'dmask', 'fmask', 'allow_utime', 'check', 'codepage', 'conv', 'cvf_format', 'cvf_option',
    'debug', 'dos1xfloppy', 'fat', 'iocharset', 'nfs', 'tz', 'time_offset', 'quiet', 'rodir', 'showexec',
    'sys_immutable', 'flush', 'usefree', 'dots', 'nodots', 'dotsOK', 'shortname', 'utf8', 'uni_xlate', 'posix',
    'nonumtail', 'nocase',
  ],
  xfs: [
    'allocsize', 'attr2', 'noattr2', 'dax', 'grpid', 'bsdgroups', 'nogrpid', 'sysvgroups', 'filestreams', 'ikeep',
    'noikeep', 'inode32', 'inode64', 'largeio', 'nolargeio', 'logbufs', 'logbsize', 'logdev', 'rtdev', 'noalign',
    'nouuid', 'noquota', 'uquota', 'usrquota', 'uqnoenforce', 'quota', 'pquota', 'prjquota', 'pqnoenforce', 'gquota',
    'grpquota', 'gqnoenforce', 'sunit', 'swidth', 'swalloc', 'wsync', 'barrier', 'nobarrier',
  ],
  btrfs: [
    'subvol', 'subvolid', 'subvolrootid', 'compress', 'compress-force', 'space_cache', 'nospace_cache', 'ssd', 'nossd',
    'ssd_spread', 'nossd_spread', 'autodefrag', 'noautodefrag', 'degraded', 'device', 'commit', 'acl', 'noacl',
    'datacow', 'nodatacow', 'datasum', 'nodatasum', 'barrier', 'nobarrier', 'clear_cache', 'enospc_debug',
    'fatal_errors', 'flushoncommit', 'noflushoncommit', 'max_inline', 'metadata_ratio', 'rescan_uuid_tree', 'rescue',
    'skip_balance', 'thread_pool', 'treelog', 'notreelog', 'usebackuproot', 'user_subvol_rm_allowed', 'check_int',
    'check_int_data', 'fragment', 'nologreplay', 'recovery', 'inode_cache', 'noinode_cache', 'alloc_start', 'ref_verify',
  ],
  swap: ['sw', 'pri', 'discard'],
  tmpfs: ['size', 'nr_blocks', 'nr_inodes', 'mode', 'uid', 'gid', 'huge', 'mpol', 'inode32', 'inode64', 'noswap', 'quota', 'usrquota', 'grpquota'],
};
PER_FS.ext3 = PER_FS.ext4!;
PER_FS.ext2 = PER_FS.ext4!;
PER_FS.msdos = PER_FS.vfat!;

const GENERIC_SET = new Set(GENERIC);
const PER_FS_SETS: Record<string, Set<string>> = Object.fromEntries(Object.entries(PER_FS).map(([k, v]) => [k, new Set(v)]));

/** Whether option checks apply to this type (types outside the table are not judged). */
export function optionsKnownFor(vfstype: string): boolean {
  return vfstype in PER_FS_SETS;
}

/** Options of the list that neither the generic table nor the type's own accepts. */
export function unknownOptions(vfstype: string, options: string): string[] {
  const own = PER_FS_SETS[vfstype];
  if (!own) return [];
  const out: string[] = [];
  for (const opt of options.split(',')) {
    if (opt === '') continue;
    const name = opt.split('=')[0]!;
    // x-* (x-systemd.*, x-gvfs-*), X-mount.* are for user space and always allowed.
    if (/^x-/i.test(name)) continue;
    if (GENERIC_SET.has(name) || own.has(name)) continue;
    out.push(opt);
  }
  return out;
}

export function hasOption(options: string, name: string): boolean {
  return options.split(',').some((o) => o.split('=')[0] === name);
}
