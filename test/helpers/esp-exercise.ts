/**
 * The ESP operations every access method must get right, on the fixture ESP (one loader,
 * /EFI/BOOT/BOOTX64.EFI): list, exists, read; a read-only access refuses writes; write deep,
 * mkdir, copy a host tree in, remove; paths cannot leave the ESP. Shared by the host's ESP test
 * (mtools; kernel vfat where the kernel has it) and the rescue CD's guest (kernel vfat), so both
 * run the same checks. Leaves the ESP as it found it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Runner } from '../../src/core/runner.js';
import type { SessionLog } from '../../src/core/log.js';
import { Teardown } from '../../src/core/teardown.js';
import { openEsp } from '../../src/devices/esp.js';
import type { EspAccess, PartitionRef } from '../../src/devices/types.js';

export interface OpenedEsp {
  esp: EspAccess;
  /** Undoes this access alone (a kernel mount is unmounted), as MountedSystem.closeEsp does. */
  release(): Promise<void>;
}

export function espOpener(runner: Runner, log: SessionLog, partition: PartitionRef): (writable: boolean) => Promise<OpenedEsp> {
  return async (writable) => {
    const teardown = new Teardown(log);
    const esp = await openEsp({ runner, log, teardown, partition, writable });
    return { esp, release: () => teardown.runAll() };
  };
}

export async function exerciseEsp(open: (writable: boolean) => Promise<OpenedEsp>, method: 'mtools' | 'kernel'): Promise<void> {
  const roAccess = await open(false);
  const ro = roAccess.esp;
  assert.equal(ro.method, method);
  assert.deepEqual(await ro.listFiles('/'), ['/EFI/BOOT/BOOTX64.EFI']);
  assert.ok(await ro.exists('/EFI/BOOT'));
  assert.ok(!(await ro.exists('/EFI/nothing')));
  const loader = await ro.readFile('/EFI/BOOT/BOOTX64.EFI');
  assert.equal(loader.subarray(0, 2).toString('latin1'), 'MZ');
  await assert.rejects(ro.writeFile('/x.txt', Buffer.from('x')), /read-only/);
  // A kernel cannot mount one vfat read-only and read-write at once: a read-write access while the
  // read-only one is held must fail, not come back mounted read-only (mount's silent fallback).
  if (method === 'kernel') await assert.rejects(open(true).then((x) => x.release()));
  await roAccess.release();

  const rwAccess = await open(true);
  const rw = rwAccess.esp;
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
  await rwAccess.release();
}
