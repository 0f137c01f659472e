import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fixtureImage } from '../helpers/images.js';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { Teardown } from '../../src/core/teardown.js';
import { openTargetSession } from '../../src/devices/session.js';
import { needs } from '../helpers/env.js';
import type { Installation } from '../../src/devices/types.js';
import { build, runFirstaid, sandbox } from './systems-helpers.js';

const N = needs({ root: true, tools: ['findmnt', 'lsblk'] });

function put(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}
function link(root: string, path: string, to: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  symlinkSync(to, join(root, path));
}

async function systemsJson(dir: string): Promise<Installation> {
  const sb = sandbox();
  try {
    const r = await runFirstaid(['systems', '--root', dir, '--json'], { sandbox: sb });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const { systems } = JSON.parse(r.stdout) as { systems: Installation[] };
    assert.equal(systems.length, 1);
    // The human output copes too.
    const h = await runFirstaid(['systems', '--root', dir], { sandbox: sb });
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stderr, /\n\s+at /);
    return systems[0]!;
  } finally {
    sb.dispose();
  }
}

describe('firstaid systems --root on adversarial trees reads the target, never the host', N, () => {
  let base: string;
  before(() => {
    build();
    base = mkdtempSync('/var/tmp/firstaid-rootdir-');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('absolute symlinks and .. chains stay inside the target', async () => {
    const t = join(base, 'a');
    put(t, 'usr/lib/os-release', 'PRETTY_NAME="Adversarial Linux"\nID=adv\n');
    link(t, 'etc/os-release', '../usr/lib/os-release');
    // On the host this is the kernel's mount table (proc, sysfs, ...): it must not be read.
    put(t, 'proc/self/mounts', 'LABEL=fromtarget / ext4 defaults 0 1\n');
    link(t, 'etc/fstab', '/proc/self/mounts');
    // boot -> /../../../bootreal: the .. chain stops at the target root.
    put(t, 'bootreal/vmlinuz-9.9-adv', 'k');
    put(t, 'bootreal/initrd.img-9.9-adv', 'i');
    link(t, 'boot', '/../../../bootreal');
    mkdirSync(join(t, 'bootreal/grub/i386-pc'), { recursive: true });
    put(t, 'bootreal/grub/grub.cfg', '# cfg\n');
    const s = await systemsJson(t);
    assert.equal(s.name, 'Adversarial Linux');
    assert.deepEqual(s.fstab.map((e) => [e.spec, e.file]), [['LABEL=fromtarget', '/']]);
    assert.equal(s.fstab[0]!.resolvesTo, null);
    assert.deepEqual(s.kernels, ['/boot/vmlinuz-9.9-adv']);
    assert.deepEqual(s.initrds, ['/boot/initrd.img-9.9-adv']);
    assert.deepEqual(s.grub.platforms, ['i386-pc']);
    assert.equal(s.grub.cfg, '/boot/grub/grub.cfg');
    assert.equal(s.firmware, 'bios');
    assert.equal(s.id, `dev:${t}`);
    assert.ok(s.evidence.some((e) => /best effort/.test(e)), s.evidence.join('\n'));
    assert.ok(!JSON.stringify(s).includes('sysfs'), 'host mount table leaked');
  });

  test('a host-path fstab symlink that does not exist in the target: no host content', async () => {
    const t = join(base, 'b');
    put(t, 'etc/os-release', 'NAME="HostCheck"\n');
    link(t, 'etc/fstab', '/etc/../etc/./hostname'); // the host has /etc/hostname; the target does not
    const s = await systemsJson(t);
    assert.equal(s.name, 'HostCheck');
    assert.deepEqual(s.fstab, []);
    assert.ok(s.evidence.includes('no /etc/fstab'), s.evidence.join('\n'));
  });

  test('symlink loops give a clear evidence line, no crash', async () => {
    const t = join(base, 'c');
    link(t, 'etc/fstab', '/etc/fstab');
    link(t, 'etc/os-release', 'os-release2');
    link(t, 'etc/os-release2', '/etc/os-release');
    put(t, 'usr/lib/os-release', 'PRETTY_NAME="Loopy Linux"\n');
    link(t, 'boot', '/boot');
    const s = await systemsJson(t);
    assert.equal(s.name, 'Loopy Linux');
    assert.deepEqual(s.fstab, []);
    assert.deepEqual(s.kernels, []);
    assert.ok(s.evidence.includes('/etc/fstab: symlink loop (too many levels of symbolic links), not read'), s.evidence.join('\n'));
    assert.ok(s.evidence.includes('/etc/os-release: symlink loop (too many levels of symbolic links), not read'), s.evidence.join('\n'));
    assert.ok(s.evidence.some((e) => e.startsWith('/boot: symlink loop')), s.evidence.join('\n'));
    assert.ok(s.evidence.includes('no kernel (/boot/vmlinuz-*) found'));
  });

  test('a directory without os-release, and a missing directory: clear errors', async () => {
    const sb = sandbox();
    try {
      const t = join(base, 'd');
      mkdirSync(join(t, 'etc'), { recursive: true });
      let r = await runFirstaid(['systems', '--root', t], { sandbox: sb });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no Linux installation found on the directory .*\/d; .*no \/etc\/os-release or \/usr\/lib\/os-release/);
      r = await runFirstaid(['systems', '--root', join(base, 'missing')], { sandbox: sb });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is not a directory/);
    } finally {
      sb.dispose();
    }
  });

  test('--root on a mountpoint: the device comes from findmnt; remountReadWrite of a ro mount is undone', needs({ root: true, loop: true, tools: ['sfdisk'] }), async () => {
    const img = fixtureImage('uefi');
    const mnt = mkdtempSync(join(base, 'mnt-'));
    try {
      const table = JSON.parse(execFileSync('sfdisk', ['-J', img.path], { encoding: 'utf8' })) as { partitiontable: { partitions: { start: number; size: number }[] } };
      const p = table.partitiontable.partitions[Number(img.info.ROOT_PART) - 1]!;
      // A writable loop device over the root partition alone, mounted read-only by "someone else".
      const loop = execFileSync('losetup', ['-f', '--show', '-o', String(p.start * 512), '--sizelimit', String(p.size * 512), img.path], { encoding: 'utf8' }).trim();
      try {
        execFileSync('mount', ['-o', 'ro', loop, mnt]);
        try {
          const s = await systemsJson(mnt);
          assert.equal(s.id, `uuid:${img.info.ROOT_UUID}`);
          assert.equal(s.root.uuid, img.info.ROOT_UUID);
          const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '--mountpoint', mnt], { encoding: 'utf8' }).trim();
          assert.equal(s.root.device, source);
          assert.equal(s.disk.path, source);
          assert.ok(!s.evidence.some((e) => /best effort/.test(e)), s.evidence.join('\n'));
          assert.deepEqual(s.kernels, [`/boot/vmlinuz-${img.info.KERNEL}`]);
  
          const log = new SessionLog();
          const deps = { runner: new Runner({ log }), log, teardown: new Teardown(log) };
          const session = await openTargetSession({ kind: 'root', dir: mnt }, deps, { writable: true });
          const sys = await session.mount(session.installations[0]!);
          const opts = () => execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '--mountpoint', mnt], { encoding: 'utf8' }).split(',');
          assert.ok(opts().includes('ro'));
          await sys.remountReadWrite();
          assert.ok(opts().includes('rw'));
          await sys.close();
          assert.ok(opts().includes('ro'), 'read-only again after close');
          await deps.teardown.runAll();
        } finally {
          execFileSync('umount', [mnt]);
        }
      } finally {
        execFileSync('losetup', ['-d', loop]);
      }
      assert.equal(execFileSync('losetup', ['-j', img.path], { encoding: 'utf8' }).trim(), '');
    } finally {
      img.dispose();
    }
  });
});
