import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseCoreHead, checkCoreBody, classifyBootCode } from '../../src/devices/boot-sectors.js';
import { pristineImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { readRange as readBytes } from '../helpers/bytes.js';


const NEEDS = needs({ root: true, loop: true, tools: ['parted', 'mkfs.ext4'] });

test('boot code of a real GRUB BIOS image is GRUB, loading the core image from sector 1', NEEDS, () => {
  const img = pristineImage('bios');
  const r = classifyBootCode(readBytes(img, 0, 512));
  assert.equal(r.kind, 'grub');
  assert.equal(r.kernelSector, 1);
});

test('hybrid (GPT) image: GRUB boot code points at the bios_grub partition', NEEDS, () => {
  const img = pristineImage('hybrid');
  const r = classifyBootCode(readBytes(img, 0, 512));
  assert.equal(r.kind, 'grub');
  assert.equal(r.kernelSector, 2048);
  const head = analyseCoreHead(readBytes(img, 2048 * 512, 512), 2048);
  assert.ok(head.ok, head.evidence.join('; '));
  assert.equal(head.blocks[0]!.start, 2049);
});

test('zeroed boot code is absent; foreign boot code is not GRUB', () => {
  const mbr = Buffer.alloc(512);
  mbr[510] = 0x55; mbr[511] = 0xaa;
  mbr.writeUInt32LE(0x12345678, 440); // disk signature is not boot code
  assert.equal(classifyBootCode(mbr).kind, 'absent');
  const foreign = Buffer.alloc(512, 0x90);
  foreign.write('Invalid partition table\0Error loading operating system\0Missing operating system', 0x163, 'latin1');
  const r = classifyBootCode(foreign);
  assert.equal(r.kind, 'foreign');
  assert.match(r.evidence[0]!, /not GRUB/);
});

test('boot code with GRUB strings but wiped strings tail is foreign', NEEDS, () => {
  const mbr = readBytes(pristineImage('bios'), 0, 512);
  mbr.fill(0, 0x180, 0x1b0); // GRUB's messages gone
  assert.equal(classifyBootCode(mbr).kind, 'foreign');
});

test('core image: real diskboot.img in the post-MBR gap, body present; wiped gap detected', NEEDS, () => {
  const img = pristineImage('bios');
  const head = analyseCoreHead(readBytes(img, 512, 512), 1);
  assert.ok(head.ok, head.evidence.join('; '));
  assert.equal(head.blocks[0]!.start, 2);
  assert.ok(head.blocks[0]!.length > 20);
  const data = readBytes(img, head.blocks[0]!.start * 512, head.blocks[0]!.length * 512);
  assert.ok(checkCoreBody([{ entry: head.blocks[0]!, data }]).ok);
  // One sector of the body zeroed: damaged.
  const damaged = Buffer.from(data);
  damaged.fill(0, 10 * 512, 11 * 512);
  const body = checkCoreBody([{ entry: head.blocks[0]!, data: damaged }]);
  assert.equal(body.ok, false);
  assert.match(body.evidence[0]!, /first: sector 12/);
  assert.equal(analyseCoreHead(Buffer.alloc(512), 1).ok, false);
  assert.equal(analyseCoreHead(Buffer.alloc(512, 0xab), 1).ok, false);
});
