/**
 * Kill during apply on real images (issue 13, part 5): a child `firstaid fix PLUGIN --yes` is
 * killed with SIGKILL at 20 moments of apply and verify (FIRSTAID_TEST_KILL_AT: before and after
 * each command and each write, see src/rescue-plugins/test-kill.ts), over three fixes: seven
 * fstab faults with two mount points to create (uefi), an fstab rewrite (bios), a grub.cfg
 * regeneration (bios). After each kill the next start reports the interrupted fix (backups
 * list, diagnose) or the fix was recorded; either way revert from its backup gives back the
 * broken bytes exactly (byte compares, no boot), so none is left unrevertable.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage, type FixtureImage } from '../helpers/images.js';
import { sha256, treeListing } from '../helpers/bytes.js';
import { assertNothingLeft, build, loggedCommands, runFirstaid, sandbox, type Sandbox } from './systems-helpers.js';
import { withPartition, writeRootFile } from './fstab-image.js';
import { biosFstabFaults, sevenFstabFaults } from './repair-faults.js';
import type { SpaceSummary } from '../../src/backup/spaces/types.js';
import type { InterruptedFix } from '../../src/rescue-plugins/apply-journal.js';

const N = needs({ root: true, loop: true, tools: ['losetup', 'findmnt', 'grub-script-check', 'mdir'] });

/** What a SIGKILLed run leaves behind: its mounts below the run-time dir and its loop devices. */
function cleanupAfterKill(image: string, sb: Sandbox): void {
  const targets = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).split('\n').filter((t) => t.startsWith(sb.runtime)).sort().reverse();
  for (const t of targets) {
    try { execFileSync('umount', [t], { stdio: 'ignore' }); } catch { execFileSync('umount', ['-l', t], { stdio: 'ignore' }); }
  }
  for (const line of execFileSync('losetup', ['-j', image], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    execFileSync('losetup', ['-d', line.split(':')[0]!]);
  }
  // Its private mount directories, empty once unmounted (rmdir refuses anything else).
  const mnt = join(sb.runtime, 'mnt');
  if (existsSync(mnt)) for (const d of readdirSync(mnt)) { try { rmdirSync(join(mnt, d)); } catch { /* not empty: assertNothingLeft names it */ } }
  // Partition nodes the killed run made (no udev here) for loop devices no longer attached.
  const attached = execFileSync('losetup', ['-a', '-O', 'NAME', '-n'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  for (const a of loggedCommands(sb).filter((x) => x[0] === 'mknod')) {
    const node = a[1]!;
    const base = /^(\/dev\/loop\d+)p\d+$/.exec(node)?.[1];
    if (base && !attached.includes(base) && existsSync(node)) rmSync(node, { force: true });
  }
}

/** The state a fix changes, byte for byte: the files and trees it touches. */
function snapshot(img: FixtureImage, paths: string[]): string {
  return withPartition(img.path, img.info.ROOT_PART, (m) => paths.map((p) => {
    const host = `${m}${p}`;
    let kind = '';
    try { kind = execFileSync('stat', ['-c', '%F', host], { encoding: 'utf8' }).trim(); } catch { return `${p}: absent`; }
    return kind === 'directory' ? `${p}:\n${treeListing(host).join('\n')}` : `${p}: ${sha256(execFileSync('cat', [host]))}`;
  }).join('\n'));
}

interface Case {
  name: string;
  plugin: string;
  type: 'bios' | 'uefi';
  breakIt(img: FixtureImage): Promise<void>;
  /** Target paths compared byte for byte. */
  paths: string[];
}

const CASES: Case[] = [
  { name: 'uefi fstab, seven faults and two mount points to create', plugin: 'fstab', type: 'uefi', paths: ['/etc/fstab', '/srv'],
    breakIt: async (img) => writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', sevenFstabFaults(img.info)[0]) },
  { name: 'bios fstab, kernel name for / and missing fields', plugin: 'fstab', type: 'bios', paths: ['/etc/fstab'],
    breakIt: async (img) => writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', biosFstabFaults(img.info)[0]) },
  { name: 'bios grub.cfg without initrds, regenerated', plugin: 'grub', type: 'bios', paths: ['/boot/grub'],
    breakIt: async (img) => breakImage(img.path, 'grub-cfg-no-initrd') },
];

describe('SIGKILL during apply', N, () => {
  before(() => build());

  test('20 kill moments over three fixes: every image is fixed or reported, and reverts to the broken bytes', async () => {
    const outcomes: string[] = [];
    for (const c of CASES) {
      const img = fixtureImage(c.type);
      const sb = sandbox();
      try {
        await c.breakIt(img);
        const broken = snapshot(img, c.paths);
        let reportedInDiagnose = false;
        for (let n = 1; n < 40; n++) {
          const r = await runFirstaid(['fix', c.plugin, '--yes', '--json', '--image', img.path], { sandbox: sb, env: { FIRSTAID_TEST_KILL_AT: String(n) } });
          let id: string;
          if (r.signal !== 'SIGKILL') {
            assert.equal(r.code, 0, `${c.name} n=${n}: ${r.stdout}\n${r.stderr}`);
            id = (JSON.parse(r.stdout) as { result: { backupId: string; verified: boolean } }).result.backupId;
            outcomes.push(`${c.plugin}/${c.type} ${n}: completed`);
          } else {
            assert.match(r.stderr, new RegExp(`firstaid-test: SIGKILL at ${n} `));
            cleanupAfterKill(img.path, sb);
            const list = await runFirstaid(['backups', 'list', '--json', '--image', img.path], { sandbox: sb });
            assert.equal(list.code, 0, list.stdout + list.stderr);
            const { backups, interrupted } = JSON.parse(list.stdout) as { backups: SpaceSummary[]; interrupted: InterruptedFix[] };
            if (interrupted.length > 0) {
              assert.equal(interrupted.length, 1, JSON.stringify(interrupted));
              assert.equal(interrupted[0]!.pluginId, c.plugin);
              id = interrupted[0]!.backupId;
              assert.ok(backups.some((b) => b.id === id && (b.state === 'verified' || b.state === 'complete')), 'the backup of an interrupted fix is complete');
              if (!reportedInDiagnose) {
                // The next start names it: a warning finding of the plugin, with the revert command.
                const d = await runFirstaid(['diagnose', '--image', img.path], { sandbox: sb });
                assert.match(d.stdout, new RegExp(`A ${c.plugin} fix was interrupted while it was being applied \\(backup ${id}\\)`));
                assert.match(d.stdout, new RegExp(`firstaid revert ${id}`));
                reportedInDiagnose = true;
              }
              outcomes.push(`${c.plugin}/${c.type} ${n}: interrupted`);
            } else {
              // Killed after the fix was recorded: fixed and verified.
              const done = backups.filter((b) => b.pluginId === c.plugin && b.fixRecorded && !b.reverted);
              assert.equal(done.length, 1, `${c.name} n=${n}: neither interrupted nor recorded: ${JSON.stringify(backups)}`);
              id = done[0]!.id;
              outcomes.push(`${c.plugin}/${c.type} ${n}: recorded`);
            }
          }
          const rv = await runFirstaid(['revert', id, '--image', img.path], { sandbox: sb });
          assert.equal(rv.code, 0, `${c.name} n=${n}: revert ${id}: ${rv.stdout}\n${rv.stderr}`);
          assert.equal(snapshot(img, c.paths), broken, `${c.name} n=${n}: revert gives back the broken bytes`);
          if (r.signal !== 'SIGKILL') break;
        }
        const after = await runFirstaid(['backups', 'list', '--json', '--image', img.path], { sandbox: sb });
        assert.deepEqual((JSON.parse(after.stdout) as { interrupted: unknown[] }).interrupted, [], 'nothing is reported once reverted');
        assertNothingLeft(img.path, sb);
      } finally {
        cleanupAfterKill(img.path, sb);
        sb.dispose();
        img.dispose();
      }
    }
    const kills = outcomes.filter((o) => !o.endsWith('completed'));
    assert.ok(kills.length >= 20, `only ${kills.length} kill moments: ${outcomes.join('; ')}`);
    assert.equal(outcomes.filter((o) => o.endsWith('completed')).length, CASES.length, outcomes.join('; '));
    console.log(`kill moments: ${outcomes.join('; ')}`);
  });
});
