import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, statSync, lstatSync, readlinkSync, chownSync, utimesSync, chmodSync, mkdirSync, unlinkSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { makeEnv } from '../integration/fixtures-backup/setup.js';
import { utcStamp, parseSpaceId, newSpaceId } from '../../src/backup/spaces/ids.js';
import { needs } from '../helpers/env.js';

test('space ids: UTC timestamp with minutes where minutes belong (FirstAidKit used the month)', async () => {
  assert.equal(utcStamp(new Date(Date.UTC(2026, 0, 5, 13, 47, 9))), '20260105T134709Z');
  assert.match(newSpaceId('grub', new Date(Date.UTC(2026, 10, 22, 9, 3, 59))), /^grub\/20261122T090359Z-[0-9a-f]{6}$/);
  const env = await makeEnv();
  try {
    const before = new Date();
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const p = parseSpaceId(s.id)!;
    assert.ok(p, s.id);
    assert.equal(s.getBackupId(), s.id);
    assert.match(s.id, /^grub\/\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const after = new Date();
    // Read back from the id: were the month where minutes belong, this would be far off.
    assert.ok(p.created.getTime() >= Math.floor(before.getTime() / 1000) * 1000 && p.created.getTime() <= after.getTime(), `${s.id} is this moment, in UTC`);
    assert.equal(s.dir, join(env.storeDir, 'grub', s.id.split('/')[1]!));
    assert.equal(statSync(env.storeDir).mode & 0o777, 0o700);
  } finally {
    env.dispose();
  }
});

test('restoreName with a custom name restores to the origin, or to a given path (FirstAidKit regression)', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('fstab', env.target, { persistent: true });
    chmodSync(join(env.root, 'etc/fstab'), 0o640);
    chownSync(join(env.root, 'etc/fstab'), 1234, 5678);
    const mtime = new Date('2020-02-03T04:05:06.789Z');
    utimesSync(join(env.root, 'etc/fstab'), mtime, mtime);
    await s.backupPath('/etc/fstab', 'the-fstab');
    writeFileSync(join(env.root, 'etc/fstab'), 'broken\n');
    chmodSync(join(env.root, 'etc/fstab'), 0o666);
    await s.restoreName('the-fstab');
    const st = statSync(join(env.root, 'etc/fstab'));
    assert.equal(readFileSync(join(env.root, 'etc/fstab'), 'utf8'), 'UUID=1234 / ext4 defaults 0 1\n');
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.uid, 1234);
    assert.equal(st.gid, 5678);
    assert.equal(st.mtime.toISOString(), mtime.toISOString());
    await s.restoreName('the-fstab', '/etc/fstab.orig');
    assert.equal(readFileSync(join(env.root, 'etc/fstab.orig'), 'utf8'), 'UUID=1234 / ext4 defaults 0 1\n');
    await assert.rejects(s.restoreName('/etc/fstab'), /no object named "\/etc\/fstab"/);
  } finally {
    env.dispose();
  }
});

test('exists by name and by path (FirstAidKit regression)', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('fstab', env.target, { persistent: true });
    await s.backupPath('/etc/fstab', 'custom');
    await s.backupPath('/boot/grub/grub.cfg');
    assert.equal(await s.exists('custom'), true);
    assert.equal(await s.exists('/etc/fstab'), true, 'by origin path');
    assert.equal(await s.exists('//etc/./fstab'), true, 'by origin path, normalized');
    assert.equal(await s.exists('/boot/grub/grub.cfg'), true);
    assert.equal(await s.exists('/etc/passwd'), false);
    assert.equal(await s.exists('other'), false);
  } finally {
    env.dispose();
  }
});

