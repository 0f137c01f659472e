/**
 * The single executable (dist/firstaid-linux-x64) where no Node.js can run: the same commands,
 * exit codes and output, and a backup big enough to start the copy helper thread, whose code
 * is embedded in the executable (a SEA asset).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { buildExecutable, runWithoutNode } from '../helpers/sea.js';

const NEEDS = needs({ root: true, loop: true, tools: ['unshare', 'losetup', 'grub-script-check'] });
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

describe('the single executable, without Node.js', NEEDS, () => {
  before(() => buildExecutable());

  test('--version, and a usage error exits 2 with the same message', () => {
    const v = runWithoutNode(['--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, `firstaid ${pkg.version}\n`);
    assert.equal(v.stderr, '', 'no experimental-feature warning or other noise');
    const u = runWithoutNode(['no-such-command']);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /Unknown command "no-such-command"/);
  });

  test('systems --image X --json finds the installation', () => {
    const img = fixtureImage('bios');
    try {
      const r = runWithoutNode(['systems', '--image', img.path, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { systems: { root: { uuid: string }; name: string }[] };
      assert.equal(out.systems.length, 1);
      assert.equal(out.systems[0]!.root.uuid, img.info.ROOT_UUID);
      assert.match(out.systems[0]!.name, /Debian GNU\/Linux 12/);
    } finally {
      img.dispose();
    }
  });

  test('fix grub backs up /boot/grub (290 files) on the embedded helper thread', async () => {
    const img = fixtureImage('bios');
    const dir = mkdtempSync(join(tmpdir(), 'sea-log-'));
    try {
      await breakImage(img.path, 'mbr-code');
      const log = join(dir, 'session.log');
      const r = runWithoutNode(['fix', 'grub', '--image', img.path, '--yes', '--log', log]);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /Fixed and verified/);
      const text = readFileSync(log, 'utf8');
      assert.doesNotMatch(text, /helper thread for copying stopped/);
      const m = /\/boot\/grub: (\d+) files, (\d+) of them on the helper thread/.exec(text);
      assert.ok(m, 'the backup of /boot/grub is logged');
      assert.ok(Number(m[1]) >= 256, `${m[1]} files: enough to start the helper`);
      assert.ok(Number(m[2]) > 0, 'the helper thread did part of the work');
    } finally {
      img.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
