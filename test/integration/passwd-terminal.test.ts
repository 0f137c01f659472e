/**
 * The new password typed at a terminal (tmux, 80x25, TERM=linux): asked twice, never echoed;
 * two different passwords change nothing; the same one twice is set (and logs nowhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { withImageRoot } from '../helpers/image-root.js';
import { buildOnce, imageSha, REPO } from './plugin-cli.js';

const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const CLEAN_ENV = `env -i PATH=${process.env.PATH ?? '/usr/bin:/bin'} HOME=/root TERM=linux`;

async function waitFor(name: string, re: RegExp, timeoutMs = 120_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let s = '';
  while (Date.now() < end) {
    s = tmux('capture-pane', '-p', '-S', '-200', '-t', name);
    if (re.test(s)) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${re}:\n${s}`);
}

async function run(img: string, first: string, second: string): Promise<string> {
  const name = `fa-passwd-${process.pid}-${Date.now()}`;
  tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', name, `cd ${REPO} && ${CLEAN_ENV} ./bin/firstaid fix passwd --image ${img} --yes; echo "EXIT=$?"; sleep 120`);
  try {
    await waitFor(name, /Type the new password for root: *$/m);
    tmux('send-keys', '-t', name, '-l', first);
    tmux('send-keys', '-t', name, 'Enter');
    await waitFor(name, /Type it again: *$/m, 10_000);
    tmux('send-keys', '-t', name, '-l', second);
    tmux('send-keys', '-t', name, 'Enter');
    return await waitFor(name, /EXIT=\d+/);
  } finally {
    tmux('kill-session', '-t', name);
  }
}

test('terminal: the password is asked twice without echo; different ones change nothing, the same one is set', needs({ root: true, loop: true, tools: ['tmux', 'losetup', 'sfdisk', 'python3'] }), async () => {
  buildOnce();
  const img = fixtureImage('bios');
  try {
    const before = imageSha(img.path);
    const differ = await run(img.path, 'first-Pw1', 'second-Pw2');
    assert.match(differ, /The two passwords typed differ\.[\s\S]*Nothing was changed[\s\S]*EXIT=1/);
    assert.ok(!differ.includes('first-Pw1') && !differ.includes('second-Pw2'), `not echoed:\n${differ}`);
    assert.equal(imageSha(img.path), before, 'nothing changed');

    const same = await run(img.path, 'Same-pw 9', 'Same-pw 9');
    assert.match(same, /Fixed and verified: Set a new password for root[\s\S]*EXIT=0/);
    assert.ok(!same.includes('Same-pw'), `not echoed:\n${same}`);
    const field = await withImageRoot(img.path, (r) => readFileSync(join(r, 'etc/shadow'), 'utf8').split('\n')[0]!.split(':')[1]!, { readOnly: true });
    assert.equal(execFileSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]) == sys.argv[2])', 'Same-pw 9', field], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 'True');
  } finally {
    img.dispose();
  }
});
