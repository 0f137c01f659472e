/**
 * Child for flow-kill.test.ts: runs one fix of a tiny plugin (/etc/thing.conf broken -> fixed)
 * through the real flow engine and store, with the target a plain directory. The parent sets
 * FIRSTAID_TEST_KILL_AT; argv: base directory, "fix" | "diagnose" | "revert ID".
 */
import { join } from 'node:path';
import { SessionLog } from '../../../src/core/log.js';
import { Runner } from '../../../src/core/runner.js';
import { Teardown } from '../../../src/core/teardown.js';
import { TargetRoot } from '../../../src/core/target-root.js';
import { diagnoseAll, planFix, runFix, revertFix, type FlowDeps } from '../../../src/rescue-plugins/flow.js';
import type { Finding, Plan, PluginContext, RescuePlugin } from '../../../src/rescue-plugins/types.js';
import type { Installation, MountedSystem } from '../../../src/devices/types.js';
import { unifiedDiff } from '../../../src/rescue-plugins/diff.js';
import { testFlowDeps } from '../../helpers/flow-deps.js';

const INSTALLATION = {
  id: 'uuid:test', name: 'Test', osRelease: {}, root: { device: '/dev/null', uuid: 'test', partuuid: null, label: null, fstype: 'ext4', partn: 1, start: 0, size: 1, parttype: null },
  disk: { path: '/dev/null', ptuuid: null, pttype: null, serial: null, size: 1 }, partitions: [], boot: null, esp: null, biosGrub: null, fstab: [], kernels: [], initrds: [],
  grub: { dir: null, platforms: [], cfg: null, flavour: 'grub' }, firmware: 'bios', evidence: [],
} as Installation;

const plugin: RescuePlugin = {
  id: 'thing', title: 'Thing', description: 'test plugin',
  async diagnose(ctx: PluginContext): Promise<Finding[]> {
    const broken = (await ctx.target.readText('/etc/thing.conf')) !== 'fixed\n';
    return [{ id: 'thing.content', pluginId: 'thing', title: 'thing.conf is broken', state: broken ? 'detected' : 'checked', severity: 'error', evidence: [], fixable: true }];
  },
  plan(findings): Plan {
    const todo = findings.some((f) => f.id === 'thing.content' && f.state === 'detected');
    return {
      pluginId: 'thing', findings: todo ? ['thing.content'] : [], summary: 'fix thing.conf',
      actions: todo ? [{ kind: 'edit-file', path: '/etc/thing.conf', before: 'broken\n', after: 'fixed\n', diff: unifiedDiff('/etc/thing.conf', 'broken\n', 'fixed\n') }] : [],
      touches: todo ? [{ kind: 'path', path: '/etc/thing.conf' }, { kind: 'path', path: '/etc/thing.d' }] : [], needsChroot: false, choices: [], blockers: [],
    };
  },
  async apply(_plan, ctx) {
    await ctx.target.mkdirp('/etc/thing.d');
    await ctx.target.writeFileAtomic('/etc/thing.d/part', 'part\n');
    await ctx.target.writeFileAtomic('/etc/thing.conf', 'fixed\n');
  },
  async verify(_plan, ctx) {
    return plugin.diagnose(ctx);
  },
};

async function main(): Promise<void> {
  const [base, cmd, arg] = process.argv.slice(2) as [string, string, string | undefined];
  const log = new SessionLog();
  const runner = new Runner({ log });
  const target = await TargetRoot.open(join(base, 'root'), runner);
  const system: MountedSystem = {
    installation: INSTALLATION, target, readWrite: true,
    async remountReadWrite() {}, async esp() { return null; },
    async chroot() { throw new Error('no chroot in this test'); }, async close() {},
  } as MountedSystem;
  const deps: FlowDeps = testFlowDeps({ runner, log, teardown: new Teardown(), system, devices: [], storeDir: join(base, 'store') });
  if (cmd === 'diagnose') {
    process.stdout.write(JSON.stringify(await diagnoseAll([plugin], deps)));
  } else if (cmd === 'revert') {
    process.stdout.write(JSON.stringify(await revertFix(arg!, deps, { force: false })));
  } else {
    const [d] = await diagnoseAll([plugin], deps);
    const plan = await planFix(plugin, d!.findings, deps, {});
    const r = await runFix(plugin, plan, deps, { dryRun: false, choices: {} });
    process.stdout.write(JSON.stringify({ ok: r.ok, verified: r.verified, backupId: r.backupId }));
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
