/**
 * Every boot-blocking fstab finding has a default repair with evidence (issue 13, part 1):
 * unknown options, wrong types, kernel device names, missing fields, duplicates, missing mount
 * points, the last resort; never for /. Pure checks + planner, on lsblk-shaped devices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFstab } from '../../src/rescue-plugins/fstab/plan.js';
import type { Finding, Plan } from '../../src/rescue-plugins/types.js';
import { check, detected, disk, HEALTHY, DATA_UUID, ESP_UUID, ROOT_REF, ROOT_UUID } from './fstab-fakes.js';

const STALE = '11111111-2222-3333-4444-555555555555';
const ROOT = `UUID=${ROOT_UUID} / ext4 errors=remount-ro 0 1\n`;
const ESP = `UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\n`;
const DATA = `UUID=${DATA_UUID} /srv/data ext4 defaults 0 2\n`;

function findingsFor(text: string, opts?: Parameters<typeof check>[1]): Finding[] {
  return [...check(text, opts), { id: 'fstab.file', pluginId: 'fstab', title: 'read', state: 'checked', severity: 'info', evidence: [], fixable: false, data: { text } }];
}

function planOf(text: string, opts?: Parameters<typeof check>[1], choices: Record<string, string> = {}): Plan {
  return planFstab(findingsFor(text, opts), null, choices);
}

function after(p: Plan): string {
  const a = p.actions.find((x) => x.kind === 'edit-file');
  assert.ok(a && a.kind === 'edit-file', `plan has an edit: ${JSON.stringify(p)}`);
  return a.after;
}

/** The repaired text has no problem left that stops a boot (info findings stay visible). */
function clean(text: string, opts?: Parameters<typeof check>[1]): void {
  assert.deepEqual(detected(check(text, opts)).filter((f) => f.severity !== 'info').map((f) => f.id), []);
}

test('an unknown mount option is dropped, the others kept (ext4 and the ESP vfat line)', () => {
  const text = ROOT + ESP.replace('umask=0077', 'umask=0077,data=ordered,shortname=mixed') + DATA.replace('defaults', 'noatime,defualts,commit=60');
  const f = detected(check(text));
  assert.deepEqual(f.map((x) => [x.id, x.severity, x.fixable]), [['fstab.unknown-options:2', 'error', true], ['fstab.unknown-options:3', 'error', true]]);
  assert.match(f[0]!.evidence.join('\n'), /"data=ordered"[\s\S]*will be dropped/);
  const p = planOf(text);
  assert.equal(after(p), ROOT + ESP.replace('umask=0077', 'umask=0077,shortname=mixed') + DATA.replace('defaults', 'noatime,commit=60'));
  const diff = (p.actions[0] as { diff: string }).diff;
  assert.match(diff, /^-UUID=\S+ \/boot\/efi vfat umask=0077,data=ordered,shortname=mixed 0 1$/m);
  assert.match(diff, /^\+UUID=\S+ \/boot\/efi vfat umask=0077,shortname=mixed 0 1$/m);
  clean(after(p));
  // Nothing left: the options field becomes "defaults".
  assert.equal(after(planOf(ROOT + DATA.replace('defaults', 'defualts'))), ROOT + DATA);
});

