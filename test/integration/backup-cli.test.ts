/**
 * `firstaid backups list|show|verify|delete [--json]` through the real bundle: --backup-store,
 * --root (the target's own store), and --image (the installation mounted read-only for the
 * listing, read-write only for delete).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';
import { assertNothingLeft, build, runFirstaid, sandbox } from './systems-helpers.js';
import { makeEnv, type Env } from './fixtures-backup/setup.js';
import { openBackupStore, defaultStoreDir } from '../../src/backup/spaces/store.js';
import { TargetRoot } from '../../src/core/target-root.js';
import type { SpaceSummary } from '../../src/backup/spaces/types.js';

/** Two spaces: a committed grub one and an interrupted fstab one. */
async function populate(env: Env, storeDir = env.storeDir): Promise<{ grub: string; fstab: string }> {
  const store = await openBackupStore(storeDir, { runner: env.runner, log: env.log });
  const g = await store.getBackup('grub', env.target, { persistent: true, description: 'Reinstall GRUB' });
  await g.backupPath('/boot/grub');
  await g.commit();
  const f = await store.getBackup('fstab', env.target, { persistent: true, description: 'Fix fstab' });
  await f.backupPath('/etc/fstab');
  return { grub: g.id, fstab: f.id };
}

describe('firstaid backups', () => {
  before(() => build());

  test('list, show, verify, delete with --backup-store; human output fits 80 columns; exit codes', async () => {
    const env = await makeEnv();
    const sb = sandbox();
    try {
      const ids = await populate(env);
      const list = await runFirstaid(['backups', 'list', '--backup-store', env.storeDir], { sandbox: sb });
      assert.equal(list.code, 0, list.stderr);
      for (const line of list.stdout.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
      assert.ok(list.stdout.indexOf('fstab:') < list.stdout.indexOf('grub:'), 'grouped by plugin id');
      assert.match(list.stdout, new RegExp(`${ids.fstab}.*INCOMPLETE`));
      assert.match(list.stdout, new RegExp(`${ids.grub}.*complete`));
      assert.match(list.stdout, /Reinstall GRUB +1 object, 4\.9 KiB/);

      const json = await runFirstaid(['backups', '--json', '--backup-store', env.storeDir], { sandbox: sb });
      const j = JSON.parse(json.stdout) as { backups: SpaceSummary[] };
      assert.deepEqual(j.backups.map((b) => [b.id, b.state]), [[ids.fstab, 'incomplete'], [ids.grub, 'complete']]);

      const show = await runFirstaid(['backups', 'show', ids.grub, '--backup-store', env.storeDir, '--json'], { sandbox: sb });
      assert.equal(show.code, 0, show.stderr);
      assert.deepEqual((JSON.parse(show.stdout) as { objects: { name: string }[] }).objects.map((o) => o.name), ['/boot/grub']);

      const ok = await runFirstaid(['backups', 'verify', ids.grub, '--backup-store', env.storeDir], { sandbox: sb });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /verified/);
      const after = JSON.parse((await runFirstaid(['backups', 'list', '--json', '--backup-store', env.storeDir], { sandbox: sb })).stdout) as { backups: SpaceSummary[] };
      assert.equal(after.backups.find((b) => b.id === ids.grub)!.state, 'verified', 'the result is recorded');

      const bad = await runFirstaid(['backups', 'verify', ids.fstab, '--backup-store', env.storeDir, '--json'], { sandbox: sb });
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /incomplete/);

      // A flipped byte: verify names the object and fails.
      // (grub.cfg is a small file of a tree: its bytes are in one of the tree's packs.)
      const tree = JSON.parse(readFileSync(join(env.storeDir, ids.grub, 'manifest.json'), 'utf8')).objects[0];
      const o = tree.entries.find((e: { name: string }) => e.name === 'grub.cfg');
      const pack: string = tree.packs[o.pack];
      const blob = join(env.storeDir, ids.grub, 'objects', pack.slice(0, 2), pack);
      const bytes = readFileSync(blob);
      bytes.fill(0x58, o.packOffset, o.packOffset + o.size);
      writeFileSync(blob, bytes);
      const tampered = await runFirstaid(['backups', 'verify', ids.grub, '--backup-store', env.storeDir], { sandbox: sb });
      assert.equal(tampered.code, 1);
      assert.match(tampered.stdout, /"\/boot\/grub" entry "grub\.cfg"/);

      assert.equal((await runFirstaid(['backups', 'show', 'nonsense', '--backup-store', env.storeDir], { sandbox: sb })).code, 2);
      assert.equal((await runFirstaid(['backups', 'frobnicate', '--backup-store', env.storeDir], { sandbox: sb })).code, 2);
      const missing = await runFirstaid(['backups', 'show', 'grub/20200101T000000Z-abcdef', '--backup-store', env.storeDir], { sandbox: sb });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no backup grub\/20200101T000000Z-abcdef/);

      const del = await runFirstaid(['backups', 'delete', ids.fstab, '--backup-store', env.storeDir], { sandbox: sb });
      assert.equal(del.code, 0, del.stderr);
      assert.equal(existsSync(join(env.storeDir, ids.fstab)), false);
    } finally {
      sb.dispose();
      env.dispose();
    }
  });

  test('--root DIR uses DIR/var/lib/firstaid/backups', async () => {
    const env = await makeEnv();
    const sb = sandbox();
    try {
      const ids = await populate(env, await defaultStoreDir(env.target));
      const r = await runFirstaid(['backups', 'list', '--root', env.root, '--json'], { sandbox: sb });
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { store: string; backups: SpaceSummary[] };
      assert.equal(j.store, join(env.root, 'var/lib/firstaid/backups'));
      assert.deepEqual(j.backups.map((b) => b.id).sort(), [ids.fstab, ids.grub].sort());
    } finally {
      sb.dispose();
      env.dispose();
    }
  });

  test('--image: listed and verified from a read-only mount; delete remounts read-write', needs({ root: true, loop: true, tools: ['losetup', 'mount', 'umount', 'sfdisk'] }), async () => {
    const img = fixtureImage('bios');
    const sb = sandbox();
    const env = await makeEnv({ tree: false });
    let ids: { grub: string; fstab: string } | undefined;
    // Put two backups into the installation's own store, as an earlier fix would have.
    // No udev here: attach the root partition itself (offset and size from the partition table).
    const table = JSON.parse(execFileSync('sfdisk', ['-J', img.path], { encoding: 'utf8' })) as { partitiontable: { sectorsize?: number; partitions: { node: string; start: number; size: number }[] } };
    const part = table.partitiontable.partitions.find((p) => p.node.endsWith(String(img.info.ROOT_PART)))!;
    const ss = table.partitiontable.sectorsize ?? 512;
    const loop = execFileSync('losetup', ['-f', '--show', '-o', String(part.start * ss), '--sizelimit', String(part.size * ss), img.path], { encoding: 'utf8' }).trim();
    const mnt = mkdtempSync('/tmp/fa-backup-img-');
    try {
      execFileSync('mount', [loop, mnt]);
      try {
        const target = await TargetRoot.open(mnt, env.runner);
        ids = await populate({ ...env, target }, await defaultStoreDir(target));
      } finally {
        execFileSync('umount', [mnt]);
      }
    } finally {
      execFileSync('losetup', ['-d', loop]);
      rmSync(mnt, { recursive: true, force: true });
    }
    try {
      const list = await runFirstaid(['backups', 'list', '--image', img.path, '--json'], { sandbox: sb });
      assert.equal(list.code, 0, list.stderr);
      const j = JSON.parse(list.stdout) as { backups: SpaceSummary[] };
      assert.deepEqual(j.backups.map((b) => [b.id, b.state]), [[ids!.fstab, 'incomplete'], [ids!.grub, 'complete']]);
      const v = await runFirstaid(['backups', 'verify', ids!.grub, '--image', img.path], { sandbox: sb });
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assertNothingLeft(img.path, sb);
      const del = await runFirstaid(['backups', 'delete', ids!.fstab, '--image', img.path, '--json'], { sandbox: sb });
      assert.equal(del.code, 0, del.stderr);
      const again = JSON.parse((await runFirstaid(['backups', 'list', '--image', img.path, '--json'], { sandbox: sb })).stdout) as { backups: SpaceSummary[] };
      assert.deepEqual(again.backups.map((b) => b.id), [ids!.grub]);
      assertNothingLeft(img.path, sb);
    } finally {
      sb.dispose();
      env.dispose();
      img.dispose();
    }
  });
});
