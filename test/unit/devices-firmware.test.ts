import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeFirmware, type FirmwareFacts } from '../../src/devices/firmware.js';

const base: FirmwareFacts = { platforms: [], pttype: 'gpt', hasBiosGrub: false, hasEsp: false, espHasLoader: null };

test('firmware: bios, uefi, hybrid, unknown', () => {
  assert.equal(judgeFirmware({ ...base, platforms: ['i386-pc'], pttype: 'dos' }).mode, 'bios');
  assert.equal(judgeFirmware({ ...base, platforms: ['x86_64-efi'], hasEsp: true, espHasLoader: true }).mode, 'uefi');
  assert.equal(judgeFirmware({ ...base, platforms: [], hasEsp: true, espHasLoader: true }).mode, 'uefi');
  assert.equal(judgeFirmware({ ...base, platforms: ['i386-pc', 'x86_64-efi'], hasBiosGrub: true, hasEsp: true, espHasLoader: true }).mode, 'hybrid');
  assert.equal(judgeFirmware({ ...base, platforms: ['i386-pc'], pttype: 'dos', hasEsp: true, espHasLoader: true }).mode, 'hybrid');
  assert.equal(judgeFirmware(base).mode, 'unknown');
  assert.equal(judgeFirmware({ ...base, hasEsp: true, espHasLoader: false }).mode, 'unknown');
});

test('firmware: i386-pc on GPT without bios_grub cannot make a hybrid, and says why', () => {
  const j = judgeFirmware({ ...base, platforms: ['i386-pc', 'x86_64-efi'], hasEsp: true, espHasLoader: true });
  assert.equal(j.mode, 'uefi');
  assert.ok(j.reasons.some((r) => /no bios_grub/.test(r)), j.reasons.join('\n'));
});

test('firmware: reasons start with the judgement', () => {
  const j = judgeFirmware({ ...base, platforms: ['x86_64-efi'] });
  assert.equal(j.mode, 'uefi');
  assert.match(j.reasons[0]!, /^firmware uefi:/);
  assert.ok(j.reasons.some((r) => /no EFI system partition/.test(r)));
});

test('firmware: a bios_grub partition or GRUB boot code show BIOS boot without modules', () => {
  const j = judgeFirmware({ ...base, hasBiosGrub: true, platforms: ['x86_64-efi'], hasEsp: true, espHasLoader: true });
  assert.equal(j.mode, 'hybrid');
  assert.ok(j.reasons.some((r) => /bios_grub partition shows BIOS boot/.test(r)), j.reasons.join('\n'));
  assert.equal(judgeFirmware({ ...base, pttype: 'dos', mbrGrub: true }).mode, 'bios');
  assert.equal(judgeFirmware({ ...base, pttype: 'dos', mbrGrub: false }).mode, 'unknown');
});