test('a type that does not match the disk takes the on-disk type (blkid), ext4 and vfat; an unknown type too', () => {
  const text = ROOT + ESP.replace(' vfat ', ' ext4 ') + DATA.replace(' ext4 ', ' ext5 ');
  const f = detected(check(text));
  assert.deepEqual(f.map((x) => x.id), ['fstab.fstype-mismatch:2', 'fstab.fstype-mismatch:3']);
  assert.match(f[0]!.evidence.join('\n'), /holds vfat|\(vfat, label ESP/);
  const p = planOf(text);
  assert.equal(after(p), ROOT + ESP + DATA);
  assert.match(p.summary, /set the type of \/boot\/efi to vfat/);
});

test('kernel device names are rewritten to UUID= when the evidence names the filesystem', () => {
  const text = '/dev/vda2 / ext4 errors=remount-ro 0 1\n/dev/sda1 /boot/efi vfat umask=0077 0 1\n/dev/sdb3 /srv/data ext4 defaults 0 2\n';
  const f = detected(check(text));
  assert.deepEqual(f.map((x) => [x.id, x.fixable]), [['fstab.kernel-name:1', true], ['fstab.kernel-name:2', true], ['fstab.kernel-name:3', true]]);
  assert.match(f[0]!.evidence.join('\n'), /the filesystem this installation was found on: the line will name it by UUID=/);
  assert.match(f[1]!.evidence.join('\n'), /only unclaimed vfat filesystem/);
  assert.match(f[1]!.evidence.join('\n'), /\/dev\/sda1 does not exist in this system/);
  const p = planOf(text);
  assert.equal(after(p), ROOT + ESP + DATA);
  clean(after(p));
});

test('a kernel name that exists but holds another filesystem is remapped; two candidates: the partition number decides', () => {
  // In the rescue system /dev/loop0p1 is the ESP; the line wants an ext4 filesystem.
  const text = ROOT + '/dev/loop0p1 /srv/data ext4 defaults 0 2\n';
  // loop names are not kernel disk names: only sdX/vdX/nvme/mmcblk are re-identified.
  assert.deepEqual(detected(check(text)).map((x) => x.id), ['fstab.fstype-mismatch:2']);
  const devs = disk();
  devs[0]!.children[0]!.path = '/dev/sda1';
  const named = ROOT + '/dev/sda1 /srv/data ext4 defaults 0 2\n';
  const f = detected(check(named, { devices: devs }));
  assert.deepEqual(f.map((x) => x.id), ['fstab.kernel-name:2']);
  assert.match(f[0]!.evidence.join('\n'), /is \/dev\/sda1 \(vfat[^)]*\) in this system, not the ext4 filesystem/);
  assert.equal(after(planOf(named, { devices: devs })), ROOT + DATA);
  // Two unclaimed ext4 filesystems: /dev/sdb4 says partition 4.
  const two = disk([{ ...disk()[0]!.children[2]!, name: 'loop0p4', path: '/dev/loop0p4', partn: 4, uuid: 'dddd0000-0000-0000-0000-000000000004', label: null }]);
  const q = planOf(ROOT + '/dev/sdb4 /srv/backup ext4 defaults 0 2\n', { devices: two });
  assert.equal(after(q), ROOT + 'UUID=dddd0000-0000-0000-0000-000000000004 /srv/backup ext4 defaults 0 2\n');
  assert.match(detected(check(ROOT + '/dev/sdb4 /srv/backup ext4 defaults 0 2\n', { devices: two }))[0]!.evidence.join('\n'), /in partition 4, the number \/dev\/sdb4 names/);
});

test('a kernel name nothing identifies: nofail and a short device timeout; for / a clear blocker and no change', () => {
  const text = ROOT + ESP + DATA + '/dev/nvme0n1p5 /srv/scratch xfs defaults 0 2\n';
  const p = planOf(text);
  assert.equal(after(p), ROOT + ESP + DATA + '/dev/nvme0n1p5 /srv/scratch xfs defaults,nofail,x-systemd.device-timeout=10s 0 2\n');
  assert.match(detected(check(text))[0]!.evidence.join('\n'), /nofail and a short device timeout/);
  // After the repair the finding stays visible (info), nothing blocks the boot.
  const left = detected(check(after(p)));
  assert.deepEqual(left.map((x) => [x.id, x.severity]), [['fstab.kernel-name:4', 'info']]);

  const gone = disk();
  gone[0]!.children.splice(1, 1);
  const rootText = '/dev/sda2 / ext4 errors=remount-ro 0 1\n' + ESP + DATA;
  const r = planOf(rootText, { root: null, devices: gone });
  assert.equal(r.actions.filter((a) => a.kind === 'edit-file').length, 0);
  assert.equal(r.blockers.length, 1);
  assert.match(r.blockers[0]!, /needed to boot/);
  assert.match(r.blockers[0]!, /by hand/);
});

