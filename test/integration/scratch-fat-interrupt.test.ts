/**
 * grub's UEFI repair installs into a scratch FAT (devices/scratch-fat.ts: an image in the run-time
 * dir, its loop device, a fusefat or vfat mount over the ESP mount point). SIGTERM while it exists
 * must leave none of it behind: the session teardown owns every step.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { assertNothingLeft, build, loggedCommands, runFirstaid, sandbox } from './systems-helpers.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'fusefat', 'mkfs.vfat', 'mcopy'] });

describe('a UEFI grub fix interrupted while its scratch FAT is mounted', N, () => {
  before(() => build());

  test('SIGTERM: exit 143; no scratch loop device, mount, device node or image left', async () => {
    const img = fixtureImage('uefi');
    const sb = sandbox();
    try {
      await breakImage(img.path, 'grub-modules-efi');
      let sent = false;
      const r = await runFirstaid(['fix', 'grub', '--image', img.path, '--yes'], {
        sandbox: sb,
        env: { FIRSTAID_TEST_PAUSE: 'scratch-fat' },
        onStderr: (text, child) => {
          if (!sent && text.includes('firstaid-test: paused scratch-fat')) {
            sent = true;
            child.kill('SIGTERM');
          }
        },
      });
      assert.ok(sent, `the run never reached the scratch FAT: ${r.stderr}`);
      assert.equal(r.code, 143, r.stderr);
      const cmds = loggedCommands(sb);
      const scratch = cmds.find((a) => a[0] === 'losetup' && a[1] === '-f' && a[2] === '--show' && a[3]?.endsWith('scratch-esp.img'));
      assert.ok(scratch, 'a scratch loop device was attached before the signal');
      const file = scratch[3]!;
      assert.equal(execFileSync('losetup', ['-j', file], { encoding: 'utf8' }).trim(), '', 'the scratch loop device was detached');
      assert.ok(!existsSync(file), 'the scratch image was removed');
      assert.deepEqual(readdirSync(sb.runtime).filter((n) => n.startsWith('scratch-fat-')), [], 'no scratch work dir left');
      assertNothingLeft(img.path, sb);
    } finally {
      img.dispose();
      sb.dispose();
    }
  });
});
