/**
 * Carries out a grub plan inside the chroot. For UEFI, grub-install insists that
 * --efi-directory is a FAT mount; so GRUB installs into a scratch FAT image (kernel vfat, or
 * fusefat where the kernel has none) and the resulting EFI/ tree is copied onto the real ESP
 * through EspAccess. The real ESP is never written through fusefat (it mangles 8.3 names).
 */
import { join } from 'node:path';
import type { ChrootEnv, Plan, PluginContext } from '../types.js';
import { FirstaidError } from '../../core/errors.js';
import { runPlanActions } from '../run-actions.js';

const INSTALL_TIMEOUT = 10 * 60 * 1000;

function progressLines(ctx: PluginContext): (line: string) => void {
  return (line) => ctx.progress(line.slice(0, 120));
}

async function installEfi(argv: string[], espDirArg: string, chroot: ChrootEnv, ctx: PluginContext): Promise<void> {
  const { runner } = ctx;
  if (runner.dryRun) {
    await chroot.run(argv[0]!, argv.slice(1));
    return;
  }
  const esp = await ctx.esp();
  if (!esp) throw new FirstaidError('no-esp', 'The installation has no EFI system partition to install GRUB onto.', 'Create and format an ESP (vfat, type EFI System), add it to fstab, then run the fix again.');
  if (!(await ctx.target.exists(espDirArg))) await ctx.target.mkdirp(espDirArg);
  const scratch = await ctx.scratchFat({ mountpoint: espDirArg, method: esp.method === 'kernel' ? 'kernel' : 'fuse' });
  try {
    ctx.progress('installing GRUB for UEFI');
    await chroot.run(argv[0]!, argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, onLine: progressLines(ctx), signal: ctx.signal });
    ctx.progress(`copying the EFI files onto the ESP ${esp.device}`);
    await esp.copyTreeIn(join(scratch.mountpoint, 'EFI'), '/EFI');
  } finally {
    await scratch.release().catch((err: unknown) => ctx.log.warn(`grub: cleanup after the EFI install failed: ${(err as Error).message}`));
  }
}

export async function applyGrub(plan: Plan, ctx: PluginContext): Promise<void> {
  const blocked = { code: 'grub-blocked', prefix: 'GRUB cannot be repaired automatically: ', hint: 'Resolve the problem described, then run the fix again.' };
  await runPlanActions(plan, ctx, blocked, async (a, chroot) => {
    if (a.bootloader?.platform === 'x86_64-efi') await installEfi(a.argv, a.bootloader.espDir, chroot, ctx);
    else if (a.inChroot) await chroot.run(a.argv[0]!, a.argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, onLine: progressLines(ctx), signal: ctx.signal });
    else await ctx.runner.run(a.argv[0]!, a.argv.slice(1), { timeoutMs: INSTALL_TIMEOUT, signal: ctx.signal });
  });
}
