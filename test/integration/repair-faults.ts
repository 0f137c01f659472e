/** The fault sets of the repair tests (issue 13), shared by the integration, kill and boot tests. */
import type { ImageInfo } from '../helpers/images.js';

/**
 * Seven fstab faults at once on the uefi image (ext4 lines and the ESP's vfat line): a child
 * before its parent, an unknown option on /, the ESP typed ext4, a kernel device name with an
 * unknown option for the data disk, a disk that is gone for good, a missing mount point, a
 * duplicate mount point. Returns [broken text, the exact repaired text].
 */
export function sevenFstabFaults(i: ImageInfo): [string, string] {
  const ROOT = `UUID=${i.ROOT_UUID} / ext4 errors=remount-ro 0 1\n`;
  const ESP = `UUID=${i.ESP_UUID} /boot/efi vfat umask=0077 0 1\n`;
  const DATA = `UUID=${i.DATA_UUID} /srv/data ext4 defaults 0 2\n`;
  const GONE = 'UUID=5e1f0000-1111-2222-3333-444455556666 /srv/archive xfs defaults';
  const broken = '# broken the ways real systems break\n' + 'tmpfs /srv/data/cache tmpfs size=4m 0 0\n'
    + ROOT.replace('errors=remount-ro', 'errors=remount-ro,bogusopt') + ESP.replace(' vfat ', ' ext4 ')
    + '/dev/sdc3 /srv/data ext4 defaults,noatimee 0 2\n' + `${GONE} 0 2\n` + 'tmpfs /srv/scratch tmpfs size=8m 0 0\n' + ESP;
  const fixed = '# broken the ways real systems break\n' + ROOT + ESP + DATA + 'tmpfs /srv/data/cache tmpfs size=4m 0 0\n'
    + `${GONE},nofail,x-systemd.device-timeout=10s 0 2\n` + 'tmpfs /srv/scratch tmpfs size=8m 0 0\n' + `#firstaid: duplicate mount point: ${ESP}`;
  return [broken, fixed];
}

/** Three faults on the bios image (no ESP): kernel name for /, missing fields for /srv/data, an unknown option. */
export function biosFstabFaults(i: ImageInfo): [string, string] {
  const broken = `/dev/vda1 / ext4 errors=remount-ro,nosuchopt 0 1\nUUID=${i.DATA_UUID} /srv/data\n`;
  const fixed = `UUID=${i.ROOT_UUID} / ext4 errors=remount-ro 0 1\nUUID=${i.DATA_UUID} /srv/data ext4 defaults 0 2\n`;
  return [broken, fixed];
}
