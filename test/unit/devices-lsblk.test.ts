import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenDevices, mergeProbe, parseBlkidExport, parseLsblkJson } from '../../src/devices/lsblk.js';
import { resolveSpec } from '../../src/devices/resolve-spec.js';
import { diskOf, isBiosGrubType, isEspType, partitionsOf } from '../../src/devices/partitions.js';

// Captured verbatim: `lsblk -J -b -o <LSBLK_COLUMNS> /dev/loop1` on this udev-less machine with the
// hybrid fixture image attached (filesystem fields are empty without udev; blkid -p fills them).
const LSBLK_HYBRID = String.raw`
{
   "blockdevices": [
      {
         "name": "loop1",
         "kname": "loop1",
         "path": "/dev/loop1",
         "type": "loop",
         "size": 629145600,
         "start": null,
         "fstype": null,
         "uuid": null,
         "label": null,
         "partuuid": null,
         "partlabel": null,
         "parttype": null,
         "pttype": null,
         "ptuuid": null,
         "pkname": null,
         "serial": null,
         "model": null,
         "ro": true,
         "mountpoints": [
             null
         ],
         "children": [
            {
               "name": "loop1p1",
               "kname": "loop1p1",
               "path": "/dev/loop1p1",
               "type": "part",
               "size": 1048576,
               "start": 2048,
               "fstype": null,
               "uuid": null,
               "label": null,
               "partuuid": null,
               "partlabel": null,
               "parttype": null,
               "pttype": null,
               "ptuuid": null,
               "pkname": "loop1",
               "serial": null,
               "model": null,
               "ro": true,
               "mountpoints": [
                   null
               ]
            },{
               "name": "loop1p2",
               "kname": "loop1p2",
               "path": "/dev/loop1p2",
               "type": "part",
               "size": 67108864,
               "start": 4096,
               "fstype": null,
               "uuid": null,
               "label": null,
               "partuuid": null,
               "partlabel": null,
               "parttype": null,
               "pttype": null,
               "ptuuid": null,
               "pkname": "loop1",
               "serial": null,
               "model": null,
               "ro": true,
               "mountpoints": [
                   null
               ]
            },{
               "name": "loop1p3",
               "kname": "loop1p3",
               "path": "/dev/loop1p3",
               "type": "part",
               "size": 525336576,
               "start": 135168,
               "fstype": null,
               "uuid": null,
               "label": null,
               "partuuid": null,
               "partlabel": null,
               "parttype": null,
               "pttype": null,
               "ptuuid": null,
               "pkname": "loop1",
               "serial": null,
               "model": null,
               "ro": true,
               "mountpoints": [
                   null
               ]
            },{
               "name": "loop1p4",
               "kname": "loop1p4",
               "path": "/dev/loop1p4",
               "type": "part",
               "size": 33554432,
               "start": 1161216,
               "fstype": null,
               "uuid": null,
               "label": null,
               "partuuid": null,
               "partlabel": null,
               "parttype": null,
               "pttype": null,
               "ptuuid": null,
               "pkname": "loop1",
               "serial": null,
               "model": null,
               "ro": true,
               "mountpoints": [
                   null
               ]
            }
         ]
      }
   ]
}
`;

// Captured verbatim: `blkid -p -o export /dev/loop1p2` (the hybrid image's ESP).
const BLKID_ESP = `DEVNAME=/dev/loop1p2
LABEL_FATBOOT=ESP
LABEL=ESP
UUID=66DC-2F9C
VERSION=FAT32
BLOCK_SIZE=512
TYPE=vfat
USAGE=filesystem
PART_ENTRY_SCHEME=gpt
PART_ENTRY_NAME=ESP
PART_ENTRY_UUID=2d2b0b89-df0f-4c0d-bc33-9e3a79478f5f
PART_ENTRY_TYPE=c12a7328-f81f-11d2-ba4b-00a0c93ec93b
PART_ENTRY_NUMBER=2
PART_ENTRY_OFFSET=4096
PART_ENTRY_SIZE=131072
PART_ENTRY_DISK=7:1
`;

test('lsblk JSON: tree, sizes, start in bytes, parent names, empty mountpoints', () => {
  const devs = parseLsblkJson(LSBLK_HYBRID);
  assert.equal(devs.length, 1);
  const disk = devs[0]!;
  assert.equal(disk.path, '/dev/loop1');
  assert.equal(disk.type, 'loop');
  assert.equal(disk.size, 629145600);
  assert.equal(disk.ro, true);
  assert.deepEqual(disk.mountpoints, []);
  assert.deepEqual(disk.children.map((c) => c.name), ['loop1p1', 'loop1p2', 'loop1p3', 'loop1p4']);
  const esp = disk.children[1]!;
  assert.equal(esp.type, 'part');
  assert.equal(esp.pkname, 'loop1');
  assert.equal(esp.start, 4096 * 512);
  assert.equal(flattenDevices(devs).length, 5);
  assert.equal(diskOf(esp, devs).path, '/dev/loop1');
});

test('blkid probe fills what lsblk left empty, and never overrides lsblk', () => {
  const esp = parseLsblkJson(LSBLK_HYBRID)[0]!.children[1]!;
  const p = parseBlkidExport(BLKID_ESP);
  assert.equal(p.UUID, '66DC-2F9C');
  const m = mergeProbe(esp, p);
  assert.equal(m.fstype, 'vfat');
  assert.equal(m.uuid, '66DC-2F9C');
  assert.equal(m.label, 'ESP');
  assert.equal(m.partlabel, 'ESP');
  assert.equal(m.partuuid, '2d2b0b89-df0f-4c0d-bc33-9e3a79478f5f');
  assert.equal(m.partn, 2);
  assert.ok(isEspType(m.parttype));
  assert.ok(!isBiosGrubType(m.parttype));
  const kept = mergeProbe({ ...esp, uuid: 'AAAA-BBBB' }, p);
  assert.equal(kept.uuid, 'AAAA-BBBB');
});

test('lsblk JSON errors are clear', () => {
  assert.throws(() => parseLsblkJson('not json'), /not JSON/);
  assert.throws(() => parseLsblkJson('{}'), /blockdevices/);
});

test('fstab specs resolve among the devices', () => {
  const disk = parseLsblkJson(LSBLK_HYBRID)[0]!;
  disk.children[1] = mergeProbe(disk.children[1]!, parseBlkidExport(BLKID_ESP));
  const flat = flattenDevices([disk]);
  assert.equal(resolveSpec('UUID=66dc-2f9c', flat)?.path, '/dev/loop1p2');
  assert.equal(resolveSpec('LABEL=ESP', flat)?.path, '/dev/loop1p2');
  assert.equal(resolveSpec('LABEL=esp', flat), null);
  assert.equal(resolveSpec('PARTUUID=2D2B0B89-DF0F-4C0D-BC33-9E3A79478F5F', flat)?.path, '/dev/loop1p2');
  assert.equal(resolveSpec('PARTLABEL=ESP', flat)?.path, '/dev/loop1p2');
  assert.equal(resolveSpec('/dev/disk/by-uuid/66DC-2F9C', flat)?.path, '/dev/loop1p2');
  assert.equal(resolveSpec('/dev/loop1p3', flat)?.path, '/dev/loop1p3');
  assert.equal(resolveSpec('/dev/sda1', flat), null);
  assert.equal(resolveSpec('UUID=0000', flat), null);
  assert.equal(resolveSpec('tmpfs', flat), null);
  assert.deepEqual(partitionsOf(disk).map((p) => p.name), ['loop1p1', 'loop1p2', 'loop1p3', 'loop1p4']);
});
