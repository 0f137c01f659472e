import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, detected, disk, dev, HEALTHY, ROOT_UUID, DATA_UUID, ESP_UUID } from './fstab-fakes.js';

const STALE = '11111111-2222-3333-4444-555555555555';
const ids = (text: string, opts?: Parameters<typeof check>[1]) => detected(check(text, opts)).map((f) => f.id).sort();

test('a healthy fstab has no problem, and every check reports itself as checked', () => {
  const f = check(HEALTHY);
  assert.deepEqual(detected(f), []);
  for (const id of ['fstab.sources', 'fstab.mountpoints', 'fstab.order', 'fstab.root-passno', 'fstab.syntax']) {
    assert.ok(f.some((x) => x.id === id && x.state === 'checked'), id);
  }
});

test('pseudo filesystems, network shares, swap by UUID, bind mounts and tags in every form are not false positives', () => {
  const text = HEALTHY + [
    'proc /proc proc defaults 0 0',
    'tmpfs /tmp tmpfs size=512m,mode=1777,nosuid,nodev 0 0',
    'server:/export /mnt/nfs nfs4 _netdev,noauto 0 0',
    '//nas/share /mnt/smb cifs credentials=/root/c,x-systemd.automount 0 0',
    `LABEL=data /srv/label ext4 defaults,x-systemd.device-timeout=10s 0 2`,
    `PARTUUID=aaaa-3 /srv/partuuid ext4 noatime 0 2`,
    `PARTLABEL=data /srv/partlabel ext4 defaults 0 2`,
    `/dev/disk/by-uuid/${DATA_UUID} /srv/byuuid auto defaults 0 2`,
    `/dev/loop0p3 /srv/node ext4 defaults 0 2`,
    '/srv/data /export/data none bind 0 0',
    `UUID=${ESP_UUID.toLowerCase()} /boot/efi2 vfat umask=0077,shortname=winnt 0 2`,
  ].join('\n') + '\n';
  const dup = ids(text);
  assert.deepEqual(dup, [], JSON.stringify(detected(check(text)), null, 1));
});

test('a stale UUID for a data disk is remapped to the one unclaimed filesystem of that type, with evidence', () => {
  const text = HEALTHY.replace(DATA_UUID, STALE);
  const f = detected(check(text));
  assert.equal(f.length, 1);
  assert.equal(f[0]!.id, 'fstab.unresolved-source:5');
  assert.equal(f[0]!.severity, 'error');
  assert.equal(f[0]!.fixable, true);
  assert.equal((f[0]!.data!.candidate as { device: string }).device, '/dev/loop0p3');
  assert.match(f[0]!.evidence.join('\n'), /\/dev\/loop0p3 \(ext4, label data, 33 MiB\) is the only unclaimed ext4 filesystem/);
});

test('two unclaimed ext4 filesystems: the label matching the mount point decides; otherwise no guess', () => {
  const second = dev('loop0p4', { fstype: 'ext4', uuid: '99999999-0000-0000-0000-000000000001', label: 'scratch', size: 40 * 1024 * 1024 });
  const text = HEALTHY.replace(DATA_UUID, STALE);
  const f = detected(check(text, { devices: disk([second]) }))[0]!;
  assert.equal((f.data!.candidate as { device: string }).device, '/dev/loop0p3');
  const nolabel = disk([second]);
  nolabel[0]!.children[2]!.label = 'other';
  const g = detected(check(text, { devices: nolabel }))[0]!;
  assert.equal(g.data!.candidate, null);
  assert.match(g.evidence.join('\n'), /2 unclaimed filesystems could fit/);
  assert.equal(g.fixable, true, 'not needed to boot: nofail/comment is offered');
});

test('a claimed filesystem is never a candidate; one candidate wanted by two stale lines goes to neither', () => {
  // The data fs is already referenced by another line: nothing unclaimed is left for the stale one.
  const text = HEALTHY + `UUID=${STALE} /srv/other ext4 defaults 0 2\n`;
  const f = detected(check(text)).find((x) => x.id === 'fstab.unresolved-source:6')!;
  assert.equal(f.data!.candidate, null);
  const two = HEALTHY.replace(DATA_UUID, STALE) + `UUID=22222222-2222-3333-4444-555555555555 /srv/more ext4 defaults 0 2\n`;
  for (const x of detected(check(two))) assert.equal(x.data!.candidate, null, x.id);
});

test('severity: needed-to-boot without candidate is a blocker; nofail entries are info; swap is a warning', () => {
  const noRootFs = HEALTHY.replace(ROOT_UUID, STALE).replace(`UUID=${DATA_UUID} /srv/data`, `UUID=${DATA_UUID} /var`);
  const gone = disk();
  gone[0]!.children.splice(1, 1); // the root filesystem itself is not there (a disk was replaced)
  const f = detected(check(noRootFs, { root: null, devices: gone })).find((x) => x.id === 'fstab.unresolved-source:3');
  // The data fs is claimed by /var, the ESP is vfat: no candidate for /, and / cannot get nofail.
  assert.equal(f?.severity, 'blocker');
  assert.equal(f?.fixable, false);
  // With the installation's root known, / is remapped to it.
  const r = detected(check(HEALTHY.replace(ROOT_UUID, STALE))).find((x) => x.id === 'fstab.unresolved-source:3')!;
  assert.equal((r.data!.candidate as { device: string }).device, '/dev/loop0p2');
  const opt = detected(check(HEALTHY + `UUID=${STALE} /mnt/usb ext4 defaults,nofail 0 2\n`, { devices: disk() }).filter((x) => x.id.endsWith(':6')));
  assert.deepEqual(opt.map((x) => [x.id, x.severity, x.fixable]), [['fstab.unresolved-optional:6', 'info', false]]);
  const swap = detected(check(HEALTHY + `UUID=${STALE} none swap sw 0 0\n`)).find((x) => x.id === 'fstab.unresolved-source:6')!;
  assert.equal(swap.severity, 'warning');
});