test('a stale / line while the root filesystem has no UUID (cleared): no edit, a blocker naming the root and the next step', () => {
  const devs = disk();
  devs[0]!.children[1]!.uuid = null;
  const noUuid = { ...ROOT_REF, uuid: null };
  for (const spec of [`UUID=${STALE}`, '/dev/sda2']) {
    const p = planOf(`${spec} / ext4 errors=remount-ro 0 1\n` + ESP + DATA, { devices: devs, root: noUuid });
    assert.equal(p.actions.filter((a) => a.kind === 'edit-file').length, 0, spec);
    assert.equal(p.blockers.length, 1, spec);
    assert.match(p.blockers[0]!, /fstab line 1: .*\/, needed to boot/);
    assert.match(p.blockers[0]!, /LABEL=rootfs/);
    if (spec.startsWith('UUID=')) assert.match(p.blockers[0]!, new RegExp(`tune2fs -U ${STALE} /dev/loop0p2`));
    else assert.match(p.blockers[0]!, /tune2fs -U random \/dev\/loop0p2/);
  }
  const f = detected(check(`UUID=${STALE} / ext4 errors=remount-ro 0 1\n` + ESP + DATA, { devices: devs, root: noUuid }));
  assert.match(f[0]!.evidence.join('\n'), /\/dev\/loop0p2 .*, the filesystem this installation was found on, has no UUID/);
});

test('a stale UUID on a non-root line with nothing to remap to: nofail + device timeout; / and /usr never', () => {
  const text = ROOT + ESP + `UUID=${STALE} /srv/gone ext4 defaults 0 2\n` + `UUID=22222222-2222-2222-2222-222222222222 /usr ext4 defaults 0 2\n`;
  const devs = disk();
  devs[0]!.children.splice(2, 1);
  const p = planOf(text, { devices: devs });
  assert.equal(after(p), ROOT + ESP + `UUID=${STALE} /srv/gone ext4 defaults,nofail,x-systemd.device-timeout=10s 0 2\n` + `UUID=22222222-2222-2222-2222-222222222222 /usr ext4 defaults 0 2\n`);
  assert.ok(p.actions.some((a) => a.kind === 'note' && /\/usr/.test(a.text)));
  // /boot is not in the never list: it gets the last resort too.
  const boot = planOf(ROOT + `UUID=${STALE} /boot ext4 defaults 0 2\n`, { devices: devs });
  assert.match(after(boot), /\/boot ext4 defaults,nofail,x-systemd.device-timeout=10s 0 2/);
});

test('a bind source that does not exist gets nofail (no device timeout: there is no device); one inside another fstab filesystem is not judged', () => {
  const text = ROOT + DATA + '/srv/www /var/www none bind 0 0\n';
  const f = detected(check(text, { missing: ['/srv/www'] }));
  assert.deepEqual(f.map((x) => [x.id, x.fixable]), [['fstab.missing-source:3', true]]);
  assert.equal(after(planOf(text, { missing: ['/srv/www'] })), ROOT + DATA + '/srv/www /var/www none bind,nofail 0 0\n');
  assert.deepEqual(detected(check(ROOT + DATA + '/srv/data/www /var/www none bind 0 0\n', { missing: ['/srv/data/www'] })), []);
});

test('the boot test image\'s fstab (uefi): seven faults, one plan, the exact repaired text and two mount points to create', () => {
  const broken = 'tmpfs /srv/data/cache tmpfs size=4m 0 0\n' + ROOT.replace('errors=remount-ro', 'errors=remount-ro,bogusopt') + ESP.replace(' vfat ', ' ext4 ')
    + '/dev/sdc3 /srv/data ext4 defaults,noatimee 0 2\n' + 'UUID=5e1f0000-1111-2222-3333-444455556666 /srv/archive xfs defaults 0 2\n'
    + 'tmpfs /srv/scratch tmpfs size=8m 0 0\n' + ESP;
  const missing = ['/srv/data/cache', '/srv/archive', '/srv/scratch'];
  const p = planOf(broken, { missing });
  assert.equal(after(p), ROOT + ESP + DATA + 'tmpfs /srv/data/cache tmpfs size=4m 0 0\n' + 'UUID=5e1f0000-1111-2222-3333-444455556666 /srv/archive xfs defaults,nofail,x-systemd.device-timeout=10s 0 2\n'
    + 'tmpfs /srv/scratch tmpfs size=8m 0 0\n' + `#firstaid: duplicate mount point: ${ESP}`);
  assert.deepEqual((p.data as { mkdirs: string[] }).mkdirs, ['/srv/archive', '/srv/scratch']);
  assert.deepEqual(p.touches.map((t) => t.kind === 'path' && t.path), ['/etc/fstab', '/srv/archive', '/srv/scratch']);
});

