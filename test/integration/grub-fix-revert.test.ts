/**
 * grub fix and revert through the flow engine on real images (the CLI's path, without the CLI):
 * after revert the first MiBs of the disk, the GRUB directory and the ESP equal the broken state
 * byte for byte; a second fix on a repaired image changes nothing; a plugin without grub-install
 * in the target is blocked with the image unchanged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { breakImage, fixtureImage, TESTBED, type FixtureImage } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { readRange, sha256 as sha, treeListing } from '../helpers/bytes.js';
import { openImageContext } from './grub-context.js';
import { grubPlugin } from '../../src/rescue-plugins/grub/index.js';
import { runFix, revertFix } from '../../src/rescue-plugins/flow.js';
import type { FixResult } from '../../src/rescue-plugins/types.js';
import { testFlowDeps } from '../helpers/flow-deps.js';

const NEEDS = needs({ root: true, loop: true, tools: ['parted', 'mkfs.ext4', 'mkfs.vfat', 'mdir', 'mcopy', 'fusefat', 'grub-script-check', 'losetup'] });



interface Snapshot { head: string; esp: string | null; grubTree: string[] }

async function snapshot(img: FixtureImage): Promise<Snapshot> {
  const c = await openImageContext(img.path, { writable: false });
  try {
    const sys = c.ctx.system;
    // The first MiB (boot code, partition table, gap) and a bios_grub partition; not the root
    // filesystem's superblock, which every read-write mount changes.
    const bg = sys.biosGrub;
    const head = sha(Buffer.concat([readRange(img.path, 0, 1024 * 1024), bg && bg.start !== null ? readRange(img.path, bg.start, bg.size) : Buffer.alloc(0)]));
    const esp = sys.esp && sys.esp.start !== null ? sha(readRange(img.path, sys.esp.start, sys.esp.size)) : null;
    return { head, esp, grubTree: treeListing(await c.ctx.target.resolve('/boot/grub')) };
  } finally {
    await c.close();
  }
}

async function fix(img: FixtureImage, store: string): Promise<FixResult> {
  const c = await openImageContext(img.path, { writable: true, readOnlyCtx: true });
  try {
    const findings = await grubPlugin.diagnose(c.ctx);
    const plan = grubPlugin.plan(findings, c.ctx.system, {});
    return await runFix(grubPlugin, plan, testFlowDeps({ runner: c.runner, log: c.log, teardown: c.teardown, system: c.system, devices: c.session.devices, storeDir: store }), { dryRun: false, choices: {}, findingsBefore: findings });
  } finally {
    await c.close();
  }
}

async function revert(img: FixtureImage, store: string, id: string): Promise<void> {
  const c = await openImageContext(img.path, { writable: true });
  try {
    await revertFix(id, testFlowDeps({ runner: c.runner, log: c.log, teardown: c.teardown, system: c.system, devices: c.session.devices, storeDir: store }), { force: false });
  } finally {
    await c.close();
  }
}

describe('grub fix and revert (flow engine)', NEEDS, () => {
  test('hybrid, boot code wiped and EFI loader deleted: fix repairs both; revert restores MBR area, /boot/grub and ESP byte for byte', async () => {
    const img = fixtureImage('hybrid');
    const store = mkdtempSync(join(TESTBED, 'grub-store-'));
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'efi-binary');
      const broken = await snapshot(img);
      const r = await fix(img, store);
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.ok(r.ok && r.verified);
      assert.deepEqual([...r.plan.findings].sort(), ['grub.esp-loader', 'grub.mbr-boot-code']);
      const fixed = await snapshot(img);
      assert.notEqual(fixed.head, broken.head, 'the fix wrote the boot code');
      assert.notEqual(fixed.esp, broken.esp, 'the fix wrote the ESP');
      await revert(img, store, r.backupId!);
      const after = await snapshot(img);
      assert.equal(after.head, broken.head, 'first 2 MiB equal the broken state');
      assert.equal(after.esp, broken.esp, 'ESP equals the broken state');
      assert.deepEqual(after.grubTree, broken.grubTree, '/boot/grub equals the broken state');
    } finally {
      rmSync(store, { recursive: true, force: true });
      img.dispose();
    }
  });

  test('bios, grub.cfg deleted: fixed by regeneration, revert removes the new grub.cfg again; a second fix changes nothing', async () => {
    const img = fixtureImage('bios');
    const store = mkdtempSync(join(TESTBED, 'grub-store-'));
    try {
      await breakImage(img.path, 'grub-cfg');
      const broken = await snapshot(img);
      const r = await fix(img, store);
      assert.equal(r.error, null, JSON.stringify(r.error));
      const fixedSha = execFileSync('sha256sum', [img.path], { encoding: 'utf8' }).split(' ')[0];
      const again = await fix(img, store);
      assert.equal(again.error, null);
      assert.equal(again.plan.actions.length, 0, 'nothing to fix the second time');
      assert.equal(again.backupId, null);
      assert.equal(execFileSync('sha256sum', [img.path], { encoding: 'utf8' }).split(' ')[0], fixedSha, 'the second fix changed nothing');
      await revert(img, store, r.backupId!);
      const after = await snapshot(img);
      assert.deepEqual(after.grubTree, broken.grubTree);
      assert.ok(!after.grubTree.some((l) => l.endsWith(' grub.cfg')));
      assert.equal(after.head, broken.head);
    } finally {
      rmSync(store, { recursive: true, force: true });
      img.dispose();
    }
  });

  test('target without grub-install: blocked with a clear message, image unchanged', async () => {
    const img = fixtureImage('bios');
    const store = mkdtempSync(join(TESTBED, 'grub-store-'));
    try {
      await breakImage(img.path, 'mbr-code');
      await breakImage(img.path, 'no-grub-install');
      const before = execFileSync('sha256sum', [img.path], { encoding: 'utf8' }).split(' ')[0];
      const r = await fix(img, store);
      assert.equal(r.ok, false);
      assert.match(r.error!.message, /no grub-install \(package grub-pc/);
      assert.equal(execFileSync('sha256sum', [img.path], { encoding: 'utf8' }).split(' ')[0], before);
    } finally {
      rmSync(store, { recursive: true, force: true });
      img.dispose();
    }
  });

  // Classes of damage beyond the booted ones: the fix must leave diagnose with nothing to report.
  for (const [type, modes, id] of [
    ['bios', ['core-gap'], 'grub.core-image'],
    ['hybrid', ['core-gap'], 'grub.core-image'],
    ['hybrid', ['grub-modules-efi', 'grub-cfg-root'], 'grub.modules-x86_64-efi'],
    ['uefi', ['grub-cfg-kernel'], 'grub.cfg-kernels'],
  ] as const) {
    test(`${type} ${modes.join('+')}: fixed and verified`, async () => {
      const img = fixtureImage(type);
      const store = mkdtempSync(join(TESTBED, 'grub-store-'));
      try {
        for (const m of modes) await breakImage(img.path, m);
        const r = await fix(img, store);
        assert.equal(r.error, null, JSON.stringify(r.error));
        assert.ok(r.plan.findings.includes(id), r.plan.findings.join(', '));
        assert.ok(r.ok && r.verified);
        assert.deepEqual(r.findingsAfter.filter((f) => f.state === 'detected' || f.state === 'error').map((f) => f.id), []);
      } finally {
        rmSync(store, { recursive: true, force: true });
        img.dispose();
      }
    });
  }

  test('uefi, ESP wiped: a new FAT with the volume id fstab names, GRUB on it; revert puts the wiped bytes back', async () => {
    const img = fixtureImage('uefi');
    const store = mkdtempSync(join(TESTBED, 'grub-store-'));
    try {
      await breakImage(img.path, 'esp-wipe');
      const broken = await snapshot(img);
      const r = await fix(img, store);
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.ok(r.plan.findings.includes('grub.esp-filesystem'));
      assert.ok(r.ok && r.verified);
      const c = await openImageContext(img.path, { writable: false });
      try {
        const esp = c.session.devices.flatMap((d) => [d, ...d.children]).find((d) => d.path === c.ctx.system.esp!.device)!;
        assert.equal(esp.fstype, 'vfat');
        assert.equal(esp.uuid, img.info.ESP_UUID, 'the volume id fstab names');
        assert.deepEqual(c.ctx.system.fstab.filter((l) => l.file === '/boot/efi').map((l) => l.resolvesTo), [esp.path]);
      } finally {
        await c.close();
      }
      await revert(img, store, r.backupId!);
      assert.equal((await snapshot(img)).esp, broken.esp);
    } finally {
      rmSync(store, { recursive: true, force: true });
      img.dispose();
    }
  });
});
