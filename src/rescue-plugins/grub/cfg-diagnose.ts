/**
 * The grub plugin's grub.cfg checks (read-only): grub-script-check, the entries against /boot
 * (kernels, initrds, an entry without the initrd /boot has for its kernel) and root= against the
 * root filesystem. Each problem is repaired by regenerating grub.cfg with the installation's own
 * grub-mkconfig; verify runs these checks again on the new file.
 */
import type { Finding, PluginContext } from '../types.js';
import { parseBlsEntry, parseGrubCfg, rootMatches, usesBls } from './cfg.js';
import { checkAgainstBoot, pathsToLookUp } from './cfg-check.js';
import { tool, type GrubPlanFacts } from './facts.js';
import { bad, blocker, failed, ok, skipped } from './finding.js';

export async function firstExisting(ctx: PluginContext, paths: string[]): Promise<string | null> {
  for (const p of paths) if (await ctx.target.exists(p)) return p;
  return null;
}

async function scriptCheck(ctx: PluginContext, facts: GrubPlanFacts, cfgHost: string): Promise<{ ok: boolean; lines: string[] } | null> {
  // The live system's own checker when it has one, else the installation's through chroot (read-only use).
  const names = [tool(facts.flavour, 'script-check'), tool(facts.flavour === 'grub' ? 'grub2' : 'grub', 'script-check')];
  for (const n of names) {
    if (await ctx.runner.has(n)) {
      const r = await ctx.runner.run(n, [cfgHost], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
      return { ok: r.exitCode === 0, lines: `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean).slice(-5) };
    }
  }
  for (const n of names) {
    const inTarget = await firstExisting(ctx, [`/usr/bin/${n}`, `/usr/sbin/${n}`, `/bin/${n}`]);
    if (inTarget) {
      const cfg = cfgHost.slice(ctx.target.root.length) || '/';
      const r = await ctx.runner.run('chroot', [ctx.target.root, inTarget, cfg], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
      return { ok: r.exitCode === 0, lines: `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean).slice(-5) };
    }
  }
  return null;
}

export async function checkCfg(ctx: PluginContext, facts: GrubPlanFacts): Promise<Finding[]> {
  const sys = ctx.system;
  const cfgPath = `${facts.dir}/grub.cfg`;
  const text = await ctx.target.readTextIfExists(cfgPath);
  if (text === undefined) {
    return [
      bad('cfg', `${cfgPath} is missing`, [`${cfgPath} does not exist: GRUB stops at its "grub>" prompt`]),
      skipped('cfg-kernels', 'Kernels named in grub.cfg', 'no grub.cfg'),
      skipped('cfg-initrd', 'Initrds in grub.cfg', 'no grub.cfg'),
      skipped('cfg-root', 'root= in grub.cfg', 'no grub.cfg'),
    ];
  }
  const out: Finding[] = [];
  const check = await scriptCheck(ctx, facts, await ctx.target.resolve(cfgPath));
  if (check === null) out.push(failed('cfg', `${cfgPath} syntax`, ['neither this system nor the installation has grub-script-check', 'install grub-common (or grub2-tools) on the live system']));
  else if (!check.ok) out.push(bad('cfg', `${cfgPath} has a syntax error`, [`grub-script-check rejects ${cfgPath}`, ...check.lines]));
  const cfg = parseGrubCfg(text);
  if (usesBls(text) && (await ctx.target.exists('/boot/loader/entries'))) {
    // Fedora-style: the entries live in /boot/loader/entries/*.conf, not in grub.cfg.
    for (const name of (await ctx.target.readdir('/boot/loader/entries')).filter((n) => n.endsWith('.conf')).sort()) {
      const body = await ctx.target.readTextIfExists(`/boot/loader/entries/${name}`);
      if (body !== undefined) cfg.entries.push(parseBlsEntry(body, name));
    }
  }
  const withKernel = cfg.entries.filter((e) => e.kernel);
  if (check?.ok) {
    out.push(withKernel.length
      ? ok('cfg', `${cfgPath} is valid`, [`grub-script-check accepts ${cfgPath}`, `${cfg.entries.length} menu entries`])
      : bad('cfg', `${cfgPath} boots no kernel`, [`${cfgPath} has no menu entry with a "linux" line`]));
  }
  const separateBoot = sys.boot !== null;
  // Every path an entry names or may need, looked up once; the comparison itself is pure.
  const there = new Set<string>();
  for (const p of pathsToLookUp(withKernel, separateBoot)) if (await ctx.target.exists(p)) there.add(p);
  const vsBoot = checkAgainstBoot(withKernel, separateBoot, (p) => there.has(p));
  if (sys.kernels.length === 0) {
    out.push(blocker('cfg-kernels', 'The installation has no kernel in /boot', ['no /boot/vmlinuz-* found', 'reinstall a kernel package (apt-get install linux-image-amd64 in a chroot), then run the fix again']));
  } else if (vsBoot.missing.length) {
    out.push(bad('cfg-kernels', `grub.cfg names ${vsBoot.missing.length} file(s) that do not exist`, [...vsBoot.missing.map((m) => `missing: ${m}`), `installed kernels: ${sys.kernels.join(', ')}`, 'grub.cfg will be regenerated with the installation\'s own grub-mkconfig (backed up first)']));
  } else {
    out.push(withKernel.length ? ok('cfg-kernels', 'Kernels named in grub.cfg exist', vsBoot.present.map((p) => `present: ${p}`)) : skipped('cfg-kernels', 'Kernels named in grub.cfg', 'grub.cfg names no kernel'));
  }
  if (vsBoot.withoutInitrd.length) {
    out.push(bad('cfg-initrd', `${vsBoot.withoutInitrd.length} grub.cfg entr${vsBoot.withoutInitrd.length > 1 ? 'ies boot' : 'y boots'} a kernel without its initrd`, [
      ...vsBoot.withoutInitrd.map((e) => `"${e.title}": ${e.kernel} has no initrd line, but ${e.initrd} exists`),
      'without it the kernel cannot find the root filesystem and panics',
      'grub.cfg will be regenerated with the installation\'s own grub-mkconfig (backed up first)',
    ]));
  } else if (withKernel.length) {
    out.push(ok('cfg-initrd', 'Every grub.cfg entry loads the initrd /boot has for its kernel', []));
  } else out.push(skipped('cfg-initrd', 'Initrds in grub.cfg', 'grub.cfg names no kernel'));
  const wrong: string[] = [];
  const unknown: string[] = [];
  for (const e of withKernel) {
    if (!e.root) continue;
    const m = rootMatches(e.root, sys.root);
    if (m === false) wrong.push(`"${e.title}": root=${e.root}`);
    else if (m === null) unknown.push(`"${e.title}": root=${e.root} (a device name; cannot be checked from here)`);
  }
  const rootId = `root filesystem: ${sys.root.device} UUID=${sys.root.uuid ?? '?'}`;
  if (wrong.length) out.push(bad('cfg-root', 'root= in grub.cfg does not name the root filesystem', [...wrong, rootId]));
  else if (withKernel.length) out.push(ok('cfg-root', 'root= in grub.cfg names the root filesystem', [rootId, ...unknown]));
  else out.push(skipped('cfg-root', 'root= in grub.cfg', 'grub.cfg names no kernel'));
  return out;
}