test('missing fields: a line with only source and mount point is completed from blkid; merged fields get their blank back', () => {
  const text = ROOT + ESP + `UUID=${DATA_UUID} /srv/data\n`;
  const f = detected(check(text));
  assert.deepEqual(f.map((x) => x.id), ['fstab.unparsable:3']);
  assert.match(f[0]!.evidence.join('\n'), /holds ext4 \(blkid\): the missing fields will be filled in as "ext4 defaults 0 2"/);
  assert.equal(after(planOf(text)), ROOT + ESP + DATA);
  // A source that does not resolve: nothing to fill in from, commented out as before.
  assert.match(after(planOf(ROOT + `UUID=${STALE} /srv/data\n`)), /^#firstaid: unparsable: UUID=\S+ \/srv\/data$/m);
  const glued = ROOT + ESP + `UUID=${DATA_UUID} /srv/dataext4 defaults 0 2\n`;
  assert.equal(after(planOf(glued, { missing: ['/srv/dataext4'] })), ROOT + ESP + DATA);
});

test('duplicate mount points: the line systemd ignores is commented out; a line whose source is gone loses the tie', () => {
  const text = ROOT + DATA + `LABEL=data /srv/data ext4 noatime 0 2\n`;
  const f = detected(check(text));
  assert.deepEqual(f.map((x) => [x.id, x.fixable]), [['fstab.duplicate-target:3', true]]);
  assert.equal(after(planOf(text)), ROOT + DATA + `#firstaid: duplicate mount point: LABEL=data /srv/data ext4 noatime 0 2\n`);
  // The first line's UUID is stale, the second resolves: the first goes.
  const stale = ROOT + `UUID=${STALE} /srv/data ext4 defaults,nofail 0 2\n` + DATA;
  const p = planOf(stale);
  assert.equal(after(p), ROOT + `#firstaid: duplicate mount point: UUID=${STALE} /srv/data ext4 defaults,nofail 0 2\n` + DATA);
  clean(after(p));
});

test('a missing mount point directory is created (backed up as absent first); not inside another fstab filesystem', () => {
  const text = ROOT + ESP + DATA.replace('/srv/data', '/srv/new/data');
  const p = planOf(text, { missing: ['/srv/new', '/srv/new/data'] });
  assert.deepEqual(p.findings, ['fstab.missing-mountpoint:3']);
  assert.deepEqual(p.touches, [{ kind: 'path', path: '/srv/new' }]);
  assert.deepEqual((p.data as { mkdirs: string[] }).mkdirs, ['/srv/new', '/srv/new/data']);
  assert.equal(p.actions.filter((a) => a.kind === 'edit-file').length, 0);
  assert.ok(p.actions.some((a) => a.kind === 'note' && /Create the directory \/srv\/new\/data/.test(a.text)));
  // A line commented out (the person's choice) gets no mount point.
  const gone = ROOT + `UUID=${STALE} /srv/gone xfs defaults 0 2\n`;
  const c = planOf(gone, { missing: ['/srv/gone'] }, { 'fstab.unresolved': 'comment' });
  assert.deepEqual([c.findings, c.touches.length, (c.data as { mkdirs?: string[] }).mkdirs], [['fstab.unresolved-source:2'], 1, undefined]);
  // Under /srv/data (another filesystem, not mounted here): reported, not created.
  const under = ROOT + DATA + 'tmpfs /srv/data/cache tmpfs defaults 0 0\n';
  const f = detected(check(under, { missing: ['/srv/data/cache'] }));
  assert.deepEqual(f.map((x) => [x.id, x.fixable]), [['fstab.missing-mountpoint:3', false]]);
});

test('several faults at once (the shape of the boot test image): one plan repairs all, the result checks clean', () => {
  const broken = ROOT.replace('errors=remount-ro', 'errors=remount-ro,bogus') + ESP.replace(' vfat ', ' ext4 ')
    + '/dev/sdc3 /srv/data ext4 defaults 0 2\n' + `UUID=${STALE} /srv/old xfs defaults 0 2\n` + `UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\n`;
  const p = planOf(broken);
  const fixed = after(p);
  assert.equal(fixed, ROOT + ESP + DATA + `UUID=${STALE} /srv/old xfs defaults,nofail,x-systemd.device-timeout=10s 0 2\n` + `#firstaid: duplicate mount point: UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\n`);
  assert.equal(p.blockers.length, 0);
  clean(fixed);
  // Planned again: nothing to do.
  assert.equal(planOf(fixed).actions.filter((a) => a.kind === 'edit-file').length, 0);
});
