/** Hand-built lsblk devices (BlockDevice as devices/lsblk.ts parses them) for unit tests. */
import type { BlockDevice } from '../../src/devices/types.js';

/** A device with every lsblk field empty (a 1-byte disk) but the ones given. */
export function blockDevice(name: string, over: Partial<BlockDevice> = {}): BlockDevice {
  return {
    name, path: `/dev/${name}`, type: 'disk', size: 1, fstype: null, uuid: null, label: null, partuuid: null, partlabel: null,
    parttype: null, partn: null, start: null, pttype: null, ptuuid: null, pkname: null, serial: null, model: null, ro: false,
    mountpoints: [], children: [], ...over,
  };
}

/** Like blockDevice, shaped as the fixture images' lsblk output: "loop0p2" is partition 2 of loop0, a disk has a dos table. */
export function fixtureDevice(name: string, over: Partial<BlockDevice> = {}): BlockDevice {
  const part = /p\d+$|[a-z]\d+$/.test(name);
  return blockDevice(name, {
    type: part ? 'part' : 'disk', size: 32 * 1024 * 1024, partn: part ? Number(/(\d+)$/.exec(name)![1]) : null,
    pttype: part ? null : 'dos', ptuuid: part ? null : 'abcd1234', pkname: part ? name.replace(/p?\d+$/, '') : null, ...over,
  });
}
