import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grubFlavour } from '../../src/devices/grub-flavour.js';

const none = { grubDir: false, grub2Dir: false, grubInstall: false, grub2Install: false };

test('grub2 only when the grub2 names are there and the plain ones are not', () => {
  assert.equal(grubFlavour({ ...none, grub2Dir: true }), 'grub2');
  assert.equal(grubFlavour({ ...none, grub2Install: true }), 'grub2');
  assert.equal(grubFlavour({ ...none, grub2Dir: true, grub2Install: true }), 'grub2');
});

test('a plain grub-install or /boot/grub wins over leftover grub2 names; nothing at all is plain grub', () => {
  assert.equal(grubFlavour({ ...none, grub2Dir: true, grubInstall: true }), 'grub');
  assert.equal(grubFlavour({ ...none, grub2Install: true, grubDir: true }), 'grub');
  assert.equal(grubFlavour(none), 'grub');
});
