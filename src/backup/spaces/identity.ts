/**
 * A disk's identity now (lsblk for block devices, blkid + size for image files), and the
 * comparison a range restore uses to refuse writing to a different disk.
 */
import { stat } from 'node:fs/promises';
import type { DiskIdentity } from '../../devices/types.js';
import type { Runner } from '../../core/runner.js';
import { queryLsblk } from '../../devices/lsblk.js';
import { diskIdentity } from '../../devices/partitions.js';

export async function readDiskIdentity(runner: Runner, device: string): Promise<DiskIdentity | null> {
  let st;
  try {
    st = await stat(device);
  } catch {
    return null;
  }
  if (st.isBlockDevice()) {
    const d = (await queryLsblk(runner, ['-d', device], { orNull: true }))?.[0];
    return d ? { ...diskIdentity(d), path: device } : null;
  }
  if (!st.isFile()) return null;
  const r = await runner.run('blkid', ['-p', '-o', 'export', device], { readOnly: true, allowFailure: true });
  const vars = new Map(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  return { path: device, ptuuid: vars.get('PTUUID') ?? null, pttype: vars.get('PTTYPE') ?? null, serial: null, size: st.size };
}

/** Why `now` is not the disk recorded, or null when it is (ptuuid, serial and size agree). */
export function identityMismatch(recorded: DiskIdentity, now: DiskIdentity): string | null {
  const diffs: string[] = [];
  const norm = (s: string | null): string | null => (s ? s.toLowerCase() : null);
  if (recorded.size !== now.size) diffs.push(`size ${recorded.size} vs ${now.size}`);
  if (norm(recorded.ptuuid) !== norm(now.ptuuid)) diffs.push(`PTUUID ${recorded.ptuuid ?? 'none'} vs ${now.ptuuid ?? 'none'}`);
  if (recorded.serial && now.serial && recorded.serial !== now.serial) diffs.push(`serial ${recorded.serial} vs ${now.serial}`);
  if (diffs.length === 0) return null;
  return `recorded disk ${recorded.path} (PTUUID ${recorded.ptuuid ?? 'none'}, serial ${recorded.serial ?? 'none'}, ${recorded.size} bytes) is not ${now.path} (PTUUID ${now.ptuuid ?? 'none'}, serial ${now.serial ?? 'none'}, ${now.size} bytes): ${diffs.join(', ')}`;
}
