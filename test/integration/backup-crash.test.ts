/**
 * Crash safety and concurrency with real processes: SIGKILL at random moments, two writers,
 * a killed lock holder. The child is bundled once with esbuild so each start costs ~0.1 s.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync, readFileSync, readdirSync, openSync, writeSync, ftruncateSync, closeSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { makeEnv, type Env } from './fixtures-backup/setup.js';
import { bundleOptions } from '../../scripts/bundle-options.mjs';

let bundle: string;
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'fa-crash-bundle-'));
  bundle = join(work, 'child.mjs');
  // The copy helper thread's entry beside it, as in the product's dist/ (trees of 256 files
  // and more are copied on two threads: the kills land in both).
  await build(bundleOptions('child', fileURLToPath(new URL('./fixtures-backup/child.ts', import.meta.url)), work));
});

after(() => rmSync(work, { recursive: true, force: true }));

function makeTree(root: string, files: number): void {
  const t = join(root, 'tree');
  for (let i = 0; i < files; i++) {
    const d = join(t, `d${i % 10}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}`), `content of file ${i}\n`.repeat(1 + (i % 7)));
  }
  writeFileSync(join(t, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 0x5a));
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitFor(prefix: string): Promise<void>;
}

function startChild(args: string[]): Child {
  const proc = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: () => void }[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => line.startsWith(x.prefix))) w.resolve();
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) =>
    proc.on('exit', (code) => {
      if (code) process.stderr.write(stderr);
      r(code);
    }),
  );
  return {
    proc,
    lines,
    exited,
    waitFor: (prefix) =>
      lines.some((l) => l.startsWith(prefix)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ prefix, resolve })),
  };
}

/** Every space is complete and verifies, or is listed incomplete and refused for revert. */
async function checkStore(env: Env): Promise<{ complete: number; incomplete: number }> {
  let complete = 0;
  let incomplete = 0;
  for (const sum of await env.store.list()) {
    assert.notEqual(sum.state, 'corrupt', `${sum.id}: ${sum.problem}`);
    const space = await env.store.openSpace(sum.id, env.target);
    if (sum.state === 'incomplete') {
      incomplete++;
      await assert.rejects(space.revertAll({ force: true }), /incomplete/);
      const v = await space.verify();
      assert.equal(v.ok, false);
    } else {
      complete++;
      const v = await space.verify();
      assert.deepEqual(v, { ok: true, problems: [] }, sum.id);
      const objects = await space.list();
      assert.deepEqual(objects.map((o) => o.name).sort(), ['/tree', 'facts']);
    }
  }
  return { complete, incomplete };
}

test('SIGKILL at 50 random moments: every space is complete and verifies, or listed incomplete and never reverted', { timeout: 120_000 }, async () => {
  const env = await makeEnv({ tree: false });
  try {
    makeTree(env.root, 400);
    // How long one pass takes here, so the kill moments spread over all of it.
    const probe = startChild(['loop', env.storeDir, env.root, '2']);
    const t0 = Date.now();
    assert.equal(await probe.exited, 0);
    const span = Math.max(200, Date.now() - t0);
    let killedLocked = 0;
    for (let k = 0; k < 50; k++) {
      const c = startChild(['loop', env.storeDir, env.root, '3']);
      const delay = Math.floor(Math.random() * span);
      await new Promise((r) => setTimeout(r, delay));
      c.proc.kill('SIGKILL');
      await c.exited;
      try {
        readdirSync(join(env.storeDir, '.lock'));
        killedLocked++;
      } catch {
        // killed while not holding the lock
      }
    }
    const t1 = Date.now();
    const { complete, incomplete } = await checkStore(env);
    assert.ok(Date.now() - t1 < 30_000);
    assert.ok(complete >= 2, `complete: ${complete}`);
    assert.ok(incomplete >= 1, `some kills must land mid-backup (incomplete: ${incomplete})`);
    // A revert from a complete space restores the tree exactly.
    const good = (await env.store.list()).find((s) => s.state !== 'incomplete')!;
    writeFileSync(join(env.root, 'tree/d1/f1'), 'changed');
    await (await env.store.openSpace(good.id, env.target)).revertAll({ force: true });
    assert.equal(readFileSync(join(env.root, 'tree/d1/f1'), 'utf8'), 'content of file 1\n'.repeat(2));
    process.stdout.write(`# crash test: ${complete} complete, ${incomplete} incomplete, ${killedLocked} kills while holding the lock\n`);
  } finally {
    env.dispose();
  }
});

