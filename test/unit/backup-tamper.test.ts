import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, unlinkSync, symlinkSync, truncateSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnv, type Env } from '../integration/fixtures-backup/setup.js';
import type { BackupSpace } from '../../src/backup/spaces/types.js';

const FSTAB = 'UUID=1234 / ext4 defaults 0 1\n';

/** A committed space holding /etc/fstab and /boot/grub; then the "fix" changes both. */
async function committed(env: Env): Promise<BackupSpace> {
  const s = await env.store.getBackup('grub', env.target, { persistent: true });
  await s.backupPath('/etc/fstab');
  await s.backupPath('/boot/grub');
  await s.commit();
  writeFileSync(join(env.root, 'etc/fstab'), 'after the fix\n');
  writeFileSync(join(env.root, 'boot/grub/grub.cfg'), 'after the fix\n');
  return s;
}

function blobOf(s: BackupSpace, sha: string): string {
  return join(s.dir, 'objects', sha.slice(0, 2), sha);
}

function manifestPath(s: BackupSpace): string {
  return join(s.dir, 'manifest.json');
}

function editManifest(s: BackupSpace, edit: (m: { objects: Record<string, unknown>[] }) => void): void {
  const m = JSON.parse(readFileSync(manifestPath(s), 'utf8')) as { objects: Record<string, unknown>[] };
  edit(m);
  writeFileSync(manifestPath(s), JSON.stringify(m));
}

/** Nothing may have been restored: both files still hold what the fix left. */
function untouched(env: Env): void {
  assert.equal(readFileSync(join(env.root, 'etc/fstab'), 'utf8'), 'after the fix\n');
  assert.equal(readFileSync(join(env.root, 'boot/grub/grub.cfg'), 'utf8'), 'after the fix\n');
}

async function expectRefused(env: Env, s: BackupSpace, pattern: RegExp): Promise<void> {
  const again = await env.store.openSpace(s.id, env.target);
  await assert.rejects(again.revertAll({ force: true }), pattern);
  await assert.rejects(again.restoreName('/etc/fstab'), pattern);
  const v = await again.verify();
  assert.equal(v.ok, false);
  assert.ok(v.problems.some((p) => pattern.test(p)), v.problems.join('; '));
  const listed = (await env.store.list()).find((x) => x.id === s.id)!;
  assert.equal(listed.state, 'corrupt');
  untouched(env);
}

test('a flipped byte in a file object is detected before any restore, naming the object', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const o = (await s.list()).find((x) => x.name === '/etc/fstab')!;
    const p = blobOf(s, o.sha256!);
    const b = readFileSync(p);
    b[3]! ^= 0x01;
    writeFileSync(p, b);
    await assert.rejects(s.restoreName('/etc/fstab'), /"\/etc\/fstab": object content does not match/);
    await expectRefused(env, s, /"\/etc\/fstab"/);
  } finally {
    env.dispose();
  }
});

test('a flipped byte in a file inside a tree names the tree and the entry', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const grub = (await s.list()).find((x) => x.name === '/boot/grub')!;
    const e = grub.entries!.find((x) => x.name === 'i386-pc/normal.mod')!;
    // A small file of a tree is stored in a pack: the byte flipped is one of this file's.
    assert.ok(e.pack !== undefined, 'normal.mod is packed');
    const p = blobOf(s, grub.packs![e.pack]!);
    const b = readFileSync(p);
    b[e.packOffset! + 4999]! ^= 0x80;
    writeFileSync(p, b);
    await expectRefused(env, s, /"\/boot\/grub" entry "i386-pc\/normal.mod": content does not match/);
    const v = await (await env.store.openSpace(s.id, env.target)).verify();
    assert.ok(v.problems.some((x) => /^"\/boot\/grub" pack [0-9a-f]{12} \(holding ".*"( and \d+ more)?\): object content does not match its sha256$/.test(x)), v.problems.join('; '));
    assert.equal(v.problems.filter((x) => /entry/.test(x)).length, 1, 'only the damaged file is named');
  } finally {
    env.dispose();
  }
});

test('an object file swapped for a symlink (to an identical copy) is detected', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const o = (await s.list()).find((x) => x.name === '/etc/fstab')!;
    const p = blobOf(s, o.sha256!);
    writeFileSync(join(env.base, 'same-content'), readFileSync(p));
    unlinkSync(p);
    symlinkSync(join(env.base, 'same-content'), p);
    await expectRefused(env, s, /"\/etc\/fstab": object file was replaced by a symlink/);
  } finally {
    env.dispose();
  }
});

