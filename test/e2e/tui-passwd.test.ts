/**
 * A new root password from the screens, in tmux at 80x25 with TERM=linux, on a real BIOS image:
 * the passwd plugin (healthy, its fix on request) -> the plan -> confirm -> the password screen:
 * an empty entry and two different ones are refused and nothing is backed up; Esc cancels back
 * to the plan; then typed twice (with a Backspace) it is set. The new hash is of that password
 * (checked with crypt), and no password typed appears on any screen, in the session log, the log
 * screen, the backup store (manifest and objects) or the disk image.
 * Waits for screen text, never a fixed sleep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage, TESTBED } from '../helpers/images.js';
import { withImageRoot } from '../helpers/image-root.js';

const REPO = join(import.meta.dirname, '..', '..');
const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// A colon and a space: chpasswd splits at the first colon only. The refused ones must leak nowhere either.
const PASSWORD = 'Tui:pw 7-Kq';
const REFUSED = ['first-Xy1', 'second-Xy2'];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Lines of a (possibly large, sparse) file holding `needle`, counted by grep itself. */
function grepCount(file: string, needle: string): number {
  try {
    return Number(execFileSync('grep', ['-a', '-F', '-c', needle, file], { encoding: 'utf8' }).trim());
  } catch (e) {
    if ((e as { status?: number }).status === 1) return 0;
    throw e;
  }
}

test('TUI: a new root password typed twice on the password screen is set; refused entries change nothing; it leaks nowhere', needs({ root: true, loop: true, tools: ['tmux', 'losetup', 'sfdisk', 'python3'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('bios');
  const work = mkdtempSync(join(TESTBED, 'tui-passwd-'));
  const store = join(work, 'store');
  const runtime = join(work, 'run');
  const name = `fa-tuipw-${process.pid}`;
  const seen: string[] = [];
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  async function waitFor(what: string | RegExp | ((s: string) => boolean), timeoutMs = 60_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = screen();
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (typeof what === 'string' ? s.includes(what) : typeof what === 'function' ? what(s) : what.test(s)) return s;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)}; screen:\n${s}`);
  }
  const keys = (...k: string[]) => tmux('send-keys', '-t', name, ...k);
  const type = (text: string) => tmux('send-keys', '-t', name, '-l', text);
  const noBackup = () => assert.equal(filesUnder(store).length, 0, 'nothing was backed up (so nothing ran)');
  try {
    const oldField = await withImageRoot(img.path, (r) => readFileSync(join(r, 'etc/shadow'), 'utf8').split('\n')[0]!.split(':')[1]!, { readOnly: true });
    tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', name,
      `cd ${REPO} && env TERM=linux CI=false NO_COLOR= FIRSTAID_RUNTIME_DIR=${runtime} ./bin/firstaid --image ${img.path} --backup-store ${store}; echo FIRSTAID-EXIT=$?; sleep 300`);
    await waitFor('Repair a system', 30_000);
    keys('Enter');
    await waitFor('Evidence for');
    keys('Enter');
    let s = await waitFor(/problem\(s\) found|No problems found/);
    const selected = (x: string) => /> .*$/m.exec(x)?.[0] ?? '';
    for (let i = 0; i < 6 && !/> .*Passwords/.test(s); i++) {
      const was = selected(s);
      keys('Down');
      s = await waitFor((x) => selected(x) !== was, 10_000);
    }
    assert.match(s, /> \[OK\] +Passwords \(login accounts\)/, 'healthy: nothing wrong, the fix is on request');
    keys('Enter');
    s = await waitFor('Enter/f fix');
    assert.match(s, /Set a new password for root/);
    keys('Enter');
    s = await waitFor('Back up, then apply this plan?');
    assert.match(s, /Next, you type the new password for root/);
    keys('y');
    await waitFor('Type the new password for root, then press Enter:');

    keys('Enter');
    await waitFor('[ERROR] The new password for root is empty.');
    type(REFUSED[0]!);
    keys('Enter');
    await waitFor('Type it again, then press Enter:');
    type(REFUSED[1]!);
    keys('Enter');
    await waitFor('[ERROR] The two entries differ. Nothing was changed.');
    noBackup();
    keys('Escape');
    s = await waitFor('Cancelled: the new password for root was not set. Nothing was changed.');
    assert.match(s, /Set a new password for root/);
    noBackup();

    keys('Enter');
    await waitFor('Back up, then apply this plan?');
    keys('y');
    await waitFor('Type the new password for root, then press Enter:');
    type(`${PASSWORD}zz`);
    keys('BSpace', 'BSpace', 'Enter');
    await waitFor('Type it again, then press Enter:');
    type(PASSWORD);
    keys('Enter');
    s = await waitFor('[FIXED AND VERIFIED]', 180_000);
    assert.match(s, /passwd\/\d{8}T\d{6}Z-[0-9a-f]+/, `the result names the backup directory:\n${s}`);
    keys('Enter');
    await waitFor('firstaid - main menu');
    keys('l');
    await waitFor(/Session log \(\d+ entries\)/);
    keys('q');
    await waitFor('FIRSTAID-EXIT=0', 60_000);

    const newField = await withImageRoot(img.path, (r) => readFileSync(join(r, 'etc/shadow'), 'utf8').split('\n')[0]!.split(':')[1]!, { readOnly: true });
    assert.notEqual(newField, oldField);
    assert.match(newField, /^\$y\$/, 'hashed with the installation\'s own method (yescrypt)');
    const check = (pw: string) => execFileSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]) == sys.argv[2])', pw, newField], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    assert.equal(check(PASSWORD), 'True', 'the hash is of the password typed (Backspace erased the extra characters)');
    assert.equal(check(`${PASSWORD}zz`), 'False');

    const logs = filesUnder(join(runtime, 'logs'));
    assert.ok(logs.length > 0 && logs.some((f) => grepCount(f, 'chpasswd') > 0), `a session log of the fix in ${runtime}/logs`);
    const storeFiles = filesUnder(store);
    assert.ok(storeFiles.some((f) => f.endsWith('manifest.json')), `a backup manifest in ${storeFiles.join(' ')}`);
    for (const pw of [PASSWORD, 'Tui:pw', ...REFUSED]) {
      for (const x of seen) assert.ok(!x.includes(pw), `"${pw}" drawn on a screen:\n${x}`);
      for (const f of [...logs, ...storeFiles]) assert.equal(grepCount(f, pw), 0, `${f} holds "${pw}"`);
      assert.equal(grepCount(img.path, pw), 0, `the disk image holds "${pw}"`);
    }
  } finally {
    try {
      tmux('kill-session', '-t', name);
    } catch {
      // already gone
    }
    img.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
