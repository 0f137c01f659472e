/**
 * The independent reader where the kernel has no iso9660: firstaid reads each file's bytes
 * itself, straight from the drive or image at the extents xorriso lists (`report_lba`), and
 * hashes them with sha256: no copy to a temporary disk, xorriso's own data path and MD5s not
 * involved. A read error (EIO) names the file unreadable and the check goes on.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { DiscDrive } from '../../devices/optical/types.js';
import { parseReportLba, type FileExtent } from '../../devices/optical/parse.js';
import { xorriso } from '../../devices/optical/xorriso.js';
import type { DiscFile } from './disc-manifest.js';
import type { DiscDeps } from './write.js';

const EMPTY = createHash('sha256').digest('hex');
const CHUNK = 1 << 20;

export async function fileExtents(deps: DiscDeps, drive: DiscDrive): Promise<Map<string, FileExtent[]>> {
  const r = await xorriso(deps.runner, ['-indev', drive.address, '-find', '/', '-type', 'f', '-exec', 'report_lba', '--'], { readOnly: true, abortOn: 'NEVER' });
  return parseReportLba(r.output);
}

/** Hashes every file from its extents; returns the damaged ones and how many were checked. */
export async function checkByExtents(deps: DiscDeps, drive: DiscDrive, files: DiscFile[]): Promise<{ damaged: { path: string; why: string[] }[]; checked: number }> {
  const extents = await fileExtents(deps, drive);
  const damaged: { path: string; why: string[] }[] = [];
  let checked = 0;
  const fh = await open(drive.path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (const f of files) {
      const ext = extents.get(f.path);
      if (!ext) {
        if (f.size === 0 && f.sha256 === EMPTY) checked++;
        else damaged.push({ path: f.path, why: ['missing from the disc tree'] });
        continue;
      }
      const hash = createHash('sha256');
      let left = f.size;
      let failed: string | null = null;
      for (const x of ext) {
        let pos = x.lba * 2048;
        let n = Math.min(left, x.blocks * 2048);
        while (n > 0 && !failed) {
          try {
            const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, n), pos);
            if (bytesRead === 0) failed = 'cut short (the disc ends inside it)';
            hash.update(buf.subarray(0, bytesRead));
            pos += bytesRead;
            n -= bytesRead;
            left -= bytesRead;
          } catch (e) {
            failed = `unreadable (${(e as NodeJS.ErrnoException).code ?? 'read error'} at byte ${pos})`;
          }
        }
      }
      if (failed) damaged.push({ path: f.path, why: [failed] });
      else if (left !== 0) damaged.push({ path: f.path, why: ['size differs'] });
      else {
        checked++;
        if (hash.digest('hex') !== f.sha256) damaged.push({ path: f.path, why: ['sha256 differs'] });
      }
    }
  } finally {
    await fh.close();
  }
  return { damaged, checked };
}