test('a directory tree is restored exactly: content, modes, owners, mtimes, symlinks, xattrs; additions removed', async () => {
  const env = await makeEnv();
  try {
    const g = join(env.root, 'boot/grub');
    chownSync(join(g, 'i386-pc/core.img'), 42, 43);
    chmodSync(join(g, 'i386-pc'), 0o750);
    execFileSync('setfattr', ['-n', 'user.firstaid', '-v', 'kept', join(g, 'grub.cfg')]);
    const old = new Date('2019-01-01T00:00:00.000Z');
    utimesSync(join(g, 'i386-pc'), old, old);
    utimesSync(join(g, 'grub.cfg'), old, old);
    const s = await env.store.getBackup('grub', env.target, { persistent: true, description: 'reinstall grub' });
    const obj = await s.backupPath('/boot/grub');
    assert.equal(obj.type, 'directory');
    assert.equal(obj.entries!.length, 6);
    await s.commit();
    // The "fix": rewrite, remove, add, retype.
    writeFileSync(join(g, 'grub.cfg'), 'garbage');
    execFileSync('setfattr', ['-x', 'user.firstaid', join(g, 'grub.cfg')]);
    unlinkSync(join(g, 'i386-pc/core.img'));
    writeFileSync(join(g, 'i386-pc/added.mod'), 'new');
    mkdirSync(join(g, 'newdir/deeper'), { recursive: true });
    unlinkSync(join(g, 'normal-link'));
    writeFileSync(join(g, 'normal-link'), 'now a file');
    rmSync(join(g, 'empty'), { recursive: true });
    writeFileSync(join(g, 'empty'), 'a file where a dir was');
    chmodSync(join(g, 'i386-pc'), 0o777);
    await s.restorePath('/boot/grub');
    assert.deepEqual(readdirSync(g).sort(), ['empty', 'grub.cfg', 'i386-pc', 'normal-link']);
    assert.deepEqual(readdirSync(join(g, 'i386-pc')).sort(), ['core.img', 'normal.mod']);
    assert.equal(readFileSync(join(g, 'grub.cfg'), 'utf8'), 'set timeout=5\nmenuentry "Debian" {}\n');
    assert.equal(statSync(join(g, 'grub.cfg')).mode & 0o7777, 0o600);
    assert.equal(statSync(join(g, 'grub.cfg')).mtime.toISOString(), old.toISOString());
    assert.match(execFileSync('getfattr', ['-n', 'user.firstaid', join(g, 'grub.cfg')], { encoding: 'utf8' }), /user.firstaid="kept"/);
    assert.deepEqual(readFileSync(join(g, 'i386-pc/core.img')), Buffer.from([0, 1, 2, 3, 255]));
    assert.equal(statSync(join(g, 'i386-pc/core.img')).uid, 42);
    assert.equal(statSync(join(g, 'i386-pc/core.img')).gid, 43);
    assert.equal(statSync(join(g, 'i386-pc')).mode & 0o7777, 0o750);
    assert.equal(statSync(join(g, 'i386-pc')).mtime.toISOString(), old.toISOString());
    assert.ok(lstatSync(join(g, 'normal-link')).isSymbolicLink());
    assert.equal(readlinkSync(join(g, 'normal-link')), 'i386-pc/normal.mod');
    assert.ok(statSync(join(g, 'empty')).isDirectory());
    // Restoring into a fresh place gives the same tree.
    await s.restoreName('/boot/grub', '/srv/grub-copy');
    assert.deepEqual(readdirSync(join(env.root, 'srv/grub-copy/i386-pc')).sort(), ['core.img', 'normal.mod']);
  } finally {
    env.dispose();
  }
});

test('a symlink is backed up as a link, never followed', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const o = await s.backupPath('/boot/grub/normal-link');
    assert.equal(o.type, 'symlink');
    assert.equal(o.symlinkTarget, 'i386-pc/normal.mod');
    unlinkSync(join(env.root, 'boot/grub/normal-link'));
    await s.restorePath('/boot/grub/normal-link');
    assert.equal(readlinkSync(join(env.root, 'boot/grub/normal-link')), 'i386-pc/normal.mod');
  } finally {
    env.dispose();
  }
});

test('backupValue / restoreValue keep JSON values; a second object of the same name is refused', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const v = { disk: '/dev/sda', parts: [1, 2], nested: { ok: true, none: null } };
    await s.backupValue(v, 'facts');
    assert.deepEqual(await s.restoreValue('facts'), v);
    await assert.rejects(s.backupValue(1, 'facts'), /already holds "facts"/);
    await assert.rejects(s.restoreName('facts'), /is a value/);
    await assert.rejects(s.restoreValue('missing'), /no object named "missing"/);
  } finally {
    env.dispose();
  }
});

test('a path that did not exist is recorded as absent; restoring removes what the fix created', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const o = await s.backupPath('/etc/default/grub.d/new.cfg');
    assert.equal(o.absent, true);
    await s.commit();
    mkdirSync(join(env.root, 'etc/default/grub.d'), { recursive: true });
    writeFileSync(join(env.root, 'etc/default/grub.d/new.cfg'), 'created by the fix');
    await s.revertAll();
    assert.equal(existsSync(join(env.root, 'etc/default/grub.d/new.cfg')), false);
  } finally {
    env.dispose();
  }
});

