import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreLock, processStartTicks, bootId, ownerIsDead } from '../../src/backup/spaces/lock.js';
import { checkStoreUsable, defaultStoreDir, openBackupStore } from '../../src/backup/spaces/store.js';
import { makeEnv } from '../integration/fixtures-backup/setup.js';
import { needs } from '../helpers/env.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

function fakeLock(storeDir: string, owner: Record<string, unknown>): void {
  mkdirSync(join(storeDir, '.lock'), { recursive: true });
  writeFileSync(join(storeDir, '.lock', 'owner.json'), JSON.stringify({ host: hostname(), token: 'other', since: 'then', bootId: null, startTicks: null, ...owner }));
}

test('a lock whose owner process on this host is dead is taken over at once', { timeout: 60_000 }, async () => {
  const env = await makeEnv();
  try {
    fakeLock(env.storeDir, { pid: deadPid() });
    // An mtime an hour ahead: proper-lockfile's mtime rule could never call it stale while this
    // test runs, so only the dead owner's record can free it (a regression hangs into the timeout).
    const ahead = new Date(Date.now() + 3600_000);
    utimesSync(join(env.storeDir, '.lock'), ahead, ahead);
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    await s.backupPath('/etc/fstab');
    assert.equal(existsSync(join(env.storeDir, '.lock')), false, 'released after the call');
  } finally {
    env.dispose();
  }
});

test('a live pid with another start time (pid reused) or another boot is stale too', async () => {
  const ticks = await processStartTicks(process.pid);
  assert.ok(ticks !== null && ticks > 0);
  assert.equal(await ownerIsDead({ host: hostname(), pid: process.pid, startTicks: ticks, bootId: await bootId(), token: 't', since: '' }), false);
  assert.equal(await ownerIsDead({ host: hostname(), pid: process.pid, startTicks: ticks! + 1, bootId: null, token: 't', since: '' }), true);
  assert.equal(await ownerIsDead({ host: hostname(), pid: process.pid, startTicks: ticks, bootId: 'another-boot', token: 't', since: '' }), true);
  assert.equal(await ownerIsDead({ host: 'another-host', pid: deadPid(), startTicks: null, bootId: null, token: 't', since: '' }), false, 'another host cannot be checked');
});

test('a lock held by a live process is waited for, named when it times out, and taken once it dies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-lock-'));
  const child = spawn('sleep', ['30']);
  try {
    await new Promise((r) => setTimeout(r, 100));
    fakeLock(dir, { pid: child.pid, startTicks: await processStartTicks(child.pid!), bootId: await bootId() });
    const lock = new StoreLock(dir);
    const t0 = Date.now();
    await assert.rejects(lock.acquire(600), new RegExp(`in use by process ${child.pid} on ${hostname()}`));
    assert.ok(Date.now() - t0 >= 600);
    const waiting = lock.acquire(10_000);
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await waiting;
    await lock.assertOwned();
    const owner = JSON.parse(readFileSync(join(dir, '.lock', 'owner.json'), 'utf8'));
    assert.equal(owner.pid, process.pid);
    await lock.releaseLock();
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ownership is re-checked before a commit point: a lost lock writes nothing', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const manifestBefore = readFileSync(join(s.dir, 'manifest.json'), 'utf8');
    // Another process takes the lock over while this one copies (simulated: the owner record changes).
    const lock = new StoreLock(env.storeDir);
    await lock.acquire();
    const p = s.backupPath('/boot/grub');
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(join(env.storeDir, '.lock', 'owner.json'), JSON.stringify({ host: hostname(), pid: 1, token: 'thief', since: 'now', startTicks: null, bootId: null }));
    await lock.releaseLock(); // not ours any more: the record stays
    rmSync(join(env.storeDir, '.lock'), { recursive: true, force: true });
    await p; // got the lock after the release: fine
    // Now steal during an operation by replacing the record right after acquisition.
    const orig = StoreLock.prototype.assertOwned;
    StoreLock.prototype.assertOwned = async function (this: StoreLock) {
      writeFileSync(join(env.storeDir, '.lock', 'owner.json'), JSON.stringify({ host: hostname(), pid: 1, token: 'thief', since: 'now', startTicks: null, bootId: null }));
      return orig.call(this);
    };
    try {
      await assert.rejects(s.backupPath('/etc/fstab'), /lost the lock on the backup store .* to process 1/);
    } finally {
      StoreLock.prototype.assertOwned = orig;
    }
    const m = JSON.parse(readFileSync(join(s.dir, 'manifest.json'), 'utf8'));
    assert.deepEqual(m.objects.map((o: { name: string }) => o.name), ['/boot/grub'], 'the manifest was not written by the loser');
    assert.notEqual(manifestBefore, readFileSync(join(s.dir, 'manifest.json'), 'utf8'));
    rmSync(join(env.storeDir, '.lock'), { recursive: true, force: true });
  } finally {
    env.dispose();
  }
});

test('the default store is <target>/var/lib/firstaid/backups, mode 0700', async () => {
  const env = await makeEnv();
  try {
    const dir = await defaultStoreDir(env.target);
    assert.equal(dir, join(env.root, 'var/lib/firstaid/backups'));
    await openBackupStore(dir, { runner: env.runner, log: env.log });
    assert.equal((await import('node:fs')).statSync(dir).mode & 0o777, 0o700);
  } finally {
    env.dispose();
  }
});

test('a store without room asks for --backup-store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-store-'));
  try {
    await checkStoreUsable(join(dir, 'not/yet'), 1024);
    await assert.rejects(checkStoreUsable(dir, Number.MAX_SAFE_INTEGER), (e: Error & { hint?: string }) => /bytes free/.test(e.message) && /--backup-store DIR/.test(e.hint ?? ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a read-only store says so and asks for --backup-store (never falls back to RAM)', needs({ root: true, tools: ['mount', 'umount'] }), async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fa-ro-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'fa-ro-test', dir]);
  try {
    const store = join(dir, 'var/lib/firstaid/backups');
    await assert.rejects(checkStoreUsable(store, 10), (e: Error & { hint?: string }) => /read-only/.test(e.message) && /--backup-store DIR/.test(e.hint ?? ''));
    const env = await makeEnv({ tree: false });
    try {
      await assert.rejects(openBackupStore(store, { runner: env.runner, log: env.log }), /read-only/);
    } finally {
      env.dispose();
    }
  } finally {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
