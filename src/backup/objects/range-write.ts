/**
 * Writing a range object (MBR boot code, the post-MBR gap, a partition) back to its device,
 * streamed in 1 MB chunks (a range may be a whole partition) and synced. The caller has checked
 * the disk's identity and the object's hash.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { FirstaidError } from '../../core/errors.js';
import { giveChunk, takeChunk } from './chunk-io.js';

export async function writeRangeBack(objectPath: string, name: string, device: string, offset: number, length: number): Promise<void> {
  const src = await open(objectPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const fh = await open(device, constants.O_WRONLY);
    const buf = takeChunk();
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, length - done), done);
        if (bytesRead === 0) throw new FirstaidError('backup-corrupt', `The object "${name}" is shorter than recorded.`, 'Do not use this backup.');
        let written = 0;
        while (written < bytesRead) {
          const w = await fh.write(buf, written, bytesRead - written, offset + done + written);
          written += w.bytesWritten;
        }
        done += bytesRead;
      }
      await fh.sync();
    } finally {
      giveChunk(buf);
      await fh.close();
    }
  } finally {
    await src.close();
  }
}
