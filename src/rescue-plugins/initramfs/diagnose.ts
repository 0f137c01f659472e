/**
 * Read-only: the installed kernels, the initramfs tool, and every kernel's initrd checked
 * (check.ts). A kernel with modules or a package but no image in /boot is reported with the
 * package to reinstall: from the installation's own package cache when the .deb is there.
 */
import type { Finding, PluginContext } from '../types.js';
import { checkInitrdBytes } from './check.js';
import { kernelFacts, TOOL_PATHS, type InitramfsTool } from './facts.js';
import { finding, initrdFindingId, kernelFindingId, KERNELS_FINDING, TOOL_FINDING, type KernelsData } from './finding.js';

async function names(ctx: PluginContext, dir: string): Promise<string[]> {
  try {
    return await ctx.target.readdir(dir);
  } catch {
    return [];
  }
}

async function findTool(ctx: PluginContext): Promise<InitramfsTool | null> {
  for (const [tool, path] of TOOL_PATHS) if (await ctx.target.exists(path)) return tool;
  return null;
}

/** /lib/modules/VER directories that hold a kernel's modules (not leftovers of a removed one). */
async function moduleDirs(ctx: PluginContext): Promise<string[]> {
  const out: string[] = [];
  for (const v of await names(ctx, '/lib/modules')) if (await ctx.target.exists(`/lib/modules/${v}/kernel`)) out.push(v);
  return out;
}

export function onlineCommand(pkg: string | null, version: string, dpkg: boolean): string {
  if (!dpkg) return `dnf reinstall kernel-core-${version} (or the distribution's equivalent)`;
  return `apt-get install --reinstall ${pkg ?? `linux-image-${version}`}`;
}

export async function diagnoseInitramfs(ctx: PluginContext): Promise<Finding[]> {
  ctx.progress('listing kernels and initrds in /boot');
  const bootNames = await names(ctx, '/boot');
  const tool = await findTool(ctx);
  const dpkgStatus = (await ctx.target.readTextIfExists('/var/lib/dpkg/status')) ?? null;
  const kernels = kernelFacts({ bootNames, moduleDirs: await moduleDirs(ctx), dpkgStatus, archiveNames: await names(ctx, '/var/cache/apt/archives'), tool });
  const data: KernelsData = { tool, kernels, dpkg: dpkgStatus !== null };
  const out: Finding[] = [
    finding(KERNELS_FINDING, `${kernels.length} installed kernel(s)${kernels.length ? `: ${kernels.map((k) => k.version).join(', ')}` : ''}`, 'checked', 'info', kernels.map((k) => `${k.version}: ${k.hasImage ? `/boot/vmlinuz-${k.version}` : 'no image in /boot'}, initrd ${k.initrd}${k.pkg ? `, package ${k.pkg}` : ''}`), false, data as unknown as Record<string, unknown>),
  ];
  let bad = 0;
  for (const k of kernels) {
    if (!k.hasImage) {
      const evidence = [`/boot/vmlinuz-${k.version} does not exist, but the kernel is installed (${k.pkg ? `package ${k.pkg}` : `/lib/modules/${k.version}`}).`];
      if (k.cachedDeb) {
        evidence.push(`The installation's package cache has ${k.cachedDeb}: it is reinstalled from there (no network needed).`);
        out.push(finding(kernelFindingId(k.version), `Kernel ${k.version} is missing from /boot`, 'detected', 'blocker', evidence, true, { version: k.version, deb: k.cachedDeb }));
      } else {
        evidence.push(`No package for it in /var/cache/apt/archives. Once the machine is online, run in it: ${onlineCommand(k.pkg, k.version, data.dpkg)}`);
        out.push(finding(kernelFindingId(k.version), `Kernel ${k.version} is missing from /boot`, 'detected', 'blocker', evidence, false, { version: k.version }));
      }
      continue;
    }
    ctx.progress(`checking ${k.initrd}`);
    let bytes: Buffer | null = null;
    try {
      bytes = await ctx.target.readBytes(k.initrd);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const st = await checkInitrdBytes(bytes, ctx.runner);
    const id = initrdFindingId(k.version);
    if (st.state === 'ok') {
      out.push(finding(id, `Initrd of ${k.version} is valid`, 'checked', 'info', [`${k.initrd}: ${st.detail}`]));
    } else if (st.state === 'unknown') {
      out.push(finding(id, `Initrd of ${k.version} could not be checked`, 'error', 'warning', [`${k.initrd}: ${st.detail}`, 'Install the decompressor on the live system (e.g. apt-get install zstd xz-utils) and diagnose again.'], false));
    } else {
      bad++;
      out.push(finding(id, `Initrd of ${k.version} is ${st.state === 'invalid' ? 'damaged' : st.state}`, 'detected', 'blocker', [`${k.initrd}: ${st.detail}`, 'Without a valid initrd this kernel cannot mount the root filesystem (kernel panic or initramfs shell).'], true, { version: k.version, initrd: k.initrd, state: st.state }));
    }
  }
  if (tool) out.push(finding(TOOL_FINDING, `Initramfs tool: ${tool}`, 'checked', 'info', [`The installation builds its initrds with ${tool}.`]));
  else if (bad > 0) out.push(finding(TOOL_FINDING, 'No initramfs tool in the installation', 'detected', 'blocker', ['Neither update-initramfs (initramfs-tools) nor dracut is installed in it, so no initrd can be built with its own tools.', 'Install initramfs-tools (or dracut) into it, e.g. once online: apt-get install initramfs-tools; then run the fix again.'], false));
  else out.push(finding(TOOL_FINDING, 'No initramfs tool in the installation', 'skipped', 'info', ['Neither update-initramfs nor dracut is installed; nothing needs one now.'], false));
  return out;
}
