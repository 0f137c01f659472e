/**
 * The screens at a console, in tmux: the frame follows a resize, NO_COLOR leaves no colour
 * codes (colour otherwise), help opens with ?, and a bad image path says what to do next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';

const REPO = join(import.meta.dirname, '..', '..');
const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function waitFor(name: string, ok: (s: string) => boolean, what: string, escapes = false): Promise<string> {
  const end = Date.now() + 30_000;
  let s = '';
  while (Date.now() < end) {
    s = tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${s}`);
}

// A console's environment: no CI variables at all (Ink renders nothing under CI, and chalk turns
// colour off when a CI variable is merely present), so NO_COLOR is what decides the colours here.
const CLEAN_ENV = `env -i PATH=${process.env.PATH ?? '/usr/bin:/bin'} HOME=/root TERM=linux`;

const frameWidth = (s: string) => s.split('\n').find((l) => l.startsWith('┌'))?.length ?? 0;

test('console: resize redraws, NO_COLOR, help, a bad image path', needs({ root: true, tools: ['tmux'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const a = `fa-con-${process.pid}-a`;
  const b = `fa-con-${process.pid}-b`;
  try {
    tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', a, `cd ${REPO} && ${CLEAN_ENV} NO_COLOR=1 ./bin/firstaid --image /nonexistent/disk.img; sleep 60`);
    let s = await waitFor(a, (x) => x.includes('Repair a system'), 'the menu');
    assert.equal(frameWidth(s), 80);
    tmux('resize-window', '-t', a, '-x', '120', '-y', '40');
    s = await waitFor(a, (x) => frameWidth(x) === 120, 'a 120-column frame');
    tmux('resize-window', '-t', a, '-x', '80', '-y', '25');
    s = await waitFor(a, (x) => frameWidth(x) === 80 && x.split('\n').filter((l) => l.startsWith('┌')).length === 1, 'an 80-column frame again');
    const colored = tmux('capture-pane', '-p', '-e', '-t', a);
    assert.doesNotMatch(colored, /\u001b\[(3[0-7]|9[0-7])m/, 'NO_COLOR: no colour codes');
    tmux('send-keys', '-t', a, '?');
    await waitFor(a, (x) => x.includes('Keys (the same on every screen)'), 'help');
    tmux('send-keys', '-t', a, 'Escape');
    await waitFor(a, (x) => x.includes('firstaid - main menu'), 'the menu again');
    tmux('send-keys', '-t', a, 'Enter');
    s = await waitFor(a, (x) => x.includes('[ERROR] Could not look for installations.'), 'the error');
    assert.match(s, /What to do: /);
    assert.match(s, /\/nonexistent\/disk\.img/);

    tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', b, `cd ${REPO} && ${CLEAN_ENV} ./bin/firstaid --image /nonexistent/disk.img; sleep 60`);
    await waitFor(b, (x) => x.includes('Repair a system'), 'the menu (colour)');
    s = await waitFor(b, (x) => /\u001b\[[0-9;]*m/.test(x), 'some colour or style codes', true);
    tmux('send-keys', '-t', b, 'Enter');
    s = await waitFor(b, (x) => /\u001b\[(31|91)m\[ERROR\]/.test(x) || /\u001b\[[0-9;]*31[0-9;]*m\[ERROR\]/.test(x), 'a red [ERROR]', true);
  } finally {
    for (const n of [a, b]) {
      try {
        tmux('kill-session', '-t', n);
      } catch {
        // gone
      }
    }
  }
});
