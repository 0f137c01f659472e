/**
 * The flow engine with a real backup store and a real directory as the target, and plugins
 * written for the test: ordering, backup before apply, restore on failure, dry-run, diagnose-all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, chmodSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { Teardown } from '../../src/core/teardown.js';
import { TargetRoot } from '../../src/core/target-root.js';
import { diagnoseAll, planFix, runFix, revertFix, parseBackupRef, markFixed, type FlowDeps } from '../../src/rescue-plugins/flow.js';
import type { Finding, Plan, PluginContext, RescuePlugin } from '../../src/rescue-plugins/types.js';
import type { Installation, MountedSystem } from '../../src/devices/types.js';
import { unifiedDiff } from '../../src/rescue-plugins/diff.js';
import { testFlowDeps } from '../helpers/flow-deps.js';

const INSTALLATION = {
  id: 'uuid:test', name: 'Test', osRelease: {}, root: { device: '/dev/null', uuid: 'test', partuuid: null, label: null, fstype: 'ext4', partn: 1, start: 0, size: 1, parttype: null },
  disk: { path: '/dev/null', ptuuid: null, pttype: null, serial: null, size: 1 }, partitions: [], boot: null, esp: null, biosGrub: null, fstab: [], kernels: [], initrds: [],
  grub: { dir: null, platforms: [], cfg: null, flavour: 'grub' }, firmware: 'bios', evidence: [],
} as Installation;

interface Env {
  deps: FlowDeps;
  root: string;
  storeDir: string;
  events: string[];
  cleanup(): void;
}

async function env(): Promise<Env> {
  const base = mkdtempSync(join(tmpdir(), 'fa-flow-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'thing.conf'), 'broken\n');
  chmodSync(join(root, 'etc', 'thing.conf'), 0o640);
  const log = new SessionLog();
  const runner = new Runner({ log });
  const events: string[] = [];
  const target = await TargetRoot.open(root, runner);
  let rw = false;
  const system: MountedSystem = {
    installation: INSTALLATION,
    target,
    get readWrite() { return rw; },
    async remountReadWrite() { events.push('remount-rw'); rw = true; },
    async esp() { return null; },
    async chroot() { throw new Error('no chroot in this test'); },
    async close() {},
  };
  const storeDir = join(base, 'store');
  const deps: FlowDeps = testFlowDeps({ runner, log, teardown: new Teardown(), system, devices: [], storeDir, onProgress: (s) => { if (events.at(-1) !== `stage:${s}`) events.push(`stage:${s}`); } });
  return { deps, root, storeDir, events, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** A plugin that "fixes" /etc/thing.conf from broken to fixed; behaviour switches for failures. */
function thingPlugin(events: string[], mode: { applyThrows?: boolean; verifyLeaves?: boolean; diagnoseThrows?: boolean } = {}, isRw: () => boolean = () => false): RescuePlugin {
  const read = (ctx: PluginContext) => ctx.target.readText('/etc/thing.conf');
  const diagnose = async (ctx: PluginContext): Promise<Finding[]> => {
    if (mode.diagnoseThrows) throw new Error('cannot read the thing');
    const broken = (await read(ctx)) !== 'fixed\n';
    return [
      { id: 'thing.content', pluginId: 'thing', title: 'thing.conf is broken', state: broken ? 'detected' : 'checked', severity: 'error', evidence: [], fixable: true },
      { id: 'thing.other', pluginId: 'thing', title: 'second check', state: 'detected', severity: 'warning', evidence: ['also found'], fixable: false },
    ];
  };
  return {
    id: 'thing', title: 'Thing', description: 'test plugin',
    diagnose,
    plan(findings): Plan {
      const todo = findings.filter((f) => f.id === 'thing.content' && f.state === 'detected');
      if (todo.length === 0) return { pluginId: 'thing', findings: [], summary: 'nothing', actions: [], touches: [], needsChroot: false, choices: [], blockers: [] };
      return {
        pluginId: 'thing', findings: ['thing.content'], summary: 'fix thing.conf',
        actions: [{ kind: 'edit-file', path: '/etc/thing.conf', before: 'broken\n', after: 'fixed\n', diff: unifiedDiff('/etc/thing.conf', 'broken\n', 'fixed\n') }],
        touches: [{ kind: 'path', path: '/etc/thing.conf' }], needsChroot: false, choices: [], blockers: [],
      };
    },
    async apply(_plan, ctx) {
      events.push(`apply(rw=${isRw()})`);
      await ctx.target.writeFileAtomic('/etc/thing.conf', mode.applyThrows ? 'half-written\n' : 'fixed\n');
      if (mode.applyThrows) throw new Error('disk on fire');
    },
    async verify(_plan, ctx) {
      events.push('verify');
      if (mode.verifyLeaves) return [{ id: 'thing.content', pluginId: 'thing', title: 'thing.conf is broken', state: 'detected', severity: 'error', evidence: [], fixable: true }];
      return diagnose(ctx);
    },
  };
}

