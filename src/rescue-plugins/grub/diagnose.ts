/**
 * The grub plugin's diagnose step (read-only): boot sectors read from the installation's disk,
 * the GRUB directory, grub.cfg (grub-script-check, kernels, root=), the ESP's loaders, and the
 * installation's own GRUB tools (needed for any repair).
 */
import { open } from 'node:fs/promises';
import { freeBytes } from '../../core/free-space.js';
import type { Finding, PluginContext } from '../types.js';
import { asFirstaidError } from '../../core/errors.js';
import { analyseCoreHead, checkCoreBody, classifyBootCode } from '../../devices/boot-sectors.js';
import { checkCfg, firstExisting } from './cfg-diagnose.js';
import { bootloaderIdFrom, neededPlatforms, tool, type GrubPlanFacts } from './facts.js';
import { bad, blocker, failed, ok, skipped } from './finding.js';

/** Checks of a platform the installation does not boot with: reported as skipped, by title. */
const BIOS_CHECKS: [string, string][] = [['mbr-boot-code', 'GRUB boot code in the MBR'], ['core-image', 'GRUB core image'], ['modules-i386-pc', 'GRUB i386-pc modules']];
const UEFI_CHECKS: [string, string][] = [['modules-x86_64-efi', 'GRUB x86_64-efi modules'], ['esp-loader', 'EFI loader on the ESP']];

const SECTOR = 512;

/** Reads bytes from a block device or image (read-only open). */
export async function readDisk(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}


export async function gatherFacts(ctx: PluginContext): Promise<GrubPlanFacts> {
  const sys = ctx.system;
  const plats = neededPlatforms(sys);
  const flavour = sys.grub.flavour;
  const dir = sys.grub.dir ?? (flavour === 'grub2' ? '/boot/grub2' : '/boot/grub');
  const defaultGrub = await ctx.target.readTextIfExists('/etc/default/grub');
  // A GPT disk with i386-pc modules and GRUB's boot code in its MBR was set up for BIOS boot,
  // even though it has no bios_grub partition (the firmware judgement then says UEFI).
  if (!plats.bios && sys.disk.pttype === 'gpt' && !sys.biosGrub && sys.grub.platforms.includes('i386-pc')) {
    try {
      plats.bios = classifyBootCode(await readDisk(sys.disk.path, 0, SECTOR)).kind === 'grub';
    } catch { /* unreadable: checkBios is not run, nothing claimed */ }
  }
  return {
    flavour,
    dir,
    ...plats,
    defaultGrubExists: defaultGrub !== undefined,
    bootloaderId: bootloaderIdFrom(defaultGrub, sys.osRelease.ID),
    espMountpoint: sys.esp?.mountpoint ?? (plats.uefi ? '/boot/efi' : null),
  };
}

