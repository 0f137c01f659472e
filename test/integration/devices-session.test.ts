import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { Teardown } from '../../src/core/teardown.js';
import { FirstaidError } from '../../src/core/errors.js';
import { openSystem } from '../../src/app/open-target.js';
import { targetSpecFromOptions } from '../../src/devices/target-spec.js';
import { openTargetSession } from '../../src/devices/session.js';
import type { GlobalOptions } from '../../src/app/options.js';

// A private run-time dir (read lazily by runtimeDir()), so leftovers of these sessions are visible.
const RUNTIME = mkdtempSync('/tmp/firstaid-devsession-rt-');
process.env.FIRSTAID_RUNTIME_DIR = RUNTIME;

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid', 'sfdisk', 'mkfs.ext4'] });

function options(o: Partial<GlobalOptions>): GlobalOptions {
  return { json: false, dryRun: false, yes: false, force: false, help: false, version: false, choices: {}, ...o };
}

function ctx(o: Partial<GlobalOptions>, dryRun = false) {
  const log = new SessionLog();
  return { options: options({ ...o, dryRun }), log, runner: new Runner({ log, dryRun }), teardown: new Teardown(log) };
}

function mountOptions(dir: string): string[] {
  return execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', dir], { encoding: 'utf8' }).trim().split(',');
}

function mountedBelow(dir: string): string[] {
  return execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).split('\n').filter((t) => t.startsWith(dir));
}

/** An msdos disk image: p1 ext4 /boot (kernel, GRUB i386-pc), p2 ext4 / naming /boot by LABEL, p3 a second root. */
function separateBootImage(dir: string): string {
  const boot = join(dir, 'boot-tree');
  mkdirSync(join(boot, 'grub', 'i386-pc'), { recursive: true });
  writeFileSync(join(boot, 'grub', 'grub.cfg'), '# cfg\n');
  writeFileSync(join(boot, 'vmlinuz-7.0-sep'), 'k');
  writeFileSync(join(boot, 'initrd.img-7.0-sep'), 'i');
  const root = join(dir, 'root-tree');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'boot'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'PRETTY_NAME="SepBoot Linux"\n');
  writeFileSync(join(root, 'etc', 'fstab'), 'LABEL=sysroot / ext4 defaults 0 1\nLABEL=sysboot /boot ext4 defaults 0 2\n');
  const other = join(dir, 'other-tree');
  mkdirSync(join(other, 'etc'), { recursive: true });
  writeFileSync(join(other, 'etc', 'os-release'), 'PRETTY_NAME="Other Linux"\n');
  const img = join(dir, 'sep.img');
  execFileSync('truncate', ['-s', '100M', img]);
  execFileSync('sfdisk', ['-q', img], { input: 'label: dos\nstart=2048, size=32M, type=83\nsize=32M, type=83\nsize=32M, type=83\n' });
  const MiB = 1024 * 1024;
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'sysboot', '-d', boot, '-E', `offset=${MiB}`, img, '32M']);
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'sysroot', '-d', root, '-E', `offset=${33 * MiB}`, img, '32M']);
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'other', '-d', other, '-E', `offset=${65 * MiB}`, img, '32M']);
  return img;
}