test('diagnoseAll: every plugin and every finding; a throwing plugin yields an error finding and the others still run', async () => {
  const e = await env();
  try {
    const out = await diagnoseAll([thingPlugin(e.events, { diagnoseThrows: true }), thingPlugin(e.events)], e.deps);
    assert.equal(out.length, 2);
    assert.equal(out[0]!.findings[0]!.state, 'error');
    assert.match(out[0]!.error!.message, /cannot read the thing/);
    assert.deepEqual(out[1]!.findings.map((f) => [f.id, f.state]), [['thing.content', 'detected'], ['thing.other', 'detected']]);
    assert.ok(!e.events.includes('remount-rw'), 'diagnose never mounts read-write');
  } finally {
    e.cleanup();
  }
});

test('runFix: read-write only after planning, backup complete before apply, verified, revert restores byte for byte', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events, {}, () => e.deps.system.readWrite);
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const plan = await planFix(plugin, findings, e.deps, {});
    assert.ok(!e.events.includes('remount-rw'));
    const r = await runFix(plugin, plan, e.deps, { dryRun: false, choices: {}, findingsBefore: findings });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.verified, true);
    assert.match(r.backupId!, /^thing\/\d{8}T\d{6}Z-[0-9a-z]+$/);
    assert.ok(r.backupDir!.startsWith(e.storeDir));
    // Order: remount, backup, apply, verify.
    const idx = (s: string) => e.events.findIndex((x) => x.startsWith(s));
    assert.ok(idx('stage:plan') < idx('remount-rw'), e.events.join(','));
    assert.ok(idx('stage:backup') < idx('apply('), e.events.join(','));
    assert.ok(e.events.includes('apply(rw=true)'), e.events.join(','));
    assert.ok(idx('apply(') < idx('verify'));
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'fixed\n');
    assert.equal(r.findingsAfter.find((f) => f.id === 'thing.content')!.state, 'fixed');
    assert.equal(r.findingsAfter.find((f) => f.id === 'thing.other')!.state, 'detected', 'what the plan did not address stays as it was');
    const rv = await revertFix(r.backupId!, e.deps, { force: false });
    assert.deepEqual(rv.forcedOver, []);
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'broken\n');
    assert.equal(statSync(join(e.root, 'etc', 'thing.conf')).mode & 0o777, 0o640);
  } finally {
    e.cleanup();
  }
});

test('revert refuses files changed since the fix unless forced', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events);
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const r = await runFix(plugin, await planFix(plugin, findings, e.deps, {}), e.deps, { dryRun: false, choices: {} });
    writeFileSync(join(e.root, 'etc', 'thing.conf'), 'edited by hand later\n');
    await assert.rejects(revertFix(r.backupId!, e.deps, { force: false }), /changed after the fix.*thing\.conf/s);
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'edited by hand later\n');
    const rv = await revertFix(`${r.backupDir}/`, e.deps, { force: true });
    assert.equal(rv.forcedOver.length, 1);
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'broken\n');
  } finally {
    e.cleanup();
  }
});

test('revert refuses a damaged backup, naming the object, and restores nothing', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events);
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const r = await runFix(plugin, await planFix(plugin, findings, e.deps, {}), e.deps, { dryRun: false, choices: {} });
    const objects = join(r.backupDir!, 'objects');
    const sub = readdirSync(objects).find((d) => /^[0-9a-f]{2}$/.test(d))!;
    const blob = join(objects, sub, readdirSync(join(objects, sub))[0]!);
    chmodSync(blob, 0o600);
    writeFileSync(blob, 'tampered\n');
    await assert.rejects(revertFix(r.backupId!, e.deps, { force: true }), (err: Error) => /damaged or incomplete/.test(err.message) && /thing\.conf/.test(err.message));
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'fixed\n');
  } finally {
    e.cleanup();
  }
});

test('apply throwing: restored at once, backup kept and named, error with hint', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events, { applyThrows: true });
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const r = await runFix(plugin, await planFix(plugin, findings, e.deps, {}), e.deps, { dryRun: false, choices: {} });
    assert.equal(r.ok, false);
    assert.equal(r.restored, true);
    assert.match(r.error!.message, /disk on fire/);
    assert.match(r.error!.hint, /restored from thing\//);
    assert.ok(existsSync(r.backupDir!));
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'broken\n');
  } finally {
    e.cleanup();
  }
});

