import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFstab, remapSpec } from '../../src/rescue-plugins/fstab/plan.js';
import type { Finding } from '../../src/rescue-plugins/types.js';
import { check, HEALTHY, DATA_UUID, ESP_UUID, ROOT_UUID, disk } from './fstab-fakes.js';

const STALE = '11111111-2222-3333-4444-555555555555';

/** Findings as the plugin's diagnose returns them: the checks plus the file's text. */
function findingsFor(text: string, opts?: Parameters<typeof check>[1]): Finding[] {
  return [...check(text, opts), { id: 'fstab.file', pluginId: 'fstab', title: 'read', state: 'checked', severity: 'info', evidence: [], fixable: false, data: { text } }];
}

function edit(plan: ReturnType<typeof planFstab>): { after: string; diff: string } {
  const a = plan.actions.find((x) => x.kind === 'edit-file');
  assert.ok(a && a.kind === 'edit-file', 'plan has an edit');
  return { after: a.after, diff: a.diff };
}

test('healthy fstab: nothing to fix, no touches', () => {
  const p = planFstab(findingsFor(HEALTHY), null, {});
  assert.deepEqual([p.actions.length, p.touches.length, p.findings.length, p.blockers.length], [0, 0, 0, 0]);
});

test('stale data UUID: remapped to the candidate, only that line changes, /etc/fstab is the touch', () => {
  const text = HEALTHY.replace(DATA_UUID, STALE);
  const p = planFstab(findingsFor(text), null, {});
  assert.deepEqual(p.findings, ['fstab.unresolved-source:5']);
  assert.deepEqual(p.touches, [{ kind: 'path', path: '/etc/fstab' }]);
  assert.equal(edit(p).after, HEALTHY);
  assert.match(edit(p).diff, new RegExp(`-UUID=${STALE} /srv/data ext4 defaults 0 2\\n\\+UUID=${DATA_UUID} /srv/data`));
  assert.deepEqual(p.choices, []);
});

test('spacing, tabs and comments survive a repair; the style of the spec is kept', () => {
  const text = `# hand-written\nUUID=${ROOT_UUID}\t/\text4\terrors=remount-ro\t0\t1\n\n# data disk\nLABEL=olddata   /srv/data    ext4   defaults   0   2`;
  const p = planFstab(findingsFor(text), null, {});
  assert.equal(edit(p).after, text.replace('LABEL=olddata', 'LABEL=data'));
  assert.equal(remapSpec(`/dev/disk/by-uuid/${STALE}`, { device: '/dev/x', fstype: 'ext4', uuid: 'u-1', label: null, partuuid: null, partlabel: null, size: 1 }), '/dev/disk/by-uuid/u-1');
  assert.equal(remapSpec('LABEL=x', { device: '/dev/x', fstype: 'ext4', uuid: 'u-1', label: null, partuuid: null, partlabel: null, size: 1 }), 'UUID=u-1');
});

test('no candidate, not needed to boot: nofail by default, comment out when chosen', () => {
  const text = HEALTHY + `UUID=${STALE} /srv/gone ext4 defaults 0 2\n`;
  const p = planFstab(findingsFor(text), null, {});
  assert.deepEqual(p.choices.map((c) => [c.id, c.default]), [['fstab.unresolved', 'nofail']]);
  assert.equal(edit(p).after, HEALTHY + `UUID=${STALE} /srv/gone ext4 defaults,nofail,x-systemd.device-timeout=10s 0 2\n`);
  const q = planFstab(findingsFor(text), null, { 'fstab.unresolved': 'comment' });
  assert.equal(edit(q).after, HEALTHY + `#firstaid: unresolved source: UUID=${STALE} /srv/gone ext4 defaults 0 2\n`);
  // An entry without options gets them written out.
  const short = HEALTHY + `UUID=${STALE} /srv/gone ext4\n`;
  assert.equal(edit(planFstab(findingsFor(short), null, {})).after, HEALTHY + `UUID=${STALE} /srv/gone ext4 defaults,nofail,x-systemd.device-timeout=10s\n`);
});

