import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, rmSync, statSync, existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TargetRoot } from '../../src/core/target-root.js';

/** A host directory with a target root inside it and sentinel files beside it. */
function adversarialTree() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'fa-tr-')));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'boot', 'grub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'HOST SECRET\n');
  writeFileSync(join(root, 'etc', 'real-fstab'), 'TARGET FSTAB\n');
  // Absolute link to a name that exists on the host: must mean the target's own /etc/real-fstab.
  symlinkSync('/etc/real-fstab', join(root, 'etc', 'fstab'));
  // ".." chains that would climb out of the root on the host.
  symlinkSync('../../../../../../outside/secret', join(root, 'etc', 'climb'));
  symlinkSync(join(outside, 'secret'), join(root, 'etc', 'abs-host')); // absolute host path
  symlinkSync('/', join(root, 'rootlink'));
  symlinkSync('../..', join(root, 'boot', 'grub', 'up'));
  // Loops.
  symlinkSync('loop-b', join(root, 'etc', 'loop-a'));
  symlinkSync('loop-a', join(root, 'etc', 'loop-b'));
  symlinkSync('/etc/self', join(root, 'etc', 'self'));
  // A directory link used as a parent when writing.
  symlinkSync('/boot/grub', join(root, 'grubdir'));
  symlinkSync('/../../outside', join(root, 'escape-dir'));
  return { base, root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

test('absolute symlinks resolve inside the target, as the target sees them', async () => {
  const t = adversarialTree();
  try {
    const tr = await TargetRoot.open(t.root);
    assert.equal(await tr.readText('/etc/fstab'), 'TARGET FSTAB\n');
    assert.equal(await tr.resolve('/rootlink/etc/real-fstab'), join(t.root, 'etc', 'real-fstab'));
    assert.equal(await tr.resolve('/boot/grub/up/../../../etc'), join(t.root, 'etc'));
  } finally {
    t.cleanup();
  }
});

test('.. chains and host-absolute links never reach outside the root', async () => {
  const t = adversarialTree();
  try {
    const tr = await TargetRoot.open(t.root);
    for (const p of ['/etc/climb', '/etc/abs-host', '/../../outside/secret', '../outside/secret', '/escape-dir/secret', 'etc/../../../outside/secret']) {
      const host = await tr.resolve(p);
      assert.ok(host === t.root || host.startsWith(t.root + '/'), `${p} resolved to ${host}`);
      await assert.rejects(tr.readText(p), /ENOENT/, `${p} must not be readable`);
    }
  } finally {
    t.cleanup();
  }
});

test('symlink loops end with ELOOP', async () => {
  const t = adversarialTree();
  try {
    const tr = await TargetRoot.open(t.root);
    await assert.rejects(tr.resolve('/etc/loop-a'), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    await assert.rejects(tr.readText('/etc/self'), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  } finally {
    t.cleanup();
  }
});

test('writes through adversarial links land inside the root and leave the host untouched', async () => {
  const t = adversarialTree();
  try {
    const tr = await TargetRoot.open(t.root);
    const before = statSync(join(t.outside, 'secret'));
    // No /outside inside the target: the write fails rather than going anywhere else.
    await assert.rejects(tr.writeFileAtomic('/etc/climb', 'written\n'), /ENOENT/);
    mkdirSync(join(t.root, 'outside'));
    await tr.writeFileAtomic('/etc/climb', 'written\n');
    // A host-absolute link means that path inside the target, which does not exist here.
    await assert.rejects(tr.writeFileAtomic('/etc/abs-host', 'written\n'), /ENOENT/);
    await tr.writeFileAtomic('/escape-dir/secret', 'written\n');
    await tr.writeFileAtomic('/grubdir/grub.cfg', 'cfg\n');
    await tr.writeFileAtomic('/etc/fstab', 'NEW FSTAB\n');
    assert.equal(readFileSync(join(t.outside, 'secret'), 'utf8'), 'HOST SECRET\n');
    assert.equal(statSync(join(t.outside, 'secret')).mtimeMs, before.mtimeMs);
    assert.equal(readFileSync(join(t.root, 'outside', 'secret'), 'utf8'), 'written\n');
    assert.equal(readFileSync(join(t.root, 'boot', 'grub', 'grub.cfg'), 'utf8'), 'cfg\n');
    // Writing through the fstab symlink replaces the file it points to inside the target.
    assert.equal(readFileSync(join(t.root, 'etc', 'real-fstab'), 'utf8'), 'NEW FSTAB\n');
    assert.ok(!existsSync('/etc/real-fstab'));
  } finally {
    t.cleanup();
  }
});

test('atomic write keeps mode and owner of the replaced file', async () => {
  const t = adversarialTree();
  try {
    const tr = await TargetRoot.open(t.root);
    const p = join(t.root, 'etc', 'real-fstab');
    const { chmodSync } = await import('node:fs');
    chmodSync(p, 0o640);
    await tr.writeFileAtomic('/etc/real-fstab', 'x\n');
    assert.equal(statSync(p).mode & 0o7777, 0o640);
  } finally {
    t.cleanup();
  }
});

test('a root that is not a directory is refused with a message', async () => {
  await assert.rejects(TargetRoot.open('/nonexistent/firstaid-root'), /not a directory/);
});
