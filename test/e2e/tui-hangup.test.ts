/**
 * Closing the terminal while the screens have a system mounted (window closed, SSH dropped)
 * still unmounts and detaches everything: stdin ends and SIGHUP arrives, in either order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';

const REPO = join(import.meta.dirname, '..', '..');
const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const attached = (img: string) => execFileSync('losetup', ['-j', img], { encoding: 'utf8' }).trim();

async function until(ok: () => boolean, what: string, ms: number, show: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}:\n${show()}`);
}

test('closing the terminal with a system mounted leaves no mount and no loop device', needs({ root: true, loop: true, tools: ['tmux'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('bios');
  const name = `fa-hup-${process.pid}`;
  try {
    tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', name, `cd ${REPO} && env TERM=linux CI=false ./bin/firstaid --image ${img.path}`);
    const screen = () => tmux('capture-pane', '-p', '-t', name);
    await until(() => screen().includes('Repair a system'), 'the menu', 30_000, screen);
    tmux('send-keys', '-t', name, 'Enter');
    await until(() => screen().includes('Evidence for'), 'the system picker', 60_000, screen);
    tmux('send-keys', '-t', name, 'Enter');
    await until(() => /No problems found|problem\(s\) found/.test(screen()), 'the overview', 60_000, screen);
    const loop = attached(img.path).split(':')[0]!;
    assert.match(loop, /^\/dev\/loop\d+$/);
    assert.ok(execFileSync('findmnt', ['-rn', '-o', 'SOURCE'], { encoding: 'utf8' }).split('\n').some((s) => s.startsWith(`${loop}p`)), 'the root is mounted');
    tmux('kill-session', '-t', name);
    await until(() => attached(img.path) === '', 'the loop device to be detached', 30_000, () => attached(img.path));
    assert.ok(!execFileSync('findmnt', ['-rn', '-o', 'SOURCE'], { encoding: 'utf8' }).split('\n').some((s) => s.startsWith(`${loop}p`)), 'nothing of it is mounted');
  } finally {
    try {
      tmux('kill-session', '-t', name);
    } catch {
      // gone already
    }
    img.dispose();
  }
});