test('delete(name), list() and cleanup()', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    await s.backupPath('/etc/fstab');
    await s.backupPath('/boot/grub/grub.cfg');
    assert.deepEqual((await s.list()).map((o) => o.name), ['/etc/fstab', '/boot/grub/grub.cfg']);
    await s.delete('/etc/fstab');
    assert.deepEqual((await s.list()).map((o) => o.name), ['/boot/grub/grub.cfg']);
    assert.equal(await s.exists('/etc/fstab'), false);
    await assert.rejects(s.delete('/etc/fstab'), /no object named/);
    const reopened = await env.store.openSpace(s.id, env.target);
    assert.deepEqual((await reopened.list()).map((o) => o.name), ['/boot/grub/grub.cfg']);
    await s.cleanup();
    assert.equal(existsSync(s.dir), false);
    assert.deepEqual(await env.store.list(), []);
  } finally {
    env.dispose();
  }
});

test('non-persistent spaces vanish when the run ends well and stay (listed) when it does not', async () => {
  const env = await makeEnv();
  try {
    const good = await env.store.getBackup('fstab', env.target, { persistent: false });
    await good.backupPath('/etc/fstab');
    await env.store.closeBackup(good.id);
    assert.equal(existsSync(good.dir), false);
    const bad = await env.store.getBackup('fstab', env.target, { persistent: false });
    await bad.backupPath('/etc/fstab');
    await env.store.closeBackup(bad.id, { failed: true });
    assert.equal(existsSync(bad.dir), true);
    const listed = await env.store.list();
    assert.deepEqual(listed.map((x) => [x.id, x.persistent]), [[bad.id, false]]);
    const kept = await env.store.getBackup('fstab', env.target, { persistent: true });
    await env.store.closeBackup(kept.id);
    assert.equal(existsSync(kept.dir), true, 'a persistent space stays');
  } finally {
    env.dispose();
  }
});

test('store listing: grouped by plugin id, newest first, with state, description, objects and size', async () => {
  const env = await makeEnv();
  try {
    const a = await env.store.getBackup('grub', env.target, { persistent: true, description: 'first' });
    await a.backupPath('/boot/grub');
    await a.commit();
    await new Promise((r) => setTimeout(r, 1100));
    const b = await env.store.getBackup('grub', env.target, { persistent: true, description: 'second' });
    await b.backupPath('/etc/fstab');
    await b.commit();
    await b.verify();
    const c = await env.store.getBackup('fstab', env.target, { persistent: true, description: 'never committed' });
    await c.backupPath('/etc/fstab');
    const l = await env.store.list();
    assert.deepEqual(l.map((x) => [x.id, x.state, x.description]), [
      [c.id, 'incomplete', 'never committed'],
      [b.id, 'verified', 'second'],
      [a.id, 'complete', 'first'],
    ]);
    assert.equal(l[1]!.objectCount, 1);
    assert.equal(l[1]!.size, 'UUID=1234 / ext4 defaults 0 1\n'.length);
    assert.equal(l[2]!.size, 36 + 5000 + 5);
    await assert.rejects((await env.store.openSpace(c.id, env.target)).revertAll(), /incomplete/);
    await env.store.deleteSpace(a.id);
    assert.deepEqual((await env.store.list()).map((x) => x.id), [c.id, b.id]);
    await assert.rejects(env.store.deleteSpace(a.id), /no backup/);
    await assert.rejects(env.store.openSpace('../../etc/x-1', env.target), /not a backup id/);
  } finally {
    env.dispose();
  }
});