test('verify still finding the problem counts as failure: restored', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events, { verifyLeaves: true });
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const r = await runFix(plugin, await planFix(plugin, findings, e.deps, {}), e.deps, { dryRun: false, choices: {} });
    assert.equal(r.ok, false);
    assert.equal(r.restored, true);
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'broken\n');
  } finally {
    e.cleanup();
  }
});

test('a backup that cannot complete means the plan never runs', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events);
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const plan = await planFix(plugin, findings, e.deps, {});
    // A store that is a file, not a directory: nothing can be backed up there.
    writeFileSync(join(e.storeDir), 'not a directory');
    const r = await runFix(plugin, plan, e.deps, { dryRun: false, choices: {} });
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /backup failed, so nothing was changed/);
    assert.ok(!e.events.some((x) => x.startsWith('apply(')), 'apply never ran');
    assert.equal(readFileSync(join(e.root, 'etc', 'thing.conf'), 'utf8'), 'broken\n');
    // A touch that cannot be read: same refusal.
    rmSync(e.storeDir);
    const bad: Plan = { ...plan, touches: [{ kind: 'range', device: join(e.root, 'no-such-device'), offset: 0, length: 512, name: 'mbr', why: 'test' }] };
    const r2 = await runFix(plugin, bad, e.deps, { dryRun: false, choices: {} });
    assert.equal(r2.ok, false);
    assert.ok(!e.events.some((x) => x.startsWith('apply(')), 'apply never ran');
    // The half-made space is removed: nothing was changed, so it would only confuse a later revert.
    assert.equal(r2.backupId, null);
    const spaces = existsSync(join(e.storeDir, 'thing')) ? readdirSync(join(e.storeDir, 'thing')) : [];
    assert.deepEqual(spaces, []);
  } finally {
    e.cleanup();
  }
});

test('dry-run: no read-write mount, no backup, the plan comes back; blockers refuse; empty plans do nothing', async () => {
  const e = await env();
  try {
    const plugin = thingPlugin(e.events);
    const findings = (await diagnoseAll([plugin], e.deps))[0]!.findings;
    const plan = await planFix(plugin, findings, e.deps, {});
    const r = await runFix(plugin, plan, e.deps, { dryRun: true, choices: {} });
    assert.equal(r.ok, true);
    assert.equal(r.backupId, null);
    assert.equal(r.plan.actions[0]!.kind, 'edit-file');
    assert.ok(!e.events.includes('remount-rw'));
    assert.ok(!existsSync(e.storeDir));
    const blocked = await runFix(plugin, { ...plan, blockers: ['grub-install is missing inside the target'] }, e.deps, { dryRun: false, choices: {} });
    assert.equal(blocked.ok, false);
    assert.match(blocked.error!.message, /grub-install is missing/);
    const empty = await runFix(plugin, { ...plan, actions: [], touches: [], findings: [] }, e.deps, { dryRun: false, choices: {} });
    assert.equal(empty.ok, true);
    assert.ok(!e.events.includes('remount-rw'));
    assert.ok(!existsSync(e.storeDir));
  } finally {
    e.cleanup();
  }
});

test('markFixed: an addressed finding the checks no longer report is shown as fixed', () => {
  const before: Finding[] = [{ id: 'fstab.unresolved-source:5', pluginId: 'fstab', title: 'stale', state: 'detected', severity: 'error', evidence: [], fixable: true }];
  const plan = { findings: ['fstab.unresolved-source:5'] } as Plan;
  const out = markFixed(plan, before, [{ id: 'fstab.sources', pluginId: 'fstab', title: 'ok', state: 'checked', severity: 'info', evidence: [], fixable: false }]);
  assert.deepEqual(out.map((f) => [f.id, f.state]), [['fstab.unresolved-source:5', 'fixed'], ['fstab.sources', 'checked']]);
});

test('parseBackupRef: ids and directories', () => {
  assert.deepEqual(parseBackupRef('grub/20261122T205400Z-ab12cd'), { id: 'grub/20261122T205400Z-ab12cd', storeDir: null });
  assert.deepEqual(parseBackupRef('/var/lib/firstaid/backups/grub/20261122T205400Z-ab12cd/'), { id: 'grub/20261122T205400Z-ab12cd', storeDir: '/var/lib/firstaid/backups' });
  assert.throws(() => parseBackupRef('../../etc'), /not a backup id/);
});