test('two processes backing up into one store at once are serialized; nothing is corrupt', { timeout: 60_000 }, async () => {
  const env = await makeEnv({ tree: false });
  try {
    makeTree(env.root, 400);
    const a = startChild(['loop', env.storeDir, env.root, '3']);
    const b = startChild(['loop', env.storeDir, env.root, '3']);
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
    // A "B" span includes the wait for the lock, so only the lock holds themselves ("L") must not overlap.
    const spans = (c: Child, kind: string) => c.lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
    assert.equal(spans(a, 'B').length + spans(b, 'B').length, 6);
    const la = spans(a, 'L');
    const lb = spans(b, 'L');
    assert.ok(la.length >= 15 && lb.length >= 15, `lock holds: ${la.length} and ${lb.length}`);
    for (const [s1, e1] of la) for (const [s2, e2] of lb) assert.ok(e1 <= s2 || e2 <= s1, `both held the lock: ${s1}-${e1} and ${s2}-${e2}`);
    const { complete, incomplete } = await checkStore(env);
    assert.deepEqual([complete, incomplete], [6, 0]);
  } finally {
    env.dispose();
  }
});

test('a killed lock holder\'s lock is taken over without waiting for the mtime timeout', { timeout: 30_000 }, async () => {
  const env = await makeEnv();
  try {
    const holder = startChild(['hold', env.storeDir]);
    await holder.waitFor('LOCKED');
    // While it lives, the store waits.
    const pending = env.store.getBackup('grub', env.target, { persistent: true });
    await new Promise((r) => setTimeout(r, 300));
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(settled, false, 'waited for the live holder');
    holder.proc.kill('SIGKILL');
    await holder.exited;
    // An mtime an hour ahead: the mtime rule cannot free it while this test runs, only the dead
    // holder's record can (a regression hangs into the test's timeout).
    const ahead = new Date(Date.now() + 3600_000);
    try {
      utimesSync(join(env.storeDir, '.lock'), ahead, ahead);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // taken over already
    }
    const s = await pending;
    await s.backupPath('/etc/fstab');
    await s.commit();
    assert.equal((await s.verify()).ok, true);
  } finally {
    env.dispose();
  }
});

test('a big file streams through backup, verify and restore: the RSS stays far below its size', { timeout: 120_000 }, async () => {
  const env = await makeEnv({ tree: false });
  try {
    const size = 384 * 1024 * 1024;
    const fd = openSync(join(env.root, 'big.img'), 'w');
    // Sparse, with a few real blocks so the content is not all zeros.
    for (let off = 0; off < size; off += 64 * 1024 * 1024) writeSync(fd, Buffer.alloc(4096, off / 1048576), 0, 4096, off);
    ftruncateSync(fd, size);
    closeSync(fd);
    const c = startChild(['big', env.storeDir, env.root]);
    assert.equal(await c.exited, 0);
    const rss = Number(c.lines.find((l) => l.startsWith('RSS '))!.slice(4));
    assert.ok(rss < 160 * 1024 * 1024, `peak RSS ${Math.round(rss / 1048576)} MB for a ${size / 1048576} MB file`);
    const a = execFileSync('sha256sum', [join(env.root, 'big.img'), join(env.root, 'big.restored')], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]);
    assert.equal(a[0], a[1]);
  } finally {
    env.dispose();
  }
});
