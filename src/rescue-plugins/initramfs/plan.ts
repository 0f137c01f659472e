/**
 * Pure planner: a missing kernel whose .deb is in the package cache -> `dpkg -i` it in the
 * chroot (its postinst builds the initrd too); every other bad initrd -> the installation's
 * own tool (`update-initramfs -c|-u -k VER`, `dracut --force --kver VER PATH`). Backed up
 * first: every initrd in /boot (and all of /boot when a kernel is reinstalled).
 */
import type { Installation } from '../../devices/types.js';
import type { Finding, Plan, PlanAction, Touch } from '../types.js';
import type { InitramfsTool } from './facts.js';
import { KERNELS_FINDING, PLUGIN_ID, type KernelsData } from './finding.js';
import { fixableProblems } from '../findings.js';

export function rebuildArgv(tool: InitramfsTool, version: string, initrd: string, exists: boolean): string[] {
  if (tool === 'dracut') return ['dracut', '--force', '--kver', version, initrd];
  return ['update-initramfs', exists ? '-u' : '-c', '-k', version];
}

export function planInitramfs(findings: Finding[], _system: Installation): Plan {
  const facts = findings.find((f) => f.id === KERNELS_FINDING)?.data as KernelsData | undefined;
  const actions: PlanAction[] = [];
  const touches: Touch[] = [];
  const addressed: string[] = [];
  const blockers: string[] = [];
  const reinstalled = new Set<string>();
  const fixable = fixableProblems(findings);

  for (const f of findings) {
    if (f.state !== 'detected' || !f.id.startsWith('initramfs.kernel-') || f.fixable) continue;
    actions.push({ kind: 'note', text: `${f.title}: ${f.evidence[f.evidence.length - 1]}` });
  }
  for (const f of fixable.filter((x) => x.id.startsWith('initramfs.kernel-'))) {
    const { version, deb } = f.data as { version: string; deb: string };
    actions.push({ kind: 'run', argv: ['dpkg', '-i', deb], inChroot: true, why: `reinstall kernel ${version} from the installation's package cache` });
    reinstalled.add(version);
    addressed.push(f.id);
  }
  const initrds = fixable.filter((x) => x.id.startsWith('initramfs.initrd-'));
  // A reinstalled kernel's postinst builds its initrd: addressed, but not rebuilt a second time.
  for (const f of initrds) if (reinstalled.has((f.data as { version: string }).version)) addressed.push(f.id);
  const rebuilds = initrds.filter((f) => !reinstalled.has((f.data as { version: string }).version));
  if (rebuilds.length > 0 && !facts?.tool) {
    blockers.push('No initramfs tool (update-initramfs or dracut) is installed in the installation, so its initrds cannot be rebuilt with its own tools. Install initramfs-tools into it (e.g. once online: apt-get install initramfs-tools), then run the fix again.');
  }
  for (const f of rebuilds) {
    const { version, initrd, state } = f.data as { version: string; initrd: string; state: string };
    if (facts?.tool) actions.push({ kind: 'run', argv: rebuildArgv(facts.tool, version, initrd, state !== 'missing'), inChroot: true, why: `rebuild the ${state} initrd of ${version} (${initrd})` });
    addressed.push(f.id);
  }
  if (addressed.length > 0) {
    if (reinstalled.size > 0) {
      // dpkg writes the kernel, its config and System.map, the initrd, grub.cfg (its hook) and the /vmlinuz links.
      touches.push({ kind: 'path', path: '/boot' });
      for (const p of ['/vmlinuz', '/vmlinuz.old', '/initrd.img', '/initrd.img.old']) touches.push({ kind: 'path', path: p });
    } else {
      for (const k of facts?.kernels ?? []) touches.push({ kind: 'path', path: k.initrd });
    }
  }
  const n = addressed.length;
  return {
    pluginId: PLUGIN_ID,
    findings: addressed,
    summary: n === 0
      ? 'Nothing to rebuild'
      : [reinstalled.size ? `reinstall ${reinstalled.size} kernel(s) from the package cache` : '', rebuilds.length ? `rebuild ${rebuilds.length} initrd(s) with ${facts?.tool ?? 'the installation\'s tool'}` : ''].filter(Boolean).join(', then ').replace(/^./, (c) => c.toUpperCase()),
    actions,
    touches,
    needsChroot: actions.some((a) => a.kind === 'run'),
    choices: [],
    blockers,
  };
}
