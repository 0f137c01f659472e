/**
 * The internal provider's writer on a full disk (/dev/full: every write is ENOSPC): the failure
 * comes back as an error, and abort() after it (what the provider does) closes quietly. A gzip
 * handle written after it was closed aborts the whole process, so this test dies if it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { TarWriter } from '../../src/backup/archives/tar-writer.js';

const st = lstatSync(import.meta.dirname ?? '.');

for (const gzip of [null, {}] as const) {
  test(`${gzip ? 'tar.gz' : 'tar'} on a full disk: ENOSPC from end(), then abort() is quiet`, async () => {
    const w = await TarWriter.create('/dev/full', gzip);
    // Random bytes do not compress: well past the buffers, so the disk is written before end().
    const data = randomBytes(3 << 20);
    const fileSt = Object.assign(Object.create(Object.getPrototypeOf(st)), st, { size: data.length, mode: 0o100644 });
    const wrote = (async () => {
      await w.fileData({ name: './big', st: fileSt, type: 'File' }, data);
      await w.end();
    })();
    await assert.rejects(wrote, (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
    await w.abort();
    await w.abort();
  });
}