test('revert safety: a revert refuses files changed after the fix, naming them, unless forced', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('fstab', env.target, { persistent: true });
    await s.backupPath('/etc/fstab');
    await s.backupPath('/boot/grub');
    await s.commit();
    writeFileSync(join(env.root, 'etc/fstab'), 'fixed by the plugin\n');
    writeFileSync(join(env.root, 'boot/grub/grub.cfg'), 'regenerated\n');
    await s.recordFixResult();
    assert.deepEqual(await s.changedSinceFix(), []);
    writeFileSync(join(env.root, 'etc/fstab'), 'edited later by the person\n');
    writeFileSync(join(env.root, 'boot/grub/i386-pc/extra.mod'), 'x');
    const reopened = await env.store.openSpace(s.id, env.target);
    assert.deepEqual((await reopened.changedSinceFix()).sort(), ['/boot/grub', '/etc/fstab']);
    await assert.rejects(reopened.revertAll(), (e: Error) => /\/etc\/fstab/.test(e.message) && /\/boot\/grub/.test(e.message) && /changed after the fix/.test(e.message));
    assert.equal(readFileSync(join(env.root, 'etc/fstab'), 'utf8'), 'edited later by the person\n', 'nothing restored');
    await reopened.revertAll({ force: true });
    assert.equal(readFileSync(join(env.root, 'etc/fstab'), 'utf8'), 'UUID=1234 / ext4 defaults 0 1\n');
    assert.equal(existsSync(join(env.root, 'boot/grub/i386-pc/extra.mod')), false);
    assert.equal((await env.store.list())[0]!.reverted, true);
  } finally {
    env.dispose();
  }
});

test('paths resolve inside the target: an absolute symlink in the target never reaches the host', async () => {
  const env = await makeEnv();
  try {
    const s = await env.store.getBackup('fstab', env.target, { persistent: true });
    // /etc/hostname on the host exists; inside the target, "/etc" links restart at the target root.
    mkdirSync(join(env.root, 'real'));
    writeFileSync(join(env.root, 'real/hostname'), 'target-host\n');
    execFileSync('ln', ['-s', '/real/hostname', join(env.root, 'etc/hostname')]);
    const o = await s.backupPath('/etc/hostname');
    assert.equal(o.type, 'symlink');
    const o2 = await s.backupPath('/real/hostname');
    assert.equal(o2.size, 'target-host\n'.length);
    await assert.rejects(s.backupPath('/../../etc/passwd'), /not a usable path/);
  } finally {
    env.dispose();
  }
});

test('ranges: bytes of a disk back and forth; refused on a disk of another identity', needs({ tools: ['sfdisk', 'blkid'] }), async () => {
  const env = await makeEnv();
  try {
    const disk = join(env.base, 'disk.img');
    writeFileSync(disk, Buffer.alloc(4 * 1024 * 1024));
    execFileSync('sfdisk', ['-q', disk], { input: 'label: dos\nstart=2048, size=4096, type=83\n' });
    const bootCode = Buffer.alloc(440, 0xeb); // boot code proper: bytes 440..445 hold the disk signature (PTUUID)
    const fd = (await import('node:fs')).openSync(disk, 'r+');
    (await import('node:fs')).writeSync(fd, bootCode, 0, 440, 0);
    (await import('node:fs')).closeSync(fd);
    const { readDiskIdentity } = await import('../../src/backup/spaces/identity.js');
    const identity = (await readDiskIdentity(env.runner, disk))!;
    assert.ok(identity.ptuuid, 'sfdisk gave the disk a PTUUID');
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    const o = await s.backupRange(disk, 0, 1024 * 1024, 'mbr-and-gap', identity);
    assert.equal(o.range!.identity.ptuuid, identity.ptuuid);
    await s.commit();
    const before = readFileSync(disk).subarray(0, 1024 * 1024);
    const w = (await import('node:fs')).openSync(disk, 'r+');
    (await import('node:fs')).writeSync(w, Buffer.alloc(440, 0), 0, 440, 0);
    (await import('node:fs')).closeSync(w);
    await s.restoreRange('mbr-and-gap');
    assert.deepEqual(readFileSync(disk).subarray(0, 1024 * 1024), before);
    // Another disk (same size, other table): refused, both identities named.
    const other = join(env.base, 'other.img');
    writeFileSync(other, Buffer.alloc(4 * 1024 * 1024));
    execFileSync('sfdisk', ['-q', other], { input: 'label: dos\nstart=2048, size=4096, type=83\n' });
    const otherId = (await readDiskIdentity(env.runner, other))!;
    await assert.rejects(s.restoreRange('mbr-and-gap', other), (e: Error) => e.message.includes(identity.ptuuid!) && e.message.includes(otherId.ptuuid!));
    await assert.rejects(s.restoreRange('mbr-and-gap', disk, { ...identity, serial: 'X', size: 1 }), /size/);
    assert.equal(readFileSync(other).subarray(0, 440).every((b) => b === 0), true, 'nothing written to the other disk');
    // revertAll maps the recorded device to today's node (a loop device renamed between runs).
    const moved = join(env.base, 'moved.img');
    (await import('node:fs')).renameSync(disk, moved);
    await assert.rejects(s.revertAll(), /not there and no device was mapped/);
    const w2 = (await import('node:fs')).openSync(moved, 'r+');
    (await import('node:fs')).writeSync(w2, Buffer.alloc(440, 0), 0, 440, 0);
    (await import('node:fs')).closeSync(w2);
    await s.revertAll({ devices: { [disk]: { path: moved, identity: { ...identity, path: moved } } } });
    assert.deepEqual(readFileSync(moved).subarray(0, 1024 * 1024), before);
  } finally {
    env.dispose();
  }
});

