/**
 * The "Copy off this machine" walk at a Linux console, in tmux at 80x25 with TERM=linux: a
 * fixture image with files in /home -> pick the system -> archive /home to sftp:// on the test's
 * own sshd (progress, then the result) -> list the archives there -> extract one into a
 * directory; the files come back. The ssh key is offered by an ssh-agent of the test's own and
 * the host key sits in firstaid's own known_hosts (XDG_CONFIG_HOME): nothing of root's ~/.ssh
 * is read or written. Waits for text, never a fixed sleep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';
import { startSshd } from '../helpers/sshd.js';
import { Console } from '../helpers/tmux-console.js';

const REPO = join(import.meta.dirname, '..', '..');

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Puts files into /home of the image's root partition (its own loop device, by offset: no udev here; always detached). */
function seedHome(image: string, files: Record<string, Buffer>): void {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as { partitiontable: { sectorsize?: number; partitions: { start: number; size: number }[] } };
  const sector = table.partitiontable.sectorsize ?? 512;
  const root = table.partitiontable.partitions[0]!;
  const loop = execFileSync('losetup', ['-f', '--show', '-o', String(root.start * sector), '--sizelimit', String(root.size * sector), image], { encoding: 'utf8' }).trim();
  const mnt = mkdtempSync(join(tmpdir(), 'fa-archive-tui-mnt-'));
  try {
    execFileSync('mount', [loop, mnt]);
    try {
      for (const [rel, data] of Object.entries(files)) {
        mkdirSync(join(mnt, 'home', rel, '..'), { recursive: true });
        writeFileSync(join(mnt, 'home', rel), data);
      }
    } finally {
      execFileSync('umount', [mnt]);
    }
  } finally {
    execFileSync('losetup', ['-d', loop]);
    rmSync(mnt, { recursive: true, force: true });
  }
}

test('TUI: copy /home of an image to sftp://, list it, extract it', needs({ root: true, loop: true, tools: ['tmux', 'ssh-agent', 'ssh-add', 'sftp'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const img = fixtureImage('bios');
  const work = mkdtempSync(join(tmpdir(), 'fa-archive-tui-'));
  const con = new Console(`fa-archive-${process.pid}`);
  const sshd = await startSshd();
  let agentPid: string | undefined;
  try {
    const files = { 'alice/notes.txt': Buffer.from('dear diary\n'), 'alice/photos/big.bin': randomBytes(24 << 20), 'bob/-rf': Buffer.from('odd name\n') };
    seedHome(img.path, files);
    const agent = execFileSync('ssh-agent', ['-s', '-a', join(work, 'agent.sock')], { encoding: 'utf8' });
    agentPid = /SSH_AGENT_PID=(\d+)/.exec(agent)?.[1];
    const sock = join(work, 'agent.sock');
    execFileSync('ssh-add', ['-q', sshd.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    mkdirSync(join(work, 'config', 'firstaid'), { recursive: true });
    copyFileSync(sshd.knownHostsFile, join(work, 'config', 'firstaid', 'known_hosts'));
    const url = `sftp://${sshd.user}@127.0.0.1:${sshd.port}${sshd.dataDir}`;
    const out = join(work, 'restored');

    con.start(`cd ${REPO} && env TERM=linux CI=false NO_COLOR= XDG_CONFIG_HOME=${join(work, 'config')} SSH_AUTH_SOCK=${sock} ./bin/firstaid --image ${img.path}`);
    await con.waitFor('Copy off this machine  (c)');
    con.keys('c');
    await con.waitFor('Choose the system to copy from', 60_000);
    await con.waitFor('Evidence for', 60_000);
    con.keys('Enter');
    await con.waitFor('Source:       /home');
    con.keys('Down', 'Enter');
    await con.waitFor('> _');
    con.text(url);
    con.keys('Enter');
    // A long URL is cut to the frame's width with '...' (ASCII), the rest is kept.
    await con.waitFor(`Destination:  ${url.slice(0, 40)}`);
    con.keys('Down', 'Down', 'Down', 'Enter');
    let s = await con.waitFor('[DONE]', 180_000);
    assert.match(s, /\[DONE\] home\.tar\.gz/);
    assert.match(s, /is at sftp:\/\/root@127\.0\.0\.1:/);
    assert.match(s, /entries, .* read; archive .*, sha256 [0-9a-f]{16}/);
    assert.ok(con.seen.some((x) => /Copying \/home to sftp:/.test(x) && /Elapsed: \d+ s/.test(x)), 'the progress screen was shown');
    for (const x of con.seen) for (const l of x.split('\n')) assert.ok(l.length <= 80 && /^[\x20-\x7e┌┐└┘─│]*$/.test(l), `console-unsafe: ${l}`);
    con.keys('Enter');
    await con.waitFor('[ List the archives there ]');
    con.keys('Down', 'Enter');
    s = await con.waitFor('(Enter extracts):', 60_000);
    assert.match(s, /home level 0 {2}tar\.gz/);
    con.keys('Down', 'Enter');
    await con.waitFor('Extract into: > /root/restore-home_');
    for (let i = 0; i < '/root/restore-home'.length; i++) con.keys('BSpace');
    await con.waitFor('Extract into: > _');
    con.text(out);
    con.keys('Enter');
    s = await con.waitFor(`extracted into ${out}`, 120_000);
    assert.match(s, /level 0: home\.tar\.gz/);
    for (const [rel, data] of Object.entries(files)) {
      assert.equal(sha(join(out, rel)), createHash('sha256').update(data).digest('hex'), rel);
    }
    con.keys('Enter');
    con.keys('q');
    await con.waitFor('FIRSTAID-EXIT=0', 30_000);
  } finally {
    con.kill();
    if (agentPid) try { process.kill(Number(agentPid)); } catch { /* gone */ }
    await sshd.stop();
    img.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
