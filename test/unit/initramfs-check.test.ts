/**
 * The initrd check on archives made by the real tools: cpio -o -H newc, compressed with gzip,
 * zstd and xz, with and without an early (uncompressed) cpio in front; empty, truncated,
 * garbage and /init-less ones are each named for what they are.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { checkInitrdBytes } from '../../src/rescue-plugins/initramfs/check.js';
import { detectCompression, initrdLayout, parseCpioStream } from '../../src/rescue-plugins/initramfs/cpio.js';
import { needs } from '../helpers/env.js';

const NEEDS = needs({ tools: ['cpio', 'gzip', 'zstd', 'xz'] });
const runner = new Runner({ log: new SessionLog() });
let dir = '';

/** A newc archive of a small tree (with /init unless told otherwise), made by cpio itself. */
function cpioOf(files: Record<string, string>): Buffer {
  const src = mkdtempSync(join(dir, 'tree-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, '..'), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  const list = execFileSync('find', ['.', '-mindepth', '1'], { cwd: src, encoding: 'utf8' });
  return execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: src, input: list });
}
const compress = (tool: string, data: Buffer): Buffer => execFileSync(tool, tool === 'zstd' ? ['-q', '-c'] : ['-c'], { input: data });
const MAIN = { init: '#!/bin/sh\necho hi\n', 'bin/busybox': 'x'.repeat(70000), 'conf/initramfs.conf': 'MODULES=list\n' };

describe('initrd check', NEEDS, () => {
  before(() => { dir = mkdtempSync(join(tmpdir(), 'fa-initrd-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const tool of ['gzip', 'zstd', 'xz']) {
    test(`${tool}-compressed cpio with /init is valid; cut in half it is damaged`, async () => {
      const img = compress(tool, cpioOf(MAIN));
      assert.equal(detectCompression(img), tool);
      const ok = await checkInitrdBytes(img, runner);
      assert.equal(ok.state, 'ok', ok.detail);
      assert.match(ok.detail, new RegExp(`${tool}-compressed cpio`));
      const cut = await checkInitrdBytes(img.subarray(0, Math.floor(img.length / 2)), runner);
      assert.equal(cut.state, 'invalid');
      assert.match(cut.detail, /does not decompress/);
    });
  }

  test('early uncompressed cpio (microcode) followed by a zstd main archive', async () => {
    const early = cpioOf({ 'kernel/x86/microcode/GenuineIntel.bin': 'ucode' });
    const img = Buffer.concat([early, Buffer.alloc(512), compress('zstd', cpioOf(MAIN))]);
    const layout = initrdLayout(img);
    assert.ok(layout.ok && layout.compressed?.compression === 'zstd' && layout.names.includes('kernel/x86/microcode/GenuineIntel.bin'));
    const st = await checkInitrdBytes(img, runner);
    assert.equal(st.state, 'ok', st.detail);
    assert.match(st.detail, /after an early cpio/);
  });

  test('an uncompressed cpio with /init is valid; cut inside a file it is not', async () => {
    const raw = cpioOf(MAIN);
    assert.equal((await checkInitrdBytes(raw, runner)).state, 'ok');
    const cut = await checkInitrdBytes(raw.subarray(0, 40000), runner);
    assert.equal(cut.state, 'invalid');
    assert.match(cut.detail, /cut off inside "bin\/busybox"/);
  });

  test('missing, empty, garbage, zeros, and an archive without /init', async () => {
    assert.equal((await checkInitrdBytes(null, runner)).state, 'missing');
    assert.equal((await checkInitrdBytes(Buffer.alloc(0), runner)).state, 'empty');
    const garbage = await checkInitrdBytes(Buffer.from('this is not an initrd at all\n'.repeat(50)), runner);
    assert.equal(garbage.state, 'invalid');
    assert.match(garbage.detail, /neither a cpio archive nor a known compression/);
    assert.equal((await checkInitrdBytes(Buffer.alloc(4096), runner)).state, 'invalid');
    const noInit = await checkInitrdBytes(compress('gzip', cpioOf({ 'etc/x': 'y' })), runner);
    assert.equal(noInit.state, 'invalid');
    assert.match(noInit.detail, /without \/init/);
  });

  test('a compressed stream that decompresses to something other than cpio', async () => {
    const st = await checkInitrdBytes(compress('gzip', Buffer.from('hello world, no cpio here'.repeat(20))), runner);
    assert.equal(st.state, 'invalid');
    assert.match(st.detail, /not a complete cpio archive/);
  });

  test('parseCpioStream: the cpio trailer must be there', () => {
    const raw = cpioOf(MAIN);
    assert.ok(parseCpioStream(raw).ok);
    const trailerAt = raw.lastIndexOf(Buffer.from('TRAILER!!!'));
    const r = parseCpioStream(raw.subarray(0, trailerAt - 110));
    assert.equal(r.ok, false);
  });
});