test('needed-to-boot with no candidate: no edit, a blocker that explains', () => {
  const gone = disk();
  gone[0]!.children.splice(1, 1);
  const text = HEALTHY.replace(ROOT_UUID, STALE);
  const p = planFstab(findingsFor(text, { root: null, devices: gone }), null, {});
  assert.equal(p.actions.filter((a) => a.kind === 'edit-file').length, 0);
  assert.equal(p.blockers.length, 1);
  assert.match(p.blockers[0]!, /needed to boot/);
});

test('a blocker elsewhere does not stop the repairs that can be made; it is noted', () => {
  const gone = disk();
  gone[0]!.children.splice(1, 1);
  const text = HEALTHY.replace(ROOT_UUID, STALE) + 'garbage\n';
  const p = planFstab(findingsFor(text, { root: null, devices: gone }), null, {});
  assert.deepEqual(p.findings, ['fstab.unparsable:6']);
  assert.ok(p.actions.some((a) => a.kind === 'note' && /needed to boot/.test(a.text)));
  assert.equal(p.blockers.length, 0);
});

test('garbage: every unparsable line commented out with the marker; good lines untouched', () => {
  const garbage = '\x01\x02 zz\nfoo\n' + HEALTHY + 'UUID=abc /x ext4 defaults zero 2\n';
  const p = planFstab(findingsFor(garbage), null, {});
  const after = edit(p).after;
  assert.equal(after, '#firstaid: unparsable: \x01\x02 zz\n#firstaid: unparsable: foo\n' + HEALTHY + '#firstaid: unparsable: UUID=abc /x ext4 defaults zero 2\n');
  // Planning the result again finds nothing to do (idempotent).
  assert.equal(planFstab(findingsFor(after), null, {}).actions.length, 0);
});

test('glued mount point and type: the blank is put back; a split that does not exist is commented out', () => {
  const glued = HEALTHY.replace('/srv/data ext4 defaults', '/srv/dataext4 defaults');
  assert.equal(edit(planFstab(findingsFor(glued, { missing: ['/srv/dataext4'] }), null, {})).after, HEALTHY);
  const unsure = edit(planFstab(findingsFor(glued, { missing: ['/srv/data', '/srv/dataext4'] }), null, {})).after;
  assert.match(unsure, /^#firstaid: unparsable: UUID=\S+ \/srv\/dataext4 defaults 0 2$/m);
  // "/srv/btrfs" exists: the type is missing, not glued; no guessing "/srv/" + "btrfs".
  const missingType = HEALTHY + `UUID=${DATA_UUID} /srv/btrfs defaults 0 2\n`;
  const after = edit(planFstab(findingsFor(missingType), null, {})).after;
  assert.match(after, /^#firstaid: unparsable: UUID=\S+ \/srv\/btrfs defaults 0 2$/m);
});

test('type mismatch, root passno and child-before-parent are repaired; the line map follows the move', () => {
  const text = `UUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\nUUID=${ROOT_UUID} / ext4 errors=remount-ro 0 2\nUUID=${DATA_UUID} /srv/data xfs defaults 0 2\n`;
  const p = planFstab(findingsFor(text), null, {});
  assert.deepEqual([...p.findings].sort(), ['fstab.child-before-parent:1', 'fstab.fstype-mismatch:3', 'fstab.root-passno:2']);
  assert.equal(edit(p).after, `UUID=${ROOT_UUID} / ext4 errors=remount-ro 0 1\nUUID=${ESP_UUID} /boot/efi vfat umask=0077 0 1\nUUID=${DATA_UUID} /srv/data ext4 defaults 0 2\n`);
  assert.deepEqual((p.data as { lineMap: number[] }).lineMap, [2, 1, 3]);
  assert.deepEqual(check(edit(p).after).filter((f) => f.state === 'detected'), []);
});
