import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';
import type { Installation } from '../../src/devices/types.js';
import { assertNothingLeft, build, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid', 'sfdisk', 'mkfs.ext4', 'mkfs.minix', 'setpriv'] });

describe('firstaid systems: bad input gives a clear error and leaves nothing behind', N, () => {
  let dir: string;
  let sb: Sandbox;
  before(() => {
    build();
    dir = mkdtempSync('/var/tmp/firstaid-badinput-');
    // Readable by the unprivileged user of the non-root test.
    chmodSync(dir, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function expectError(file: string, pattern: RegExp, opts: { code?: number } = {}): Promise<string> {
    sb = sandbox();
    try {
      const r = await runFirstaid(['systems', '--image', file], { sandbox: sb });
      assert.equal(r.code, opts.code ?? 1, r.stdout + r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const j = await runFirstaid(['systems', '--image', file, '--json'], { sandbox: sb });
      assert.equal(j.code, opts.code ?? 1);
      const err = (JSON.parse(j.stdout) as { error: { message: string; hint: string } }).error;
      assert.match(err.message, pattern);
      assert.ok(err.hint.length > 0);
      assertNothingLeft(file, sb);
      return r.stderr;
    } finally {
      sb.dispose();
    }
  }

  test('random bytes: not a disk image', async () => {
    const f = join(dir, 'random.img');
    writeFileSync(f, randomBytes(4 * 1024 * 1024));
    await expectError(f, /random\.img is not a disk image \(no partition table or filesystem found\)/);
  });

  test('zeroed file: not a disk image', async () => {
    const f = join(dir, 'zero.img');
    execFileSync('truncate', ['-s', '8M', f]);
    await expectError(f, /zero\.img is not a disk image \(no partition table or filesystem found\)/);
  });

  test('empty file and missing file', async () => {
    const f = join(dir, 'empty.img');
    writeFileSync(f, '');
    await expectError(f, /empty \(0 bytes\)/);
    await expectError(join(dir, 'nope.img'), /nope\.img" does not exist/);
    await expectError(dir, /neither a file nor a block device/);
  });

  test('a partitioned disk with an empty ext4: no Linux installation found', async () => {
    const f = join(dir, 'empty-ext4.img');
    execFileSync('truncate', ['-s', '64M', f]);
    execFileSync('sfdisk', ['-q', f], { input: 'label: gpt\nstart=2048, type=0FC63DAF-8483-4772-8E79-3D69D84773E4\n' });
    execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'offset=1048576', f, '32M']);
    const stderr = await expectError(f, /no Linux installation found on the image .*empty-ext4\.img; \/dev\/loop\d+p1 \(ext4, UUID [0-9a-f-]+\): no \/etc\/os-release/);
    assert.match(stderr, /not a Linux installation/);
  });

  test('an unknown filesystem is skipped with evidence, then: no installation', async () => {
    const f = join(dir, 'minix.img');
    execFileSync('truncate', ['-s', '8M', f]);
    execFileSync('mkfs.minix', [f], { stdio: 'ignore' });
    await expectError(f, /no Linux installation found on the image .*minix\.img; \/dev\/loop\d+: unknown filesystem minix, not inspected/);
  });

  for (const fs of ['ext4', 'ext3', 'ext2']) test(`a whole-disk ${fs} image (no partition table) is a single candidate`, async () => {
    const tree = join(dir, `tree-${fs}`);
    mkdirSync(join(tree, 'etc'), { recursive: true });
    mkdirSync(join(tree, 'boot'), { recursive: true });
    writeFileSync(join(tree, 'etc', 'os-release'), 'PRETTY_NAME="Tiny Linux 1"\nID=tiny\n');
    writeFileSync(join(tree, 'boot', 'vmlinuz-1.0'), 'k');
    const f = join(dir, `${fs}.img`);
    execFileSync(`mkfs.${fs}`, ['-q', '-F', '-d', tree, f, '16M']);
    sb = sandbox();
    try {
      const r = await runFirstaid(['systems', '--image', f, '--json'], { sandbox: sb });
      assert.equal(r.code, 0, r.stderr);
      const { systems } = JSON.parse(r.stdout) as { systems: Installation[] };
      assert.equal(systems.length, 1);
      const s = systems[0]!;
      assert.equal(s.name, 'Tiny Linux 1');
      assert.equal(s.root.fstype, fs);
      assert.match(s.root.device, /^\/dev\/loop\d+$/);
      assert.equal(s.disk.path, s.root.device);
      assert.deepEqual(s.kernels, ['/boot/vmlinuz-1.0']);
      assert.deepEqual(s.fstab, []);
      assert.equal(s.firmware, 'unknown');
      // Found, with the evidence saying what is missing.
      assert.ok(s.evidence.includes('no /etc/fstab'), s.evidence.join('\n'));
      assert.ok(s.evidence.some((e) => /^no initrd/.test(e)));
      assert.ok(s.evidence.some((e) => /^no GRUB directory/.test(e)));
      assertNothingLeft(f, sb);
    } finally {
      sb.dispose();
    }
  });

  test('missing tools: ToolMissingError naming the Debian package; nothing attached', async () => {
    const img = fixtureImage('bios');
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    sb = sandbox();
    try {
      // No losetup at all.
      let r = await runFirstaid(['systems', '--image', img.path], { sandbox: sb, env: { PATH: bin } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /The program "losetup" is not installed/);
      assert.match(r.stderr, /apt-get install mount/);
      // losetup present but no lsblk: fails after attaching, and the loop device is detached again.
      for (const t of ['losetup', 'blkid', 'partx', 'mknod', 'umount', 'mount']) symlinkSync(execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), join(bin, t));
      r = await runFirstaid(['systems', '--image', img.path], { sandbox: sb, env: { PATH: bin } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /The program "lsblk" is not installed/);
      assert.match(r.stderr, /apt-get install util-linux/);
      assertNothingLeft(img.path, sb);
    } finally {
      img.dispose();
      sb.dispose();
    }
  });

  test('non-root: a clear refusal before anything is attached; --help and --version still work', async () => {
    const img = fixtureImage('bios');
    chmodSync(img.path, 0o644);
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    try {
      const r = await runFirstaid(['systems', '--image', img.path], { prefix: asNobody, env: { HOME: '/tmp' } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /firstaid needs root to attach and mount disks; run it with sudo/);
      assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim(), '');
      const h = await runFirstaid(['--help'], { prefix: asNobody, env: { HOME: '/tmp' } });
      assert.equal(h.code, 0, h.stderr);
      assert.match(h.stdout, /Usage/);
      const v = await runFirstaid(['--version'], { prefix: asNobody, env: { HOME: '/tmp' } });
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /^firstaid /);
    } finally {
      img.dispose();
    }
  });
});
