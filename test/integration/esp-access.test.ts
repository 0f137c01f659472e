/** ESP access on a real fixture ESP: mtools always (this kernel has no vfat), kernel vfat where the kernel has it. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { openImageContext } from './grub-context.js';
import { openEsp } from '../../src/devices/esp.js';

const NEEDS = needs({ root: true, loop: true, tools: ['parted', 'mkfs.vfat', 'mdir', 'mcopy'] });
const kernelVfat = /\bvfat\b/.test(readFileSync('/proc/filesystems', 'utf8'));

async function exercise(method: 'mtools' | 'kernel'): Promise<void> {
  const img = fixtureImage('uefi');
  const old = process.env.FIRSTAID_ESP_METHOD;
  process.env.FIRSTAID_ESP_METHOD = method;
  const c = await openImageContext(img.path, { writable: true });
  try {
    const part = c.ctx.system.esp!;
    assert.ok(part, 'the uefi fixture has an ESP');
    const ro = await openEsp({ runner: c.runner, log: c.log, teardown: c.teardown, partition: part, writable: false });
    assert.equal(ro.method, method);
    assert.deepEqual(await ro.listFiles('/'), ['/EFI/BOOT/BOOTX64.EFI']);
    assert.ok(await ro.exists('/EFI/BOOT'));
    assert.ok(!(await ro.exists('/EFI/nothing')));
    const loader = await ro.readFile('/EFI/BOOT/BOOTX64.EFI');
    assert.equal(loader.subarray(0, 2).toString('latin1'), 'MZ');
    await assert.rejects(ro.writeFile('/x.txt', Buffer.from('x')), /read-only/);

    const rw = await openEsp({ runner: c.runner, log: c.log, teardown: c.teardown, partition: part, writable: true });
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    await rw.writeFile('/EFI/test/deep/file.bin', bytes);
    assert.deepEqual(await rw.readFile('/EFI/test/deep/file.bin'), bytes);
    await rw.mkdirp('/EFI/empty/dir');
    assert.ok(await rw.exists('/EFI/empty/dir'));
    const host = mkdtempSync(join(tmpdir(), 'esp-tree-'));
    try {
      mkdirSync(join(host, 'BOOT'), { recursive: true });
      mkdirSync(join(host, 'debian'), { recursive: true });
      writeFileSync(join(host, 'BOOT', 'extra.efi'), 'MZextra');
      writeFileSync(join(host, 'debian', 'grubx64.efi'), 'MZgrub');
      await rw.copyTreeIn(host, '/EFI');
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
    assert.deepEqual(await rw.listFiles('/EFI'), ['/EFI/BOOT/BOOTX64.EFI', '/EFI/BOOT/extra.efi', '/EFI/debian/grubx64.efi', '/EFI/test/deep/file.bin']);
    assert.equal((await rw.readFile('/EFI/debian/grubx64.efi')).toString(), 'MZgrub');
    await rw.remove('/EFI/test');
    await rw.remove('/EFI/BOOT/extra.efi');
    assert.ok(!(await rw.exists('/EFI/test')));
    assert.deepEqual(await rw.listFiles('/EFI/BOOT'), ['/EFI/BOOT/BOOTX64.EFI']);
    // Paths cannot leave the ESP.
    assert.ok(!(await rw.exists('/../../etc/passwd')));
  } finally {
    await c.close();
    if (old === undefined) delete process.env.FIRSTAID_ESP_METHOD;
    else process.env.FIRSTAID_ESP_METHOD = old;
    img.dispose();
  }
}

describe('ESP access', NEEDS, () => {
  test('mtools: list, read, write, mkdir, copy a tree in, remove; read-only refuses writes', () => exercise('mtools'));
  test('kernel vfat mount: the same operations', kernelVfat ? {} : { skip: 'this kernel has no vfat driver' }, () => exercise('kernel'));
});