test('fstype differing from the on-disk type; ext4 driver mounting ext3 is fine, the reverse is not', () => {
  assert.deepEqual(ids(HEALTHY.replace('/srv/data ext4', '/srv/data xfs')), ['fstab.fstype-mismatch:5']);
  assert.deepEqual(ids(HEALTHY.replace('/srv/data ext4', '/srv/data ext3')), ['fstab.fstype-mismatch:5']);
  const ext3 = disk();
  ext3[0]!.children[2]!.fstype = 'ext3';
  assert.deepEqual(ids(HEALTHY, { devices: ext3 }), []);
  assert.deepEqual(ids(HEALTHY.replace('/srv/data ext4', '/srv/data auto')), []);
});

test('missing mount point inside the target, duplicate targets, child before parent, root passno', () => {
  assert.deepEqual(ids(HEALTHY, { missing: ['/srv/data'] }), ['fstab.missing-mountpoint:5']);
  assert.deepEqual(ids(HEALTHY + `UUID=${DATA_UUID} /srv/data ext4 defaults 0 2\n`), ['fstab.duplicate-target:6']);
  const order = HEALTHY.replace(`UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\n`, '') + `UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\n`;
  assert.deepEqual(ids(order), []);
  const bootAfter = HEALTHY + `LABEL=data /boot ext4 defaults 0 2\n`;
  assert.deepEqual(ids(bootAfter.replace(`UUID=${DATA_UUID} /srv/data ext4 defaults 0 2\n`, '')), ['fstab.child-before-parent:4']);
  assert.deepEqual(ids(HEALTHY.replace('remount-ro 0 1', 'remount-ro 0 2')), ['fstab.root-passno:3']);
  assert.deepEqual(ids(HEALTHY.replace('remount-ro 0 1', 'remount-ro 0 0')), ['fstab.root-passno:3']);
  const btrfs = disk();
  btrfs[0]!.children[1]!.fstype = 'btrfs';
  assert.deepEqual(ids(HEALTHY.replace('/ ext4 errors=remount-ro 0 1', '/ btrfs defaults 0 0'), { devices: btrfs }), []);
});

test('syntax: wrong field count, glued mount point and type, unknown options and types', () => {
  assert.deepEqual(ids(HEALTHY + 'this is not an fstab line at all really\n'), ['fstab.unparsable:6']);
  assert.deepEqual(ids(HEALTHY + 'UUID=x\n'), ['fstab.unparsable:6']);
  const glued = HEALTHY.replace('/srv/data ext4 defaults', '/srv/dataext4 defaults');
  const g = detected(check(glued, { missing: ['/srv/dataext4'] }));
  assert.deepEqual(g.map((x) => x.id), ['fstab.missing-blank:5']);
  assert.deepEqual([g[0]!.data!.file, g[0]!.data!.vfstype, g[0]!.data!.confident], ['/srv/data', 'ext4', true]);
  assert.deepEqual(ids(HEALTHY.replace('/srv/data ext4 defaults', '/srv/data ext4 defualts,noatime')), ['fstab.unknown-options:5']);
  assert.deepEqual(ids(HEALTHY.replace('umask=0077', 'umask=0077,data=ordered')), ['fstab.unknown-options:4']);
  // An unknown type on a source that resolves: the disk says what it is.
  assert.deepEqual(ids(HEALTHY.replace('/srv/data ext4', '/srv/data ext5')), ['fstab.fstype-mismatch:5']);
  assert.deepEqual(ids(HEALTHY + 'tmpfs /tmp tmpfz defaults 0 0\n'), ['fstab.unknown-type:6']);
});

test('a kernel device name nothing identifies: an error fixed by the last resort (nofail)', () => {
  const f = detected(check(HEALTHY + '/dev/sdb1 /mnt/old ext4 defaults 0 2\n'));
  assert.deepEqual(f.map((x) => [x.id, x.severity, x.fixable]), [['fstab.kernel-name:6', 'error', true]]);
  assert.equal(f[0]!.data!.candidate, null);
});

test('a filesystem the live system itself has mounted is never offered as the replacement', () => {
  const text = HEALTHY.replace(DATA_UUID, STALE);
  const devices = disk();
  devices[0]!.children[2]!.mountpoints = ['/media/live-data'];
  const f = detected(check(text, { devices }))[0]!;
  assert.equal(f.data!.candidate, null);
});

test('a line whose mount point is not a path is unparsable (swap lines excepted)', () => {
  assert.deepEqual(ids(HEALTHY + 'ghlvht bqyemc b3q1g0\n'), ['fstab.unparsable:6']);
  assert.deepEqual(ids(HEALTHY + `UUID=${DATA_UUID} srv ext4 defaults 0 2\n`), ['fstab.unparsable:6']);
  assert.deepEqual(ids(HEALTHY.replace(DATA_UUID, STALE) + `LABEL=data swap swap sw 0 0\n`).filter((x) => x.includes(':6')), ['fstab.fstype-mismatch:6']);
});

test('by-id names and ID= tags are warnings (cannot be matched), never remapped', () => {
  const text = HEALTHY + 'ID=ata-QEMU_HARDDISK_QM00001-part9 /mnt/a ext4 defaults 0 2\n/dev/disk/by-id/ata-X-part1 /mnt/b ext4 defaults 0 2\n';
  assert.deepEqual(detected(check(text)).map((x) => [x.id, x.severity, x.fixable]), [['fstab.unmapped-node:6', 'warning', false], ['fstab.unmapped-node:7', 'warning', false]]);
});