async function checkBios(ctx: PluginContext, facts: GrubPlanFacts): Promise<Finding[]> {
  const sys = ctx.system;
  const out: Finding[] = [];
  const disk = sys.disk.path;
  const gpt = sys.disk.pttype === 'gpt';
  const starts = sys.partitions.map((p) => p.start).filter((s): s is number => typeof s === 'number' && s > 0);
  const firstStart = starts.length ? Math.min(...starts) : null;

  let mbr: Buffer;
  try {
    mbr = await readDisk(disk, 0, SECTOR);
  } catch (err) {
    const e = asFirstaidError(err);
    return [failed('mbr-boot-code', 'MBR boot code', [`cannot read ${disk}: ${e.message}`])];
  }
  const code = classifyBootCode(mbr);
  out.push(code.kind === 'grub'
    ? ok('mbr-boot-code', `GRUB boot code in the MBR of ${disk}`, code.evidence)
    : bad('mbr-boot-code', code.kind === 'absent' ? `No boot code in the MBR of ${disk}` : `The MBR of ${disk} holds boot code that is not GRUB's`, code.evidence));

  // Where the core image must be: the post-MBR gap (msdos) or the bios_grub partition (GPT).
  let coreLba: number | null = null;
  let coreEnd: number | null = null;
  if (gpt) {
    if (!sys.biosGrub || sys.biosGrub.start === null) {
      out.push(blocker('gpt-bios-grub', `GPT disk ${disk} has no bios_grub partition for BIOS booting`, [
        `${disk} has a GPT partition table and the installation boots in BIOS mode`,
        'GRUB needs a small (1 MiB) partition of type bios_grub to hold its core image there; there is none',
        'firstaid does not repartition disks: create a 1 MiB bios_grub partition (e.g. parted: mkpart biosgrub 1MiB 2MiB; set N bios_grub on) in free space, or boot in UEFI mode',
      ]));
      out.push(skipped('core-image', 'GRUB core image', 'no bios_grub partition to hold it'));
    } else {
      out.push(ok('gpt-bios-grub', 'bios_grub partition present', [`${sys.biosGrub.device} (partition ${sys.biosGrub.partn}) holds the core image`]));
      coreLba = sys.biosGrub.start / SECTOR;
      coreEnd = coreLba + Math.floor(sys.biosGrub.size / SECTOR);
    }
  } else {
    out.push(skipped('gpt-bios-grub', 'bios_grub partition', `${disk} has a ${sys.disk.pttype === 'dos' ? 'DOS (MBR)' : sys.disk.pttype ?? 'unknown'} partition table: the core image lives in the post-MBR gap`));
    if (firstStart !== null && firstStart / SECTOR < 64) {
      out.push(blocker('core-image', `No room after the MBR of ${disk} for GRUB's core image`, [
        `the first partition starts at sector ${firstStart / SECTOR}; GRUB needs a gap of about 1 MiB`,
        'firstaid does not move partitions: make room with a partition editor, or boot in UEFI mode',
      ]));
    } else {
      coreLba = 1;
      coreEnd = firstStart !== null ? firstStart / SECTOR : 2048;
    }
  }
  if (coreLba !== null && coreEnd !== null) {
    try {
      const head = analyseCoreHead(await readDisk(disk, coreLba * SECTOR, SECTOR), coreLba);
      const evidence = [...head.evidence];
      let good = head.ok;
      if (good) {
        const blocks = [];
        for (const entry of head.blocks) {
          if (entry.start < coreLba || entry.start + entry.length > coreEnd) {
            good = false;
            evidence.push(`the block list names sectors ${entry.start}-${entry.start + entry.length - 1}, outside ${gpt ? 'the bios_grub partition' : 'the post-MBR gap'}`);
            break;
          }
          blocks.push({ entry, data: await readDisk(disk, entry.start * SECTOR, entry.length * SECTOR) });
        }
        if (good) {
          const body = checkCoreBody(blocks);
          good = body.ok;
          evidence.push(...body.evidence);
        }
      }
      if (code.kind === 'grub' && code.kernelSector !== null && code.kernelSector !== coreLba) {
        good = false;
        evidence.push(`the MBR boot code loads sector ${code.kernelSector}, but the core image belongs at sector ${coreLba}`);
      }
      out.push(good ? ok('core-image', 'GRUB core image present', evidence) : bad('core-image', `GRUB's core image on ${disk} is missing or damaged`, evidence));
    } catch (err) {
      out.push(failed('core-image', 'GRUB core image', [`cannot read ${disk}: ${asFirstaidError(err).message}`]));
    }
  }
  out.push(await checkModules(ctx, facts, 'i386-pc'));
  return out;
}

async function checkModules(ctx: PluginContext, facts: GrubPlanFacts, platform: 'i386-pc' | 'x86_64-efi'): Promise<Finding> {
  const dir = `${facts.dir}/${platform}`;
  const id = `modules-${platform}`;
  if (!(await ctx.target.exists(dir))) return bad(id, `GRUB's ${platform} module directory ${dir} is missing`, [`${dir} does not exist: GRUB stops at "grub rescue>"`]);
  const names = await ctx.target.readdir(dir);
  const mods = names.filter((n) => n.endsWith('.mod'));
  const missing = ['normal.mod', 'linux.mod', 'part_msdos.mod', 'part_gpt.mod', 'ext2.mod'].filter((m) => !names.includes(m));
  if (missing.length) return bad(id, `GRUB's ${platform} modules are incomplete`, [`${dir} has ${mods.length} modules; missing: ${missing.join(', ')}`]);
  return ok(id, `GRUB ${platform} modules present`, [`${dir}: ${mods.length} modules`]);
}

