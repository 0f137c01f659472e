/**
 * Inside the rescue CD (one BIOS boot for all of it: TCG boots are slow):
 * - `firstaid disc verify` on real /dev/srN drives (the kernel's sr driver, SG_IO): the CD the
 *   guest booted from (mounted by live-boot; not a firstaid backup disc, but it carries MD5s, so
 *   it is intact or not by them); a firstaid backup disc written on the host by `firstaid disc
 *   write` on a file pseudo-drive, holding a backup space and a directory (intact); and the same
 *   disc in a third drive whose chosen blocks fail with EIO (QEMU blkdebug): one inside a file of
 *   the backup space, one inside a file of the directory. The result names both files and the
 *   backup the first belongs to, and only those.
 * - The host's ESP test (test/helpers/esp-exercise.ts), skipped on a host kernel without vfat,
 *   run with the guest kernel's vfat by the executable's runtime on the uefi fixture's ESP.
 * - The screens on tty1, a real Linux console with the VGA font: the first frame's cells read
 *   from /dev/vcsu1 and /dev/vcs1 (none drawn with the replacement glyph, learnt from a control
 *   cell), a screendump through the QEMU monitor kept beside the serial logs, q as a key press.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { fixtureImage, type FixtureImage } from '../helpers/images.js';
import { bootRescue, guestFile, makeGuest, putGuestFile, type Guest, type GuestRun } from '../helpers/guest.js';
import { TESTBED } from '../helpers/images.js';
import { readCells } from '../helpers/vt-cells.js';
import { buildExecutable } from '../helpers/sea.js';
import { bundleEspCheck } from '../helpers/guest-esp.js';
import { discEnv, type DiscEnv } from '../integration/disc-helpers.js';
import { parseReportLba } from '../../src/devices/optical/parse.js';

const NEEDS = needs({ root: true, loop: true, tools: ['qemu-system-x86_64', 'debootstrap', 'mksquashfs', 'grub-mkrescue', 'xorriso', 'mcopy', 'mkfs.vfat', 'unshare'] });

// Each step timed (guest seconds) on the serial console and in times.txt.
const SCRIPT = `
cd /run/autorun/out
t() { echo "$1 $(($(date +%s) - $2))" >> times.txt; }
grep -w vfat /proc/filesystems > vfat.txt
findmnt -rn -o SOURCE,TARGET > mounts.txt
for d in /sys/block/sr*; do echo "\${d##*/} $(cat $d/device/model) $(readlink -f $d/device)"; done > drives.txt
s=$(date +%s); NODE_OPTIONS="--require /run/autorun/esp-check.cjs" firstaid --version > esp.txt 2>&1; echo "exit=$?" >> esp.txt; t esp $s
xorriso -indev mmc:/dev/sr0 -toc > sr0-exclusive.txt 2>&1; echo "exit=$?" >> sr0-exclusive.txt
s=$(date +%s); firstaid disc verify --drive /dev/sr0 > sr0.txt 2>&1; echo "exit=$?" >> sr0.txt; t sr0 $s
s=$(date +%s); firstaid disc verify --drive /dev/sr1 > sr1.txt 2>&1; echo "exit=$?" >> sr1.txt; t sr1 $s
s=$(date +%s); firstaid disc verify --drive /dev/sr2 --json > sr2.json 2> sr2.err; echo "$?" > sr2.exit; t sr2-json $s
s=$(date +%s); firstaid disc verify --drive /dev/sr2 > sr2.txt 2>&1; echo "exit=$?" >> sr2.txt; t sr2 $s
# The screens on tty1, the VGA console with its own font. First a control: a character the font
# cannot draw (U+1F600), to show the cell check finds one. The host takes a screendump and sends q.
systemctl stop getty@tty1.service
printf '\\033c\\360\\237\\230\\200 control\\n' > /dev/tty1; sleep 1
cat /dev/vcsu1 > control.vcsu; cat /dev/vcs1 > control.vcs; printf '\\033c' > /dev/tty1
s=$(date +%s)
TERM=linux NO_COLOR=1 setsid -c firstaid < /dev/tty1 > /dev/tty1 2>&1 & tui=$!
for i in $(seq 600); do grep -aq 'main menu' /dev/vcs1 && break; sleep 0.5; done
sleep 2; cat /dev/vcsu1 > tty1.vcsu; cat /dev/vcs1 > tty1.vcs; t tui-first-frame $s
echo "FIRSTAID-TUI: READY" > /dev/ttyS0
how=killed; for i in $(seq 240); do kill -0 $tui 2>/dev/null || { how=key; break; }; sleep 0.5; done
[ $how = key ] || kill $tui; wait $tui; echo "exit=$? by=$how" > tui.txt
dmesg | grep -E 'sr[0-9]|I/O error|blk_update' | tail -40 > dmesg.txt
sync
`;

interface Verify { ok: boolean; verdict: string; firstaidDisc: boolean; damaged: { path: string; backup: string | null; why: string[] }[]; unreadable: { lba: number; blocks: number }[]; backups: { id: string; ok: boolean }[]; filesChecked: number }

describe('the rescue CD: disc verify on real CD drives, kernel-vfat ESP access', NEEDS, () => {
  let disc: DiscEnv;
  let img: FixtureImage;
  let guest: Guest;
  let run: GuestRun;
  let backupFile: string;
  let dirFile: string;
  let bad: number[];
  let screendump: string;

  before(async () => {
    const exe = buildExecutable();
    // The backup disc, written by the executable on a file pseudo-drive.
    disc = await discEnv();
    const iso = join(disc.work, 'disc.iso');
    execFileSync(exe, ['disc', 'write', '--drive', iso, '--staging', join(disc.work, 'stage'), '--backup-store', disc.storeDir, disc.backupId, disc.dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const layout = parseReportLba(execFileSync('xorriso', ['-pkt_output', 'on', '-indev', `stdio:${iso}`, '-find', '/', '-type', 'f', '-exec', 'report_lba', '--'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files = [...layout].map(([path, x]) => ({ path, lba: x[0]!.lba, blocks: x[0]!.blocks }));
    // The backup space's biggest object, and the directory's biggest file: a block in the middle of each.
    const biggest = (f: (p: string) => boolean) => files.filter((x) => f(x.path)).sort((a, b) => b.blocks - a.blocks)[0]!;
    const inBackup = biggest((p) => p.includes(`/${disc.backupId}/objects/`));
    const inDir = biggest((p) => p.includes('/home-docs/'));
    backupFile = inBackup.path;
    dirFile = inDir.path;
    bad = [inBackup.lba + Math.floor(inBackup.blocks / 2), inDir.lba + Math.floor(inDir.blocks / 2)];

    img = fixtureImage('uefi');
    guest = makeGuest(SCRIPT, 'bios');
    putGuestFile(guest, bundleEspCheck(join(guest.dir, 'esp-check.cjs')), 'esp-check.cjs');
    screendump = join(TESTBED, 'logs', `rescue-tty1.${new Date().toISOString().replace(/[:.]/g, '')}.ppm`);
    run = await bootRescue(guest, img.path, 'bios', undefined, {
      cds: [{ file: iso }, { file: iso, unreadable: bad }],
      hooks: [{
        marker: 'FIRSTAID-TUI: READY',
        run: async (monitor) => {
          await monitor(`screendump ${screendump}`);
          await monitor('sendkey q');
        },
      }],
    });
    console.log(`# guest (BIOS, 3 CD drives): booted, checked and powered off in ${run.seconds.toFixed(0)} s`);
    try {
      console.log(`# guest step times (s): ${guestFile(guest, 'times.txt').trim().replace(/\n/g, ', ')}`);
    } catch {
      // no times: the asserts below say why
    }
  });

  after(() => {
    guest?.dispose();
    img?.dispose();
    disc?.dispose();
  });

  const check = (fn: () => void) => () => {
    try {
      fn();
    } catch (e) {
      guest.keep();
      throw e;
    }
  };

  test('the guest ran the checks and powered off', check(() => {
    assert.ok(run.poweredOff, `the guest did not power off:\n${run.serial.slice(-3000)}`);
    assert.match(run.serial, /FIRSTAID-AUTORUN: END/);
    const drives = guestFile(guest, 'drives.txt');
    // SCSI target 0, 1, 2 (the boot CD, the disc, the damaged disc), whatever the host number.
    assert.match(drives, /^sr0 .*\/\d+:0:0:0$/m);
    assert.match(drives, /^sr1 .*\/\d+:0:1:0$/m);
    assert.match(drives, /^sr2 .*\/\d+:0:2:0$/m);
  }));

  test('disc verify /dev/sr0, the CD the guest booted from (mounted): intact by its MD5s, not a backup disc', check(() => {
    assert.match(guestFile(guest, 'mounts.txt'), /^\/dev\/sr0 /m, 'live-boot has the CD mounted');
    // Why firstaid's reads acquire the drive shared: xorriso's default (exclusive) on the mounted CD.
    const excl = guestFile(guest, 'sr0-exclusive.txt');
    console.log(`# xorriso -indev mmc:/dev/sr0 (exclusive) on the mounted CD: ${excl.split('\n').filter((l) => /FAILURE|SORRY|exit=/.test(l)).join(' | ')}`);
    const out = guestFile(guest, 'sr0.txt');
    assert.match(out, /exit=0/, out);
    assert.match(out, /\/dev\/sr0: intact\. Not a firstaid backup disc \(volume FIRSTAID_RESCUE\)/);
    assert.match(out, /[1-9]\d* file\(s\) match their recorded MD5s/);
  }));

  test('disc verify /dev/sr1, a firstaid backup disc: intact, its backup verified', check(() => {
    const out = guestFile(guest, 'sr1.txt');
    assert.match(out, /exit=0/, out);
    assert.match(out, /\/dev\/sr1: intact\. 1 session\(s\), \d+ file\(s\) read back \(kernel-iso9660\), 1 backup\(s\) verified/);
  }));

  test('disc verify /dev/sr2, the same disc with unreadable blocks: names the two files, the backup of one, nothing else', check(() => {
    assert.equal(guestFile(guest, 'sr2.exit').trim(), '1', guestFile(guest, 'sr2.err'));
    const v = (JSON.parse(guestFile(guest, 'sr2.json')) as { verify: Verify }).verify;
    const all = JSON.stringify(v.damaged);
    assert.equal(v.verdict, 'damaged');
    assert.ok(v.firstaidDisc);
    for (const b of bad) assert.ok(v.unreadable.some((u) => u.lba <= b && b < u.lba + u.blocks), `block ${b} unreadable: ${JSON.stringify(v.unreadable)}`);
    const inBackup = v.damaged.find((d) => d.path === backupFile);
    assert.ok(inBackup, `names ${backupFile}: ${all}`);
    assert.equal(inBackup.backup, disc.backupId);
    const inDir = v.damaged.find((d) => d.path === dirFile);
    assert.ok(inDir, `names ${dirFile}: ${all}`);
    assert.equal(inDir.backup, null);
    assert.deepEqual(v.damaged.map((d) => d.path).sort(), [backupFile, dirFile].sort(), 'only those two');
    assert.deepEqual(v.backups.map((b) => [b.id, b.ok]), [[disc.backupId, false]], 'the backup fails its own check');
    const human = guestFile(guest, 'sr2.txt');
    assert.match(human, /exit=1/);
    assert.match(human, /\/dev\/sr2: DAMAGED\./);
    assert.ok(human.includes(`${backupFile}  [backup ${disc.backupId}]`), human);
    assert.ok(human.includes(dirFile), human);
    assert.match(human, /unreadable sectors: blocks \d+\.\.\d+/);
  }));

  test('the screens on tty1 (80x25, the console\'s font): every cell drawable, a screendump kept, q quits', check(() => {
    const bytes = (name: string) => readFileSync(join(guest.dir, `out-${name}`));
    guestFile(guest, 'control.vcsu');
    guestFile(guest, 'control.vcs');
    guestFile(guest, 'tty1.vcsu');
    guestFile(guest, 'tty1.vcs');
    // The control: U+1F600 at row 1, column 1 was replaced (vcsu no longer holds it); its glyph is the replacement.
    const replacement = bytes('control.vcs')[0]!;
    assert.notEqual(bytes('control.vcsu').readUInt32LE(0), 0x1f600, 'the console replaced the emoji');
    const control = readCells(bytes('control.vcsu'), bytes('control.vcs'), 80, replacement);
    assert.deepEqual(control.undrawable.map((c) => c.split(' ')[0]), ['1,1'], 'the check finds the control cell, and only it');
    const frame = readCells(bytes('tty1.vcsu'), bytes('tty1.vcs'), 80, replacement);
    writeFileSync(screendump.replace(/\.ppm$/, '.txt'), `${frame.rows.join('\n')}\n`);
    console.log(`# tty1 screendump: ${screendump} (and .txt)`);
    assert.equal(frame.rows.length, 25, 'an 80x25 console');
    assert.ok(frame.rows.some((r) => r.includes('firstaid - main menu')), frame.rows.join('\n'));
    assert.deepEqual(frame.undrawable, [], `cells the console could not draw:\n${frame.rows.join('\n')}`);
    assert.ok(existsSync(screendump), 'the screendump through the QEMU monitor');
    assert.match(readFileSync(screendump).subarray(0, 16).toString('latin1'), /^P6\s+\d+\s+\d+\s+255\s/);
    assert.match(guestFile(guest, 'tui.txt'), /exit=0 by=key/, 'q (sent as a key press) quit the screens');
  }));

  test('the ESP test with the guest kernel\'s vfat, by the executable\'s runtime', check(() => {
    assert.match(guestFile(guest, 'vfat.txt'), /vfat/);
    const out = guestFile(guest, 'esp.txt');
    assert.match(out, /ESP-CHECK: PASS \/dev\/vda\d/, out);
    assert.match(out, /exit=0/);
  }));
});
