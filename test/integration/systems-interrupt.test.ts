import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../helpers/env.js';
import { fixtureImage } from '../helpers/images.js';
import { assertNothingLeft, build, loggedCommands, runFirstaid, sandbox } from './systems-helpers.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid'] });

// FIRSTAID_TEST_PAUSE=after-mount (src/devices/test-hooks.ts) stops the run right after its
// first mount, so the signal arrives while a loop device is attached and a filesystem mounted.
describe('firstaid systems interrupted while mounted', N, () => {
  before(() => build());

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    test(`${sig}: exit ${code}, nothing left attached, mounted or created`, async () => {
      const img = fixtureImage('uefi');
      const sb = sandbox();
      try {
        let sent = false;
        const r = await runFirstaid(['systems', '--image', img.path], {
          sandbox: sb,
          env: { FIRSTAID_TEST_PAUSE: 'after-mount' },
          onStderr: (text, child) => {
            if (!sent && text.includes('firstaid-test: paused after-mount')) {
              sent = true;
              child.kill(sig);
            }
          },
        });
        assert.ok(sent, `the run never reached the pause: ${r.stderr}`);
        assert.equal(r.code, code, r.stderr);
        // It really was mounted when interrupted, and the undo ran.
        const cmds = loggedCommands(sb);
        assert.ok(cmds.some((a) => a[0] === 'mount'), 'a mount happened before the signal');
        assert.ok(cmds.some((a) => a[0] === 'umount'), 'the teardown unmounted');
        assert.ok(cmds.some((a) => a[0] === 'losetup' && a[1] === '-d'), 'the teardown detached');
        assertNothingLeft(img.path, sb);
      } finally {
        img.dispose();
        sb.dispose();
      }
    });
  }
});