describe('devices: sessions and mounted systems', N, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync('/var/tmp/firstaid-devsession-');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(RUNTIME, { recursive: true, force: true });
  });

  test('openSystem writable: read-only (noload) until remountReadWrite, then rw; changes persist; nothing left', async () => {
    const img = fixtureImage('bios');
    const c = ctx({ image: img.path });
    try {
      const { session, system } = await openSystem(c, { writable: true });
      assert.equal(session.installations.length, 1);
      assert.equal(system.readWrite, false);
      const root = system.target.root;
      const before = mountOptions(root);
      assert.ok(before.includes('ro'), before.join(','));
      await assert.rejects(system.target.writeFileAtomic('/etc/firstaid-test', 'x'));
      await system.remountReadWrite();
      assert.equal(system.readWrite, true);
      assert.ok(mountOptions(root).includes('rw'));
      await system.target.writeFileAtomic('/etc/firstaid-test', 'written\n');
      await system.close();
      assert.deepEqual(mountedBelow(root), []);
      await c.teardown.runAll();
      assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim(), '');

      // Reopened read-only: the write is there.
      const c2 = ctx({ image: img.path });
      const again = await openSystem(c2, { writable: false });
      assert.equal(await again.system.target.readText('/etc/firstaid-test'), 'written\n');
      await assert.rejects(again.system.remountReadWrite(), (e: unknown) => e instanceof FirstaidError && /opened read-only/.test(e.message));
      await c2.teardown.runAll();
      assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim(), '');
    } finally {
      await c.teardown.runAll();
      img.dispose();
    }
  });

  test('dry-run: writable is ignored, the image attached read-only, remount is a no-op', async () => {
    const img = fixtureImage('bios');
    const c = ctx({ image: img.path }, true);
    try {
      const { system } = await openSystem(c, { writable: true });
      const loops = execFileSync('losetup', ['-n', '-O', 'RO', '-j', img.path], { encoding: 'utf8' }).trim();
      assert.equal(loops, '1');
      await system.remountReadWrite();
      assert.equal(system.readWrite, false);
      assert.ok(mountOptions(system.target.root).includes('ro'));
    } finally {
      await c.teardown.runAll();
      img.dispose();
    }
    assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim(), '');
  });

  test('separate /boot from fstab; several installations need --system', async () => {
    const img = separateBootImage(dir);
    const c = ctx({ image: img });
    try {
      const session = await openTargetSession(targetSpecFromOptions(c.options), c, { writable: true });
      assert.deepEqual(session.installations.map((i) => i.name).sort(), ['Other Linux', 'SepBoot Linux']);
      const sep = session.installations.find((i) => i.name === 'SepBoot Linux')!;
      assert.match(sep.boot?.device ?? '', /p1$/);
      assert.deepEqual(sep.kernels, ['/boot/vmlinuz-7.0-sep']);
      assert.deepEqual(sep.grub.platforms, ['i386-pc']);
      assert.equal(sep.firmware, 'bios');
      assert.ok(sep.evidence.some((e) => /^separate \/boot .*p1 \(ext4/.test(e)), sep.evidence.join('\n'));

      const sys = await session.mount(sep);
      assert.ok(await sys.target.exists('/boot/vmlinuz-7.0-sep'), '/boot mounted inside the root');
      assert.ok(mountOptions(join(sys.target.root, 'boot')).includes('ro'));
      await sys.remountReadWrite();
      assert.ok(mountOptions(sys.target.root).includes('rw'));
      assert.ok(mountOptions(join(sys.target.root, 'boot')).includes('rw'), 'boot remounted rw after the root');
      await sys.target.writeFileAtomic('/boot/grub/grub.cfg', '# changed\n');
      await sys.close();
      assert.deepEqual(mountedBelow(sys.target.root), []);
    } finally {
      await c.teardown.runAll();
    }
    assert.equal(execFileSync('losetup', ['-j', img], { encoding: 'utf8' }).trim(), '');

    const c2 = ctx({ image: img });
    try {
      await assert.rejects(openSystem(c2, { writable: false }), (e: unknown) => e instanceof FirstaidError && /There are 2 installations: .*--system|--system/.test(e.message + e.hint));
      await c2.teardown.runAll();
      const c3 = ctx({ image: img });
      const s3 = await openTargetSession({ kind: 'image', file: img }, c3, { writable: false });
      const id = s3.installations.find((i) => i.name === 'SepBoot Linux')!.id;
      await c3.teardown.runAll();
      const c4 = ctx({ image: img, system: id });
      const { system } = await openSystem(c4, { writable: false });
      assert.equal(system.installation.name, 'SepBoot Linux');
      assert.equal(await system.target.readText('/boot/grub/grub.cfg'), '# changed\n');
      await c4.teardown.runAll();
      const c5 = ctx({ image: img, system: 'uuid:nope' });
      await assert.rejects(openSystem(c5, { writable: false }), /No installation "uuid:nope"/);
      await c5.teardown.runAll();
    } finally {
      await c2.teardown.runAll();
    }
    assert.equal(execFileSync('losetup', ['-j', img], { encoding: 'utf8' }).trim(), '');
  });

  test('an image already attached elsewhere is refused for writing, allowed for looking', async () => {
    const img = fixtureImage('bios');
    const other = execFileSync('losetup', ['-f', '--show', '-r', img.path], { encoding: 'utf8' }).trim();
    try {
      const c = ctx({ image: img.path });
      try {
        await assert.rejects(openSystem(c, { writable: true }), (e: unknown) => e instanceof FirstaidError && e.code === 'image-in-use' && e.message.includes(other));
        const { system } = await openSystem(c, { writable: false });
        assert.equal(system.installation.id, `uuid:${img.info.ROOT_UUID}`);
      } finally {
        await c.teardown.runAll();
      }
      assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim().split('\n').length, 1, 'only the other attachment is left');
    } finally {
      execFileSync('losetup', ['-d', other]);
      img.dispose();
    }
  });

  test('esp() and chroot(): read-only first, writable after remountReadWrite; closed with the system', async () => {
    const img = fixtureImage('uefi');
    const c = ctx({ image: img.path });
    try {
      const { system } = await openSystem(c, { writable: true });
      const ro = await system.esp();
      assert.ok(ro);
      assert.equal(ro.device, system.installation.esp!.device);
      assert.ok((await ro.listFiles('/EFI')).includes('/EFI/BOOT/BOOTX64.EFI'));
      assert.equal(await system.esp(), ro, 'cached');
      const ch = await system.chroot();
      assert.match((await ch.run('cat', ['/etc/os-release'])).stdout, /Debian GNU\/Linux 12/);
      await system.remountReadWrite();
      // The chroot was closed for the remount; a new one works on the read-write root.
      assert.deepEqual(mountedBelow(join(system.target.root, 'proc')), []);
      const ch2 = await system.chroot();
      await ch2.run('touch', ['/root/from-chroot']);
      const rw = await system.esp();
      assert.ok(rw && rw !== ro, 'a writable ESP access after the remount');
      await rw.writeFile('/EFI/firstaid-test.txt', Buffer.from('esp\n'));
      const root = system.target.root;
      await system.close();
      assert.deepEqual(mountedBelow(root), []);
      await c.teardown.runAll();

      const c2 = ctx({ image: img.path });
      try {
        const again = await openSystem(c2, { writable: false });
        assert.ok(await again.system.target.exists('/root/from-chroot'));
        const esp = await again.system.esp();
        assert.equal((await esp!.readFile('/EFI/firstaid-test.txt')).toString(), 'esp\n');
      } finally {
        await c2.teardown.runAll();
      }
    } finally {
      await c.teardown.runAll();
      img.dispose();
    }
  });

  test('no private directory is left in the run-time dir of these sessions', () => {
    const mnt = join(RUNTIME, 'mnt');
    assert.deepEqual(readdirSync(mnt), []);
  });
});
