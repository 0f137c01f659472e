/**
 * The fstab plugin through the flow engine on a directory target (no loop devices): a symlinked
 * /etc/fstab is repaired where it lives and restored by revert; a file changed after the
 * diagnosis is not overwritten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { Teardown } from '../../src/core/teardown.js';
import { TargetRoot } from '../../src/core/target-root.js';
import { diagnosePlugin, planFix, runFix, revertFix, type FlowDeps } from '../../src/rescue-plugins/flow.js';
import { fstabPlugin } from '../../src/rescue-plugins/fstab/index.js';
import type { Installation, MountedSystem } from '../../src/devices/types.js';
import { disk, HEALTHY, DATA_UUID, ROOT_REF } from './fstab-fakes.js';
import { testFlowDeps } from '../helpers/flow-deps.js';

const STALE = '11111111-2222-3333-4444-555555555555';

async function setup(fstabAsLink: boolean) {
  const base = mkdtempSync(join(tmpdir(), 'fa-fstab-plugin-'));
  const root = join(base, 'root');
  for (const d of ['etc', 'srv/data', 'boot/efi']) mkdirSync(join(root, d), { recursive: true });
  const broken = HEALTHY.replace(DATA_UUID, STALE);
  if (fstabAsLink) {
    writeFileSync(join(root, 'etc', 'fstab.real'), broken);
    symlinkSync('/etc/fstab.real', join(root, 'etc', 'fstab'));
  } else writeFileSync(join(root, 'etc', 'fstab'), broken);
  const log = new SessionLog();
  const runner = new Runner({ log });
  const target = await TargetRoot.open(root, runner);
  let rw = false;
  const system: MountedSystem = {
    installation: { root: ROOT_REF, disk: { path: '/dev/loop0', ptuuid: null, pttype: 'gpt', serial: null, size: 1 } } as Installation,
    target,
    get readWrite() { return rw; },
    async remountReadWrite() { rw = true; },
    async esp() { return null; },
    async chroot() { throw new Error('fstab needs no chroot'); },
    async close() {},
  };
  const deps: FlowDeps = testFlowDeps({ runner, log, teardown: new Teardown(), system, devices: disk(), storeDir: join(base, 'store') });
  return { base, root, deps, broken, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

test('a symlinked /etc/fstab: the real file is repaired and backed up, the link stays, revert restores the content', async () => {
  const s = await setup(true);
  try {
    const findings = await diagnosePlugin(fstabPlugin, s.deps);
    const plan = await planFix(fstabPlugin, findings, s.deps, {});
    assert.deepEqual(plan.touches, [{ kind: 'path', path: '/etc/fstab.real' }]);
    const r = await runFix(fstabPlugin, plan, s.deps, { dryRun: false, choices: {}, findingsBefore: findings });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.ok(lstatSync(join(s.root, 'etc', 'fstab')).isSymbolicLink());
    assert.equal(readlinkSync(join(s.root, 'etc', 'fstab')), '/etc/fstab.real');
    assert.equal(readFileSync(join(s.root, 'etc', 'fstab.real'), 'utf8'), HEALTHY);
    assert.deepEqual(r.findingsAfter.filter((f) => f.state === 'fixed').map((f) => f.id), ['fstab.unresolved-source:5']);
    await revertFix(r.backupId!, s.deps, { force: false });
    assert.equal(readFileSync(join(s.root, 'etc', 'fstab.real'), 'utf8'), s.broken);
    assert.ok(lstatSync(join(s.root, 'etc', 'fstab')).isSymbolicLink());
  } finally {
    s.cleanup();
  }
});

test('fstab changed between diagnosis and apply: nothing overwritten, the change is kept', async () => {
  const s = await setup(false);
  try {
    const findings = await diagnosePlugin(fstabPlugin, s.deps);
    const plan = await planFix(fstabPlugin, findings, s.deps, {});
    const edited = s.broken + '# edited meanwhile\n';
    writeFileSync(join(s.root, 'etc', 'fstab'), edited);
    const r = await runFix(fstabPlugin, plan, s.deps, { dryRun: false, choices: {} });
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /changed since it was diagnosed/);
    assert.equal(readFileSync(join(s.root, 'etc', 'fstab'), 'utf8'), edited);
  } finally {
    s.cleanup();
  }
});

test('no /etc/fstab: a warning, nothing to plan', async () => {
  const s = await setup(false);
  try {
    rmSync(join(s.root, 'etc', 'fstab'));
    const findings = await diagnosePlugin(fstabPlugin, s.deps);
    assert.deepEqual(findings.map((f) => [f.id, f.state, f.fixable]), [['fstab.missing-file', 'detected', false]]);
    const plan = await planFix(fstabPlugin, findings, s.deps, {});
    assert.equal(plan.actions.length, 0);
  } finally {
    s.cleanup();
  }
});
