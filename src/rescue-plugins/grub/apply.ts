/**
 * Carries out a grub plan inside the chroot. For UEFI, grub-install insists that
 * --efi-directory is a FAT mount; so GRUB installs into a scratch FAT image (kernel vfat, or
 * fusefat where the kernel has none) and the resulting EFI/ tree is copied onto the real ESP
 * through EspAccess. The real ESP is never written through fusefat (it mangles 8.3 names).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChrootEnv, Plan, PluginContext } from '../types.js';
import { FirstaidError } from '../../core/errors.js';
import { runtimeDir } from '../../core/paths.js';

const INSTALL_TIMEOUT = 10 * 60 * 1000;

function progressLines(ctx: PluginContext): (line: string) => void {
  return (line) => ctx.progress(line.slice(0, 120));
}

async function installEfi(argv: string[], chroot: ChrootEnv, ctx: PluginContext): Promise<void> {
  const { runner } = ctx;
  const espDirArg = argv.find((a) => a.startsWith('--efi-directory='))?.slice('--efi-directory='.length) ?? '/boot/efi';
  if (runner.dryRun) {
    await chroot.run(argv[0]!, argv.slice(1));
    return;
  }
  const esp = await ctx.esp();
  if (!esp) throw new FirstaidError('no-esp', 'The installation has no EFI system partition to install GRUB onto.', 'Create and format an ESP (vfat, type EFI System), add it to fstab, then run the fix again.');
  if (!(await ctx.target.exists(espDirArg))) await ctx.target.mkdirp(espDirArg);
  const mountpoint = await ctx.target.resolve(espDirArg);
  const work = await mkdtemp(join(runtimeDir(), 'grub-efi-'));
  const undo: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  try {
    const img = join(work, 'scratch-esp.img');
    await runner.run('truncate', ['-s', '40M', img]);
    await runner.run('mkfs.vfat', ['-F', '32', '-n', 'SCRATCH', img]);
    const loop = (await runner.run('losetup', ['-f', '--show', img])).stdout.trim();
    if (!/^\/dev\/loop\d+$/.test(loop)) throw new FirstaidError('loop-failed', `losetup gave no loop device for the scratch ESP ("${loop}").`, 'Free a loop device (losetup -a lists them) and try again.');
    undo.push(() => runner.run('losetup', ['-d', loop], { allowFailure: true }));
    // grub-probe must be able to see the scratch device inside the chroot.
    await runner.run('cp', ['-a', loop, join(chroot.root, 'dev') + '/']);
    undo.push(() => rm(join(chroot.root, loop), { force: true }));
    if (esp.method === 'kernel') await runner.run('mount', ['-t', 'vfat', loop, mountpoint]);
    else await runner.run('fusefat', ['-o', `rw+,fsname=${loop}`, loop, mountpoint]);
    undo.push(async () => {
      const r = await runner.run('umount', [mountpoint], { allowFailure: true });
      if (r.exitCode !== 0) await runner.run('umount', ['-l', mountpoint], { allowFailure: true });
    });
    ctx.progress('installing GRUB for UEFI');
    await chroot.run(argv[0]!, argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, onLine: progressLines(ctx), signal: ctx.signal });
    ctx.progress(`copying the EFI files onto the ESP ${esp.device}`);
    await esp.copyTreeIn(join(mountpoint, 'EFI'), '/EFI');
  } finally {
    for (const u of undo.reverse()) {
      try { await u(); } catch (err) { ctx.log.warn(`grub: cleanup after the EFI install failed: ${(err as Error).message}`); }
    }
  }
}

export async function applyGrub(plan: Plan, ctx: PluginContext): Promise<void> {
  if (plan.blockers.length) throw new FirstaidError('grub-blocked', `GRUB cannot be repaired automatically: ${plan.blockers[0]}`, 'Resolve the problem described, then run the fix again.');
  const runs = plan.actions.filter((a) => a.kind === 'run');
  if (runs.length === 0) return;
  const chroot = await ctx.chroot();
  for (const a of runs) {
    if (a.kind !== 'run') continue;
    ctx.progress(a.why);
    if (a.argv.includes('--target=x86_64-efi')) await installEfi(a.argv, chroot, ctx);
    else if (a.inChroot) await chroot.run(a.argv[0]!, a.argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, onLine: progressLines(ctx), signal: ctx.signal });
    else await ctx.runner.run(a.argv[0]!, a.argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, signal: ctx.signal });
  }
}
