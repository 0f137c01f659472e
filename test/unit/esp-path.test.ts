import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseEspMethod, espPath } from '../../src/devices/esp.js';
import { parseBlkidExport } from '../../src/devices/lsblk.js';
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';

test('ESP paths are normalised and cannot leave the ESP', () => {
  assert.equal(espPath('EFI/BOOT/'), '/EFI/BOOT');
  assert.equal(espPath('/'), '/');
  assert.equal(espPath(''), '/');
  assert.equal(espPath('/EFI/../../../etc/passwd'), '/etc/passwd');
  assert.equal(espPath('//EFI//debian/./grubx64.efi'), '/EFI/debian/grubx64.efi');
});

test('FIRSTAID_ESP_METHOD forces the access method', async () => {
  const runner = new Runner({ log: new SessionLog() });
  const old = process.env.FIRSTAID_ESP_METHOD;
  try {
    process.env.FIRSTAID_ESP_METHOD = 'mtools';
    assert.equal(await chooseEspMethod(runner), 'mtools');
    process.env.FIRSTAID_ESP_METHOD = 'kernel';
    assert.equal(await chooseEspMethod(runner), 'kernel');
  } finally {
    if (old === undefined) delete process.env.FIRSTAID_ESP_METHOD;
    else process.env.FIRSTAID_ESP_METHOD = old;
  }
});

test('blkid -o export parsing for the chroot by-uuid links', () => {
  assert.deepEqual(parseBlkidExport('DEVNAME=/dev/loop0p1\nUUID=66AE-B07A\nTYPE=vfat\nPARTUUID=ab-01\n'), { DEVNAME: '/dev/loop0p1', UUID: '66AE-B07A', TYPE: 'vfat', PARTUUID: 'ab-01' });
});
