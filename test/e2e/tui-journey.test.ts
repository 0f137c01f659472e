/**
 * The whole journey at a Linux console, in tmux at 80x25 with TERM=linux: a BIOS image with its
 * MBR boot code wiped -> pick the system -> the grub problem -> the plan -> confirm -> progress
 * -> the result names the backup directory; quit; the image boots in QEMU; start again ->
 * Revert lists the backup under grub -> revert -> the boot code is wiped again.
 * Asserts on the captured screen text at every step; waits for text, never a fixed sleep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { bootCheck, breakImage, fixtureImage } from '../helpers/images.js';
import { Console } from '../helpers/tmux-console.js';

const REPO = join(import.meta.dirname, '..', '..');

/** 80 columns, a frame shorter than the terminal, only characters a console font has. */
function assertConsoleSafe(screen: string): void {
  const rows = screen.split('\n').filter((l, i, all) => l.trim() !== '' || all.slice(i).some((x) => x.trim() !== ''));
  const frame = rows.filter((l) => /^[┌│└]/.test(l));
  assert.ok(frame.length <= 24, `frame has ${frame.length} rows`);
  for (const l of rows) {
    assert.ok(l.length <= 80, `longer than 80: ${l}`);
    assert.equal(l.replace(/[\x20-\x7e┌┐└┘─│]/g, ''), '', `console-unsafe characters in: ${l}`);
  }
}

function mbrBootCode(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(440);
    readSync(fd, b, 0, 440, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

test('TUI journey at 80x25 TERM=linux: fix grub, boot, revert', needs({ root: true, loop: true, tools: ['tmux', 'qemu-system-x86_64'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('bios');
  const store = mkdtempSync(join(tmpdir(), 'fa-tui-store-'));
  const cmd = `cd ${REPO} && env TERM=linux CI=false NO_COLOR= ./bin/firstaid --image ${img.path} --backup-store ${store}`;
  const one = new Console(`fa-${process.pid}-a`);
  const two = new Console(`fa-${process.pid}-b`);
  try {
    await breakImage(img.path, 'mbr-code');
    assert.ok(mbrBootCode(img.path).every((b) => b === 0), 'the broken image has no boot code');

    one.start(cmd);
    let s = await one.waitFor('Repair a system');
    assertConsoleSafe(s);
    assert.match(s, /Enter choose/);
    one.keys('Enter');
    s = await one.waitFor(/Installations on image .*:/, 60_000);
    s = await one.waitFor('Evidence for');
    assertConsoleSafe(s);
    assert.match(s, /> Debian GNU\/Linux 12 \(bookworm\) +\/dev\/loop\d+p1 +\(BIOS\)/);
    one.keys('Enter');
    s = await one.waitFor('problem(s) found', 60_000);
    assertConsoleSafe(s);
    assert.match(s, /> \[PROBLEM\] +.*GRUB.*: 1 problem, can be fixed/);
    assert.match(s, /\[PROBLEM\] .*boot code.*MBR/i);
    one.keys('Enter');
    // The plan is ready when the fix key is offered (the plan itself is further down).
    s = await one.waitFor('Enter/f fix', 60_000);
    assertConsoleSafe(s);
    assert.match(s, /\[PROBLEM\] .*boot code/i);
    one.keys('G');
    s = await one.waitFor('Backed up first');
    assert.match(s, /grub-install --target=i386-pc \/dev\/loop\d+/);
    one.keys('Enter');
    s = await one.waitFor('Back up, then apply this plan?');
    assertConsoleSafe(s);
    assert.match(s, /backup directory named "grub"/);
    one.keys('y');
    s = await one.waitFor('[FIXED AND VERIFIED]', 180_000);
    assertConsoleSafe(s);
    assert.ok(one.seen.some((x) => /Fixing: /.test(x) && /Elapsed: \d+ s/.test(x)), 'the progress screen was shown');
    const dir = new RegExp(`${store.replace(/[/.]/g, (c) => `\\${c}`)}/grub/(\\d{8}T\\d{6}Z-[0-9a-f]+)`);
    const m = dir.exec(s);
    assert.ok(m, `the result names the backup directory in ${store}:\n${s}`);
    const backupId = `grub/${m[1]}`;
    assert.ok(!mbrBootCode(img.path).every((b) => b === 0), 'the fix wrote boot code');
    one.keys('q');
    await one.waitFor('FIRSTAID-EXIT=0', 30_000);
    one.kill();

    const verdict = await bootCheck(img.path);
    assert.equal(verdict, 'BOOT-OK');

    two.start(cmd);
    await two.waitFor('Repair a system');
    two.keys('Down', 'Enter');
    s = await two.waitFor('Choose the system whose repairs to revert');
    s = await two.waitFor('Evidence for', 60_000);
    two.keys('Enter');
    s = await two.waitFor('Backup directories by plugin, newest first:', 60_000);
    assertConsoleSafe(s);
    const lines = s.split('\n');
    const g = lines.findIndex((l) => /│ grub: +│/.test(l));
    assert.ok(g >= 0, `a grub group:\n${s}`);
    assert.match(lines[g + 1] ?? '', /> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\[(VERIFIED|COMPLETE)\]/);
    assert.ok(s.includes(backupId), `the selected backup is ${backupId}`);
    assert.match(s, /Holds: *│\n│ +- \/dev\/loop\d+ bytes 0\.\.1048575 \(boot-area\)/);
    two.keys('Enter');
    s = await two.waitFor(`Revert backup ${backupId}?`);
    assertConsoleSafe(s);
    two.keys('y');
    s = await two.waitFor('[REVERTED]', 120_000);
    assertConsoleSafe(s);
    assert.match(s, /bytes 0\.\.1048575/);
    two.keys('q');
    await two.waitFor('FIRSTAID-EXIT=0', 30_000);
    assert.ok(mbrBootCode(img.path).every((b) => b === 0), 'the revert put the wiped boot code back');
  } finally {
    one.kill();
    two.kill();
    img.dispose();
    rmSync(store, { recursive: true, force: true });
  }
});
