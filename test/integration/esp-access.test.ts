/**
 * ESP access on a real fixture ESP: mtools always (this kernel has no vfat), kernel vfat where
 * the kernel has it. Where it has not, the same checks run with kernel vfat inside the rescue
 * CD's guest (test/e2e/liveiso-checks.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { openImageContext } from './grub-context.js';
import { espOpener, exerciseEsp } from '../helpers/esp-exercise.js';

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
    await exerciseEsp(espOpener(c.runner, c.log, part), method);
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
