import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListing, formatSpace, humanSize } from '../../src/cli/format-backups.js';
import type { SpaceSummary } from '../../src/backup/spaces/types.js';

function sum(p: Partial<SpaceSummary> & { id: string }): SpaceSummary {
  return {
    pluginId: p.id.split('/')[0]!, dir: `/store/${p.id}`, created: '2026-11-22T20:54:01.000Z', description: 'Reinstall GRUB',
    objectCount: 3, size: 5078, state: 'complete', fixRecorded: true, reverted: false, ...p,
  };
}

test('the revert listing: grouped by plugin, states named, unsafe ones called out, 80 columns', () => {
  const spaces = [
    sum({ id: 'fstab/20261122T210000Z-aaaaaa', state: 'incomplete', problem: 'never committed: the backup was interrupted', description: 'x'.repeat(200) }),
    sum({ id: 'grub/20261122T205401Z-bbbbbb', state: 'verified', reverted: true }),
    sum({ id: 'grub/20261121T100000Z-cccccc', state: 'corrupt', problem: '"/boot/grub" entry "grub.cfg": object content does not match its sha256' }),
  ];
  const text = formatListing('/mnt/target/var/lib/firstaid/backups', spaces);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, line);
  const lines = text.split('\n');
  assert.ok(lines.indexOf('fstab:') < lines.indexOf('grub:'));
  assert.match(text, /fstab\/20261122T210000Z-aaaaaa  2026-11-22 20:54 UTC  INCOMPLETE/);
  assert.match(text, /grub\/20261122T205401Z-bbbbbb  2026-11-22 20:54 UTC  verified, reverted/);
  assert.match(text, /CORRUPT/);
  assert.match(text, /problem: "\/boot\/grub" entry "grub.cfg"/);
  assert.match(text, /2 backups are incomplete or corrupt: never offered for revert\./);
  assert.match(text, /Reinstall GRUB  3 objects, 5\.0 KiB/);
  assert.equal(formatListing('/s', []), 'Backups in /s\n\n  (none)');
});

test('sizes and one space in detail', () => {
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(1536), '1.5 KiB');
  assert.equal(humanSize(200 * 1024 * 1024), '200 MiB');
  const text = formatSpace(sum({ id: 'grub/20261122T205401Z-bbbbbb' }), [
    { name: '/boot/grub', type: 'directory', origin: '/boot/grub', size: 0, sha256: null, mode: 0o755, uid: 0, gid: 0, mtime: null, symlinkTarget: null, xattrs: {}, range: null, entries: [] },
    { name: 'mbr', type: 'range', origin: null, size: 1048576, sha256: 'a'.repeat(64), mode: null, uid: null, gid: null, mtime: null, symlinkTarget: null, xattrs: {}, range: { device: '/dev/loop3', offset: 0, length: 1048576, identity: { path: '/dev/loop3', ptuuid: 'abcd', pttype: 'dos', serial: null, size: 1 } } },
  ]);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, line);
  assert.match(text, /mbr  \/dev\/loop3 @0 +range  1\.0 MiB/);
  assert.match(text, /\/boot\/grub +dir \(0\)  0 B/);
});