test('a pack swapped for a symlink, truncated or missing is detected, naming the tree, the pack and a file in it', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const grub = (await s.list()).find((x) => x.name === '/boot/grub')!;
    assert.ok(grub.packs && grub.packs.length > 0, 'the tree has packs');
    const p = blobOf(s, grub.packs[0]!);
    const inPack = grub.entries!.find((e) => e.pack === 0)!;
    const name = inPack.name.replace(/[.]/g, '\\.');
    writeFileSync(join(env.base, 'same-pack'), readFileSync(p));
    unlinkSync(p);
    symlinkSync(join(env.base, 'same-pack'), p);
    await expectRefused(env, s, new RegExp(`"/boot/grub" pack [0-9a-f]{12} \\(holding "${name}"( and \\d+ more)?\\): object file was replaced by a symlink`));
    unlinkSync(p);
    writeFileSync(p, readFileSync(join(env.base, 'same-pack')).subarray(0, 10));
    await expectRefused(env, s, /"\/boot\/grub" pack [0-9a-f]{12} .*: object file has 10 bytes/);
    unlinkSync(p);
    await expectRefused(env, s, /"\/boot\/grub" pack [0-9a-f]{12} .*: object file is missing/);
  } finally {
    env.dispose();
  }
});

test('a manifest whose pack reference points at other bytes, or at no pack, is refused', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const grub = (await s.list()).find((x) => x.name === '/boot/grub')!;
    const packed = grub.entries!.filter((e) => e.pack !== undefined);
    assert.ok(packed.length >= 2);
    const [a, b] = packed as [(typeof packed)[0], (typeof packed)[0]];
    editManifest(s, (m) => {
      const entries = m.objects.find((o) => o.name === '/boot/grub')!.entries as { name: string; pack: number; packOffset: number }[];
      Object.assign(entries.find((e) => e.name === a.name)!, { pack: b.pack, packOffset: b.packOffset });
    });
    await expectRefused(env, s, new RegExp(`"/boot/grub" entry "${a.name.replace(/[.]/g, '\\.')}": content does not match`));
    editManifest(s, (m) => {
      const entries = m.objects.find((o) => o.name === '/boot/grub')!.entries as { name: string; pack: number; packOffset: number }[];
      entries.find((e) => e.name === a.name)!.pack = 99;
    });
    await expectRefused(env, s, /"\/boot\/grub": entry ".*" names a pack the directory does not have/);
  } finally {
    env.dispose();
  }
});

test('a missing or truncated object file is detected, naming the object', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const o = (await s.list()).find((x) => x.name === '/etc/fstab')!;
    truncateSync(blobOf(s, o.sha256!), 5);
    await expectRefused(env, s, /"\/etc\/fstab": object file has 5 bytes/);
    unlinkSync(blobOf(s, o.sha256!));
    await expectRefused(env, s, /"\/etc\/fstab": object file is missing/);
  } finally {
    env.dispose();
  }
});

test('a truncated manifest makes the space corrupt: nothing restored', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const text = readFileSync(manifestPath(s), 'utf8');
    writeFileSync(manifestPath(s), text.slice(0, Math.floor(text.length / 2)));
    await expectRefused(env, s, /manifest is not valid JSON/);
    // The space opened before the damage re-reads its manifest before restoring, too.
    await assert.rejects(s.restoreName('/etc/fstab'), /manifest is not valid JSON/);
    untouched(env);
  } finally {
    env.dispose();
  }
});

test('a malformed manifest (bad hash, bad size) names the object', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    editManifest(s, (m) => {
      m.objects[0]!.sha256 = 'not-a-hash';
    });
    await expectRefused(env, s, /object "\/etc\/fstab": bad sha256/);
  } finally {
    env.dispose();
  }
});

test('a tree entry named with ".." or an absolute path is refused, naming it', async () => {
  for (const evil of ['../../../etc/fstab', '/etc/shadow', 'i386-pc/../../x']) {
    const env = await makeEnv();
    try {
      const s = await committed(env);
      editManifest(s, (m) => {
        const entries = m.objects[1]!.entries as Record<string, unknown>[];
        entries[1]!.name = evil;
      });
      await expectRefused(env, s, new RegExp(`object "${evil.replace(/[./]/g, (c) => '\\' + c)}": entry path`));
    } finally {
      env.dispose();
    }
  }
});

test('an object whose name or origin climbs with ".." is refused, naming it', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    editManifest(s, (m) => {
      m.objects[0]!.origin = '/etc/../../outside';
    });
    await expectRefused(env, s, /object "\/etc\/fstab": origin is not a normalized path/);
    editManifest(s, (m) => {
      m.objects[0]!.origin = '/etc/fstab';
      m.objects[0]!.name = '../escape';
    });
    await expectRefused(env, s, /object "\.\.\/escape": name contains "\.\."/);
    assert.equal(existsSync(join(env.base, 'outside')), false);
  } finally {
    env.dispose();
  }
});

test('an intact space still restores after the checks (control)', async () => {
  const env = await makeEnv();
  try {
    const s = await committed(env);
    const again = await env.store.openSpace(s.id, env.target);
    assert.deepEqual(await again.verify(), { ok: true, problems: [] });
    await again.revertAll({ force: true });
    assert.equal(readFileSync(join(env.root, 'etc/fstab'), 'utf8'), FSTAB);
  } finally {
    env.dispose();
  }
});
