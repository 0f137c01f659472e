/**
 * Eject on request: a pseudo-drive (an image file, a loop device) has nothing to eject and
 * nothing is run. What is staged for today: each peer's dir (files and bytes, dotfiles too), a
 * file staged by hand, never firstaid's own files in the day dir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { ejectDrive } from '../../src/devices/optical/eject.js';
import { stagedToday } from '../../src/app/peers.js';
import { dayDir } from '../../src/backup/discs/staging-tree.js';

test('eject: a pseudo-drive says there is nothing to eject and runs nothing', async () => {
  const log = new SessionLog();
  const runner = new Runner({ log });
  const file = await ejectDrive(runner, { path: '/srv/disc.iso', kind: 'file', address: 'stdio:/srv/disc.iso' });
  assert.deepEqual(file, { ejected: false, message: '/srv/disc.iso is a pseudo-drive (an image file): there is nothing to eject.' });
  const loop = await ejectDrive(runner, { path: '/dev/loop7', kind: 'loop', address: 'stdio:/dev/loop7' });
  assert.equal(loop.ejected, false);
  assert.match(loop.message, /a loop device\): there is nothing to eject/);
  assert.equal(log.entries.filter((e) => e.kind === 'command').length, 0, 'no command ran');
});

test('staged today: peers with their files and bytes, a file, not firstaid\'s own files', async () => {
  const staging = mkdtempSync(join(tmpdir(), 'fa-staged-'));
  try {
    const date = new Date('2026-12-02T10:00:00Z');
    assert.deepEqual(await stagedToday(staging, date), [], 'nothing staged: an empty list');
    const day = dayDir(staging, date);
    mkdirSync(join(day, '127.0.0.2', 'sub'), { recursive: true });
    writeFileSync(join(day, '127.0.0.2', 'sub', 'a.bin'), Buffer.alloc(1000));
    writeFileSync(join(day, '127.0.0.2', '.hidden'), 'x');
    mkdirSync(join(day, 'localpeer'));
    writeFileSync(join(day, 'notes.txt'), 'hello');
    writeFileSync(join(day, 'firstaid.sources.json'), '{}');
    writeFileSync(join(day, 'firstaid.store'), '{}');
    writeFileSync(join(day, 'cback.stage'), '');
    assert.deepEqual(await stagedToday(staging, date), [
      { name: '127.0.0.2', files: 2, bytes: 1001 },
      { name: 'localpeer', files: 0, bytes: 0 },
      { name: 'notes.txt', files: 1, bytes: 5 },
    ]);
    assert.deepEqual(await stagedToday(staging, new Date('2026-12-03T10:00:00Z')), [], 'another day');
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
});
