/**
 * Every plugin, every finding: an image broken in two ways (grub.cfg deleted, stale data UUID in
 * fstab) shows both problems in one read-only diagnosis; fixing one plugin leaves the other's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../helpers/env.js';
import { breakImage, fixtureImage } from '../helpers/images.js';
import { assertNothingLeft, build, runFirstaid, sandbox } from './systems-helpers.js';
import { readRootFile, sha256, writeRootFile } from './fstab-image.js';
import type { Finding } from '../../src/rescue-plugins/types.js';

interface DiagnoseJson { system: { id: string; name: string }; plugins: { pluginId: string; findings: Finding[] }[] }

const detectedIds = (j: DiagnoseJson, plugin: string) => j.plugins.find((p) => p.pluginId === plugin)!.findings.filter((f) => f.state === 'detected').map((f) => f.id);

test('two plugins, two problems: both reported read-only; fix fstab repairs only fstab', needs({ root: true, loop: true, tools: ['losetup', 'lsblk', 'blkid'] }), async () => {
  build();
  const img = fixtureImage('bios');
  const sb = sandbox();
  try {
    await breakImage(img.path, 'grub-cfg');
    await breakImage(img.path, 'fstab-uuid-data');
    const h0 = await sha256(img.path);
    const d = await runFirstaid(['diagnose', '--json', '--image', img.path], { sandbox: sb });
    assert.equal(d.code, 1, d.stderr);
    const j = JSON.parse(d.stdout) as DiagnoseJson;
    assert.equal(j.system.id, `uuid:${img.info.ROOT_UUID}`);
    assert.deepEqual(j.plugins.map((p) => p.pluginId).sort(), ['fstab', 'grub', 'initramfs', 'passwd']);
    assert.ok(detectedIds(j, 'grub').length > 0, 'grub.cfg missing is reported');
    assert.ok(detectedIds(j, 'fstab').some((id) => id.startsWith('fstab.unresolved-source:')));
    assert.equal(await sha256(img.path), h0, 'diagnose wrote nothing');

    const text = await runFirstaid(['diagnose', '--image', img.path], { sandbox: sb });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^grub - .*problem/m);
    assert.match(text.stdout, /^fstab - .*1 problem/m);
    assert.match(text.stdout, /firstaid fix grub --dry-run.*firstaid fix fstab --dry-run|firstaid fix fstab --dry-run.*firstaid fix grub --dry-run/);

    const fix = await runFirstaid(['fix', 'fstab', '--yes', '--image', img.path], { sandbox: sb });
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    const after = JSON.parse((await runFirstaid(['diagnose', '--json', '--image', img.path], { sandbox: sb })).stdout) as DiagnoseJson;
    assert.deepEqual(detectedIds(after, 'fstab'), []);
    assert.deepEqual(detectedIds(after, 'grub'), detectedIds(j, 'grub'));
    assertNothingLeft(img.path, sb);
  } finally {
    sb.dispose();
    img.dispose();
  }
});

test('usage errors: unknown plugin, missing backup id, bad choice value', needs({ root: true, loop: true, tools: ['losetup'] }), async () => {
  build();
  const img = fixtureImage('bios');
  const sb = sandbox();
  try {
    const a = await runFirstaid(['fix', 'nosuch', '--image', img.path], { sandbox: sb });
    assert.equal(a.code, 2);
    assert.match(a.stderr, /no rescue plugin "nosuch".*\n.*grub, fstab/);
    const b = await runFirstaid(['revert', '--image', img.path], { sandbox: sb });
    assert.equal(b.code, 2);
    assert.match(b.stderr, /revert takes one backup id/);
    // An entry nothing can replace (no xfs anywhere): the nofail/comment question is asked.
    const fstab = readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab');
    writeRootFile(img.path, img.info.ROOT_PART, 'etc/fstab', fstab + 'UUID=5e1f0000-1111-2222-3333-444455556666 /srv/x xfs defaults 0 2\n');
    const c = await runFirstaid(['fix', 'fstab', '--dry-run', '--choice', 'fstab.unresolved=maybe', '--image', img.path], { sandbox: sb });
    assert.equal(c.code, 2, c.stdout + c.stderr);
    assert.match(c.stderr, /"maybe" is not an answer.*\n.*--choice fstab\.unresolved=nofail\|comment/);
    const ok = await runFirstaid(['fix', 'fstab', '--yes', '--choice', 'fstab.unresolved=comment', '--image', img.path], { sandbox: sb });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(readRootFile(img.path, img.info.ROOT_PART, 'etc/fstab'), fstab + '#firstaid: unresolved source: UUID=5e1f0000-1111-2222-3333-444455556666 /srv/x xfs defaults 0 2\n');
    assertNothingLeft(img.path, sb);
  } finally {
    sb.dispose();
    img.dispose();
  }
});