test('concurrent calls on one store in one process are serialized: nothing lost or corrupt', async () => {
  const env = await makeEnv();
  try {
    for (let i = 0; i < 30; i++) writeFileSync(join(env.root, `etc/f${i}`), `file ${i}\n`);
    const a = await env.store.getBackup('fstab', env.target, { persistent: true });
    const b = await env.store.getBackup('grub', env.target, { persistent: true });
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).backupPath(`/etc/f${i}`)));
    await Promise.all([a.commit(), b.commit()]);
    const [va, vb] = await Promise.all([a.verify(), b.verify()]);
    assert.deepEqual([va.ok, vb.ok], [true, true]);
    assert.equal((await a.list()).length + (await b.list()).length, 30);
    const sums = await env.store.list();
    assert.deepEqual(sums.map((x) => x.objectCount).sort(), [15, 15]);
  } finally {
    env.dispose();
  }
});

test('revert safety covers ranges: bytes changed after the fix are named, unless forced', needs({ tools: ['sfdisk', 'blkid'] }), async () => {
  const env = await makeEnv();
  try {
    const fs = await import('node:fs');
    const disk = join(env.base, 'disk.img');
    writeFileSync(disk, Buffer.alloc(2 * 1024 * 1024));
    execFileSync('sfdisk', ['-q', disk], { input: 'label: dos\nstart=2048, size=1024, type=83\n' });
    const poke = (byte: number) => {
      const fd = fs.openSync(disk, 'r+');
      fs.writeSync(fd, Buffer.alloc(440, byte), 0, 440, 0);
      fs.closeSync(fd);
    };
    poke(0x11); // the broken boot code
    const { readDiskIdentity } = await import('../../src/backup/spaces/identity.js');
    const identity = (await readDiskIdentity(env.runner, disk))!;
    const s = await env.store.getBackup('grub', env.target, { persistent: true });
    await s.backupRange(disk, 0, 1024 * 1024, 'mbr', identity);
    await s.commit();
    poke(0x22); // what the fix wrote
    await s.recordFixResult();
    assert.deepEqual(await s.changedSinceFix(), []);
    poke(0x33); // someone re-installed GRUB after the fix
    assert.deepEqual(await s.changedSinceFix(), [`mbr (bytes 0..1048576 of ${disk})`]);
    await assert.rejects(s.revertAll(), /changed after the fix.*mbr \(bytes 0\.\.1048576/);
    assert.equal(fs.readFileSync(disk)[0], 0x33, 'nothing written');
    await s.revertAll({ force: true });
    assert.equal(fs.readFileSync(disk)[0], 0x11);
  } finally {
    env.dispose();
  }
});

test('a big tree: small files and files of 1 MB and more (streamed beside them) come back byte for byte', async () => {
  const env = await makeEnv();
  try {
    const t = join(env.root, 'usr/lib/modules');
    const want = new Map<string, string>();
    const put = (rel: string, data: Buffer): void => {
      mkdirSync(join(t, rel, '..'), { recursive: true });
      writeFileSync(join(t, rel), data);
      want.set(rel, sha(data));
    };
    for (let i = 0; i < 1500; i++) put(`d${i % 30}/f${i}.ko`, Buffer.from(`module ${i} `.repeat(1 + (i % 50))));
    put('same-a', Buffer.alloc(3000, 1)); // equal content: one object, two entries
    put('same-b', Buffer.alloc(3000, 1));
    put('empty', Buffer.alloc(0));
    const mb = 1 << 20;
    for (const size of [mb - 1, mb, mb + 1, 3 * mb + 12345]) {
      const b = Buffer.alloc(size);
      for (let i = 0; i + 4 <= size; i += 4096) b.writeUInt32LE((i * 2654435761) >>> 0, i);
      put(`big-${size}.bin`, b);
    }
    const s = await env.store.getBackup('modules', env.target, { persistent: true, description: 'modules' });
    const obj = await s.backupPath('/usr/lib/modules');
    await s.commit();
    assert.equal(obj.entries!.filter((e) => e.type === 'file').length, want.size);
    assert.deepEqual(await s.verify(), { ok: true, problems: [] });
    rmSync(t, { recursive: true });
    await s.restorePath('/usr/lib/modules');
    for (const [rel, h] of want) assert.equal(sha(readFileSync(join(t, rel))), h, rel);
  } finally {
    env.dispose();
  }
});

test('a tree deleted from a space and backed up again is stored again (neither thread trusts what it stored before)', async () => {
  const env = await makeEnv();
  try {
    const t = join(env.root, 'usr/share/doc');
    for (let i = 0; i < 700; i++) {
      mkdirSync(join(t, `p${i % 20}`), { recursive: true });
      writeFileSync(join(t, `p${i % 20}`, `copyright-${i}`), `license text ${i}\n`.repeat(1 + (i % 30)));
      // Every tenth is over the pack limit: an object file of its own, remembered by the thread that stored it.
      if (i % 10 === 0) writeFileSync(join(t, `p${i % 20}`, `manual-${i}.pdf`), Buffer.alloc(70_000, i % 251));
    }
    const s = await env.store.getBackup('docs', env.target, { persistent: true });
    const first = await s.backupPath('/usr/share/doc', 'first');
    assert.ok((first.packs?.length ?? 0) >= Math.ceil(700 / 64), 'small files went into packs, one per batch');
    await s.delete('first'); // its packs are removed with it
    const again = await s.backupPath('/usr/share/doc', 'again');
    await s.commit();
    assert.deepEqual(await s.verify(), { ok: true, problems: [] });
    for (const p of again.packs!) assert.ok(existsSync(join(s.dir, 'objects', p.slice(0, 2), p)), `pack ${p} is there`);
    assert.deepEqual(readdirSync(join(s.dir, 'objects', 'tmp')), [], 'no temp file left');
    const before = readFileSync(join(t, 'p3', 'copyright-3'), 'utf8');
    rmSync(t, { recursive: true });
    await s.restoreName('again');
    assert.equal(readFileSync(join(t, 'p3', 'copyright-3'), 'utf8'), before);
    assert.equal(readdirSync(t).length, 20);
    assert.equal(readFileSync(join(t, 'p10', 'manual-690.pdf')).length, 70_000);
  } finally {
    env.dispose();
  }
});

test('a pack whose batch failed leaves no file behind, and what it held is stored anew next time', async () => {
  const { BlobStore } = await import('../../src/backup/objects/blobs.js');
  const env = await makeEnv({ tree: false });
  try {
    const files = [0, 1, 2].map((i) => {
      const p = join(env.root, `f${i}`);
      writeFileSync(p, Buffer.alloc(60_000, i + 1)); // three of these overflow the pack's buffer: its temp file exists
      return p;
    });
    const blobs = new BlobStore(join(env.base, 'space'));
    for (const f of files) blobs.putFile(f, false, true);
    blobs.abortPack();
    assert.deepEqual(readdirSync(join(env.base, 'space', 'objects', 'tmp')), [], 'the temp pack is removed');
    const rs = files.map((f) => blobs.putFile(f, false, true)) as { pack?: string; offset?: number; size: number }[];
    blobs.endPack();
    const pack = readFileSync(blobs.pathOf(rs[0]!.pack!));
    assert.equal(pack.length, 180_000);
    rs.forEach((r, i) => assert.ok(pack.subarray(r.offset!, r.offset! + r.size).equals(Buffer.alloc(60_000, i + 1))));
    // A batch of empty files only: its pack is an empty object, named by the hash of nothing.
    writeFileSync(join(env.root, 'empty'), '');
    const e = blobs.putFile(join(env.root, 'empty'), false, true) as { pack?: string; size: number };
    blobs.endPack();
    assert.equal(e.pack, sha(Buffer.alloc(0)));
    assert.equal(statSync(blobs.pathOf(e.pack)).size, 0);
  } finally {
    env.dispose();
  }
});

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
