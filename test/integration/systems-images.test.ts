import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage, type ImageType } from '../helpers/images.js';
import type { Installation } from '../../src/devices/types.js';
import { assertNothingLeft, build, loggedCommands, runFirstaid, sandbox } from './systems-helpers.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid', 'mdir'] });

describe('firstaid systems --image on the fixture images', N, () => {
  before(() => build());

  for (const type of ['bios', 'uefi', 'hybrid'] as ImageType[]) {
    test(`${type}: root, ESP, bios_grub, fstab, kernel, firmware; nothing left behind`, async () => {
      const img = fixtureImage(type);
      const sb = sandbox();
      try {
        const r = await runFirstaid(['systems', '--image', img.path, '--json'], { sandbox: sb });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const { systems } = JSON.parse(r.stdout) as { systems: Installation[] };
        assert.equal(systems.length, 1, JSON.stringify(systems.map((s) => s.id)));
        const s = systems[0]!;
        const info = img.info;
        assert.equal(s.id, `uuid:${info.ROOT_UUID}`);
        assert.equal(s.root.uuid, info.ROOT_UUID);
        assert.match(s.root.device, new RegExp(`^/dev/loop\\d+p${info.ROOT_PART}$`));
        assert.equal(s.root.partn, Number(info.ROOT_PART));
        assert.equal(s.root.fstype, 'ext4');
        assert.equal(s.disk.path, s.root.device.replace(/p\d+$/, ''));
        assert.equal(s.disk.pttype, type === 'bios' ? 'dos' : 'gpt');
        assert.ok(s.disk.ptuuid);
        assert.equal(s.disk.size, statSync(img.path).size);
        assert.equal(s.osRelease.ID, 'debian');
        assert.deepEqual(s.kernels, [`/boot/vmlinuz-${info.KERNEL}`]);
        assert.deepEqual(s.initrds, [`/boot/initrd.img-${info.KERNEL}`]);
        assert.equal(s.grub.dir, '/boot/grub');
        assert.equal(s.grub.cfg, '/boot/grub/grub.cfg');
        assert.equal(s.grub.flavour, 'grub');
        assert.equal(s.firmware, type);

        const expectFstab = 1 + (info.ESP_PART ? 1 : 0) + (info.DATA_PART ? 1 : 0);
        assert.equal(s.fstab.length, expectFstab);
        const rootEntry = s.fstab.find((e) => e.file === '/')!;
        assert.equal(rootEntry.spec, `UUID=${info.ROOT_UUID}`);
        assert.equal(rootEntry.resolvesTo, s.root.device);
        const data = s.fstab.find((e) => e.file === '/srv/data')!;
        assert.equal(data.spec, `UUID=${info.DATA_UUID}`);
        assert.match(data.resolvesTo ?? '', new RegExp(`p${info.DATA_PART}$`));

        if (info.ESP_PART) {
          assert.ok(s.esp, 'ESP expected');
          assert.equal(s.esp.uuid, info.ESP_UUID);
          assert.equal(s.esp.fstype, 'vfat');
          assert.equal(s.esp.mountpoint, '/boot/efi');
          assert.equal(s.esp.partn, Number(info.ESP_PART));
          assert.ok(s.evidence.some((e) => e.startsWith(`ESP ${s.esp!.device} (vfat, UUID ${info.ESP_UUID}) mounted at /boot/efi by fstab`)), s.evidence.join('\n'));
          assert.ok(s.grub.platforms.includes('x86_64-efi'));
        } else {
          assert.equal(s.esp, null);
        }
        if (type === 'hybrid') {
          assert.ok(s.biosGrub);
          assert.equal(s.biosGrub.partn, 1);
          assert.equal(s.biosGrub.parttype, '21686148-6449-6e6f-744e-656564454649');
        } else {
          assert.equal(s.biosGrub, null);
        }
        if (type !== 'uefi') assert.ok(s.grub.platforms.includes('i386-pc'));
        assert.ok(s.evidence.some((e) => e.startsWith('firmware ')));
        assert.equal(s.partitions.length, 1 + (info.ESP_PART ? 1 : 0) + (info.DATA_PART ? 1 : 0) + (type === 'hybrid' ? 1 : 0));

        // systems only looks: the loop device read-only, every mount read-only without journal replay.
        const cmds = loggedCommands(sb);
        assert.ok(cmds.some((a) => a[0] === 'losetup' && a.includes('-r')), 'read-only loop attach');
        const mounts = cmds.filter((a) => a[0] === 'mount');
        assert.ok(mounts.length > 0);
        for (const m of mounts) assert.match(m.join(' '), /-o ro,noload /);
        assertNothingLeft(img.path, sb);
      } finally {
        img.dispose();
        sb.dispose();
      }
    });
  }

  // The firmware judgement must survive the damage a repair is for (the plugins pick what to fix from it).
  for (const [type, mode, mbr] of [['bios', 'grub-modules', 'GRUB'], ['hybrid', 'grub-modules', 'GRUB'], ['uefi', 'efi-binary', 'empty (zeros)'], ['bios', 'mbr-code', 'empty (zeros)']] as const) {
    test(`${type} with ${mode} broken is still judged ${type}`, async () => {
      const img = fixtureImage(type);
      const sb = sandbox();
      try {
        await breakImage(img.path, mode);
        const r = await runFirstaid(['systems', '--image', img.path, '--json'], { sandbox: sb });
        assert.equal(r.code, 0, r.stderr);
        const s = (JSON.parse(r.stdout) as { systems: Installation[] }).systems[0]!;
        assert.equal(s.firmware, type, s.evidence.join('\n'));
        assert.ok(s.evidence.some((e) => e === `MBR boot code of ${s.disk.path}: ${mbr}`), s.evidence.join('\n'));
        assertNothingLeft(img.path, sb);
      } finally {
        img.dispose();
        sb.dispose();
      }
    });
  }

  test('human output: every installation with its evidence, within 80 columns', async () => {
    const img = fixtureImage('hybrid');
    const sb = sandbox();
    try {
      const r = await runFirstaid(['systems', '--image', img.path], { sandbox: sb });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Debian GNU\/Linux 12/);
      assert.match(r.stdout, new RegExp(`uuid:${img.info.ROOT_UUID}`));
      assert.match(r.stdout, /firmware: hybrid/);
      assert.match(r.stdout, /evidence:/);
      assert.match(r.stdout, /GRUB i386-pc modules in \/boot\/grub\/i386-pc/);
      for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `line longer than 80: ${line}`);
      assertNothingLeft(img.path, sb);
    } finally {
      img.dispose();
      sb.dispose();
    }
  });
});