async function checkUefi(ctx: PluginContext, facts: GrubPlanFacts): Promise<Finding[]> {
  const out: Finding[] = [await checkModules(ctx, facts, 'x86_64-efi')];
  let esp;
  try {
    esp = await ctx.esp();
  } catch (err) {
    const e = asFirstaidError(err);
    const part = ctx.system.esp;
    if (e.code === 'esp-unreadable' && part && !part.fstype) {
      // No filesystem at all (wiped or never made): a new FAT with the volume id fstab names.
      const spec = ctx.system.fstab.find((l) => l.file === part.mountpoint)?.spec ?? '';
      const m = /^UUID=([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})$/.exec(spec);
      const volumeId = m ? `${m[1]}${m[2]}`.toUpperCase() : null;
      out.push(bad('esp-filesystem', `The EFI system partition ${part.device} holds no filesystem`, [
        `${part.device} (${fmt(part.size)}) has no filesystem signature: it was wiped or never formatted`,
        volumeId ? `fstab names it as ${spec}: the new FAT gets that volume id` : 'fstab names no UUID for it: the new FAT gets a new volume id',
      ], 'error', { volumeId }));
      out.push(skipped('esp-loader', 'EFI loader on the ESP', 'the ESP has no filesystem'));
      return out;
    }
    out.push(failed('esp-loader', 'EFI loader on the ESP', [`cannot read the ESP: ${e.message}`, e.hint]));
    return out;
  }
  if (!esp) {
    out.push(blocker('esp-loader', 'The installation boots in UEFI mode but has no EFI system partition', [
      'no ESP was found on the disk or in fstab',
      'create and format an ESP (vfat, type EFI System) and add it to fstab, then run the fix again',
    ]));
    return out;
  }
  try {
    const files = (await esp.exists('/EFI')) ? await esp.listFiles('/EFI') : [];
    const lower = new Map(files.map((f) => [f.toLowerCase(), f]));
    const fallback = lower.get('/efi/boot/bootx64.efi');
    const vendor = files.filter((f) => /^\/efi\/[^/]+\/(grubx64|shimx64)\.efi$/i.test(f) && !/^\/efi\/boot\//i.test(f));
    const evidence = [`ESP ${esp.device} (read with ${esp.method})`];
    const usable: string[] = [];
    for (const f of [...(fallback ? [fallback] : []), ...vendor]) {
      const head = (await esp.readFile(f)).subarray(0, 2).toString('latin1');
      if (head === 'MZ') usable.push(f);
      else evidence.push(`${f} is not an EFI executable (damaged)`);
    }
    evidence.push(fallback ? `fallback loader ${fallback} present` : 'fallback loader /EFI/BOOT/BOOTX64.EFI missing');
    evidence.push(vendor.length ? `vendor loaders: ${vendor.join(', ')}` : 'no vendor loader (EFI/<distribution>/grubx64.efi)');
    if (usable.length === 0) out.push(bad('esp-loader', `The ESP ${esp.device} has no usable EFI loader`, evidence));
    else {
      if (!fallback) evidence.push('without the fallback loader the firmware needs an NVRAM boot entry for the vendor loader');
      out.push(ok('esp-loader', 'EFI loader on the ESP', evidence));
    }
  } catch (err) {
    const e = asFirstaidError(err);
    out.push(failed('esp-loader', 'EFI loader on the ESP', [`cannot read the ESP ${esp.device}: ${e.message}`]));
  }
  return out;
}

/** The installation's own GRUB tools: a repair runs them in the chroot. */
async function checkTools(ctx: PluginContext, facts: GrubPlanFacts, need: { install: boolean; mkconfig: boolean }): Promise<Finding> {
  const missing: string[] = [];
  const install = tool(facts.flavour, 'install');
  const mk = tool(facts.flavour, 'mkconfig');
  if (!(await firstExisting(ctx, [`/usr/sbin/${install}`, `/usr/bin/${install}`, `/sbin/${install}`]))) missing.push(`/usr/sbin/${install}`);
  if (!(await firstExisting(ctx, [`/usr/sbin/${mk}`, `/usr/bin/${mk}`, `/sbin/${mk}`]))) missing.push(`/usr/sbin/${mk}`);
  const lib = facts.flavour === 'grub2' ? ['/usr/lib/grub', '/usr/lib/grub2'] : ['/usr/lib/grub'];
  const pkgs: string[] = [];
  if (facts.bios && !(await firstExisting(ctx, lib.map((l) => `${l}/i386-pc`)))) { missing.push(`${lib[0]}/i386-pc`); pkgs.push(facts.flavour === 'grub2' ? 'grub2-pc-modules' : 'grub-pc-bin'); }
  if (facts.uefi && !(await firstExisting(ctx, lib.map((l) => `${l}/x86_64-efi`)))) { missing.push(`${lib[0]}/x86_64-efi`); pkgs.push(facts.flavour === 'grub2' ? 'grub2-efi-x64-modules' : 'grub-efi-amd64-bin'); }
  const data = facts as unknown as Record<string, unknown>;
  if (missing.length === 0) return ok('tools', 'The installation has its GRUB tools', [`${install}, ${mk} and the platform files are installed`], data);
  const base = facts.flavour === 'grub2' ? 'grub2-tools' : facts.bios ? 'grub-pc' : 'grub-efi-amd64';
  const evidence = [
    `the installation has no ${missing.join(', ')}`,
    `install the packages ${[base, ...pkgs].join(', ')} inside the installation (chroot), then run the fix again`,
  ];
  const neededMissing = missing.filter((m) => (m.endsWith(mk) ? need.mkconfig : need.install));
  if (neededMissing.length === 0) return { ...ok('tools', 'The installation lacks GRUB tools (only needed for a repair)', evidence, data) };
  return { ...blocker('tools', `The installation has no ${neededMissing.map((m) => m.split('/').pop()).join(', ')} (package ${[base, ...pkgs].join(' / ')}): GRUB cannot be reinstalled`, evidence), data };
}

async function treeBytes(ctx: PluginContext, dir: string, depth = 0): Promise<number> {
  let n = 0;
  for (const e of await ctx.target.readdirTypes(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory() && depth < 4) n += await treeBytes(ctx, p, depth + 1);
    else if (e.isFile()) n += (await ctx.target.stat(p)).size;
  }
  return n;
}

const MiB = 1024 * 1024;
const fmt = (b: number): string => `${(b / MiB).toFixed(1)} MiB`;

/** A repair writes new modules and a new grub.cfg next to the old ones: there must be room first. */
async function checkSpace(ctx: PluginContext, facts: GrubPlanFacts, need: { install: string[]; mkconfig: boolean }): Promise<Finding> {
  const title = `Free space for GRUB's files`;
  if (!need.mkconfig && need.install.length === 0) return skipped('space', title, 'nothing to write');
  try {
    let dir = facts.dir;
    while (dir !== '/' && !(await ctx.target.exists(dir))) dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
    const free = await freeBytes(await ctx.target.resolve(dir));
    const cfg = (await ctx.target.exists(`${facts.dir}/grub.cfg`)) ? (await ctx.target.stat(`${facts.dir}/grub.cfg`)).size : 16 * 1024;
    let needed = 2 * cfg + MiB;
    for (const plat of need.install) {
      const lib = (await ctx.target.exists(`/usr/lib/grub/${plat}`)) ? `/usr/lib/grub/${plat}` : `/usr/lib/grub2/${plat}`;
      needed += (await ctx.target.exists(lib)) ? await treeBytes(ctx, lib) : 8 * MiB;
    }
    const evidence = [`${fmt(free)} free on the filesystem holding ${facts.dir}; the repair writes about ${fmt(needed)}`];
    if (free >= needed) return ok('space', title, evidence);
    return blocker('space', `Not enough free space for GRUB's files (${fmt(free)} free, about ${fmt(needed)} needed)`, [
      ...evidence,
      `free some space on the installation's filesystem holding ${facts.dir} (old kernels, /var/cache/apt/archives, logs), then run the fix again`,
    ]);
  } catch (err) {
    return failed('space', title, [`cannot tell the free space: ${asFirstaidError(err).message}`]);
  }
}

export async function diagnoseGrub(ctx: PluginContext): Promise<Finding[]> {
  const facts = await gatherFacts(ctx);
  const found: Finding[] = [];
  ctx.progress('checking the MBR and core image');
  if (facts.bios) found.push(...await checkBios(ctx, facts));
  else for (const [id, title] of BIOS_CHECKS) found.push(skipped(id, title, 'the installation does not boot in BIOS mode'));
  ctx.progress('checking the ESP');
  if (facts.uefi) found.push(...await checkUefi(ctx, facts));
  else for (const [id, title] of UEFI_CHECKS) found.push(skipped(id, title, 'the installation does not boot in UEFI mode'));
  ctx.progress('checking grub.cfg');
  found.push(...await checkCfg(ctx, facts));
  const fixable = found.filter((f) => f.state === 'detected' && f.fixable);
  const install = fixable.some((f) => !f.id.startsWith('grub.cfg'));
  const platforms = [
    ...(fixable.some((f) => ['grub.mbr-boot-code', 'grub.core-image', 'grub.modules-i386-pc'].includes(f.id)) ? ['i386-pc'] : []),
    ...(fixable.some((f) => ['grub.esp-loader', 'grub.modules-x86_64-efi'].includes(f.id)) ? ['x86_64-efi'] : []),
  ];
  return [
    await checkTools(ctx, facts, { install, mkconfig: fixable.length > 0 }),
    ...found,
    await checkSpace(ctx, facts, { install: platforms, mkconfig: fixable.length > 0 }),
  ];
}
