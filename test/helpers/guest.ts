/**
 * The rescue CD booted in QEMU (TCG) with a disk attached: scripts/make-rescue-iso.sh builds
 * dist/firstaid-rescue.iso (its system cached in /var/cache/firstaid-test, the executable
 * added each time); a small FAT disk labelled FAAUTORUN carries autorun.sh, which the CD runs
 * once booted (its output on the serial console), then the guest powers off. What the script
 * writes under /run/autorun/out/ (the same disk, remounted read-write) is read back with mtools.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildExecutable, REPO } from './sea.js';
import { TESTBED } from './images.js';

const pexec = promisify(execFile);
export const ISO = join(REPO, 'dist', 'firstaid-rescue.iso');
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

// scripts/run-tests.mjs builds it once before the test lanes run side by side (FIRSTAID_PREBUILT).
let iso: string | undefined = process.env.FIRSTAID_PREBUILT === '1' && existsSync(ISO) ? ISO : undefined;
/** The rescue CD with the executable of this checkout (built once per process). */
export function rescueIso(): string {
  if (!iso) {
    buildExecutable();
    execFileSync(join(REPO, 'scripts', 'make-rescue-iso.sh'), ['-o', ISO], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    iso = ISO;
  }
  return iso;
}

export interface Guest {
  dir: string;
  /** The config disk (FAT, FAAUTORUN). */
  config: string;
  /** The copy of OVMF's variable store the guest ran with (UEFI only). */
  vars?: string;
  dispose(): void;
  /** After a failure: the config disk (the script's outputs) and variable store kept under logs/. */
  keep(): void;
}

/** A guest's working folder with its config disk holding `script` as autorun.sh. */
export function makeGuest(script: string, firmware: 'bios' | 'uefi'): Guest {
  mkdirSync(TESTBED, { recursive: true });
  const dir = mkdtempSync(join(TESTBED, 'guest-'));
  const config = join(dir, 'config.img');
  execFileSync('truncate', ['-s', '16M', config]);
  execFileSync('mkfs.vfat', ['-n', 'FAAUTORUN', config], { stdio: 'ignore' });
  // set -x: each step on the serial console, so a slow or stuck step shows in its log.
  writeFileSync(join(dir, 'autorun.sh'), `set -x\nmount -o remount,rw /run/autorun\nmkdir -p /run/autorun/out\n${script}\n`);
  execFileSync('mcopy', ['-i', config, join(dir, 'autorun.sh'), '::/autorun.sh'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  let vars: string | undefined;
  if (firmware === 'uefi') {
    vars = join(dir, 'vars.fd');
    copyFileSync(OVMF_VARS, vars);
  }
  return { dir, config, vars, dispose: () => rmSync(dir, { recursive: true, force: true }), keep: () => keepGuest(dir) };
}

function keepGuest(dir: string): void {
  const to = join(TESTBED, 'logs', `rescue-guest.${new Date().toISOString().replace(/[:.]/g, '')}`);
  mkdirSync(to, { recursive: true });
  for (const f of ['config.img', 'vars.fd', 'autorun.sh']) {
    try {
      copyFileSync(join(dir, f), join(to, f));
    } catch {
      // absent (vars.fd under BIOS)
    }
  }
  console.log(`# the guest's config disk and variable store are kept in ${to}`);
}

/** Puts a host file on the config disk, where the script finds it as /run/autorun/NAME. */
export function putGuestFile(g: Guest, host: string, name: string): void {
  execFileSync('mcopy', ['-o', '-i', g.config, host, `::/${name}`], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
}

/** A file the autorun script wrote to /run/autorun/out/NAME. */
export function guestFile(g: Guest, name: string): string {
  const to = join(g.dir, `out-${name}`);
  execFileSync('mcopy', ['-o', '-i', g.config, `::/out/${name}`, to], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  return readFileSync(to, 'utf8');
}

export interface GuestRun {
  /** The serial console, escapes and CRs removed. */
  serial: string;
  seconds: number;
  /** The guest powered off by itself (not killed at the time limit). */
  poweredOff: boolean;
}

/** A further CD drive of the guest (/dev/sr1, /dev/sr2, ... in the order given). */
export interface ExtraCd {
  file: string;
  /** 2048-byte blocks whose every read fails with EIO (QEMU's blkdebug under the drive). */
  unreadable?: number[];
}

/** QEMU arguments for the extra CD drives, after the boot CD (SCSI target 0). */
function extraCdArgs(g: Guest, cds: ExtraCd[]): string[] {
  return cds.flatMap((cd, i) => {
    const id = `cd${i + 1}`;
    let file = cd.file;
    if (cd.unreadable?.length) {
      // blkdebug counts 512-byte sectors; raw-format's read events arm the rules (so format=raw on top).
      const rules = join(g.dir, `${id}.blkdebug`);
      writeFileSync(rules, cd.unreadable.map((b) => `[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "${b * 4}"\nonce = "off"\n`).join('\n'));
      file = `blkdebug:${rules}:${cd.file}`;
    }
    return ['-drive', `file=${file},format=raw,if=none,id=${id},readonly=on,media=cdrom`, '-device', `scsi-cd,drive=${id},bus=scsi0.0,scsi-id=${i + 1},lun=0`];
  });
}

/** One QEMU human-monitor command on the guest's monitor socket; its output. */
function monitorCommand(sock: string, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(sock);
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => { c.destroy(); reject(new Error(`monitor: no answer to ${cmd}`)); }, 30_000);
    c.on('error', (e) => { clearTimeout(timer); reject(e); });
    c.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!sent && buf.includes('(qemu) ')) {
        sent = true;
        buf = '';
        c.write(`${cmd}\n`);
      } else if (sent && buf.includes('(qemu) ')) {
        clearTimeout(timer);
        c.end();
        resolve(buf.replace(/\(qemu\) $/, ''));
      }
    });
  });
}

/** Something the host does while the guest runs, when the guest prints `marker` on the serial console. */
export interface SerialHook {
  marker: string;
  run(monitor: (cmd: string) => Promise<string>): Promise<void>;
}

export interface BootMore {
  /** More CD drives (/dev/sr1...), some with unreadable blocks. */
  cds?: ExtraCd[];
  /** Host actions on serial markers, through the QEMU monitor (a socket in the guest's folder). */
  hooks?: SerialHook[];
}

/**
 * Boots the CD with `disk` as the first hard disk and the config disk, until it powers off.
 * About 2 minutes of guest CPU: on a quiet machine 2-3 minutes, on a busy one (load 15 on 2
 * cores) more than 10, hence the generous limit (FIRSTAID_GUEST_TIMEOUT seconds).
 */
export async function bootRescue(g: Guest, disk: string, firmware: 'bios' | 'uefi', timeoutSec = Number(process.env.FIRSTAID_GUEST_TIMEOUT ?? 1200), more: BootMore = {}): Promise<GuestRun> {
  const log = join(g.dir, 'serial.log');
  const sock = join(g.dir, 'monitor.sock');
  const hooks = more.hooks ?? [];
  const args = [
    // One vCPU: on a busy host a descheduled second vCPU left the other spinning (soft lockups).
    '-accel', 'tcg', '-cpu', 'max', '-m', '1024', '-smp', '1',
    '-nographic', '-monitor', hooks.length ? `unix:${sock},server=on,wait=off` : 'none', '-serial', `file:${log}`, '-nic', 'none', '-no-reboot',
    '-device', 'virtio-scsi-pci,id=scsi0',
    '-drive', `file=${rescueIso()},format=raw,if=none,id=cd0,readonly=on,media=cdrom`,
    '-device', 'scsi-cd,drive=cd0,bus=scsi0.0,scsi-id=0,lun=0,bootindex=0',
    ...extraCdArgs(g, more.cds ?? []),
    '-drive', `file=${disk},format=raw,if=virtio`,
    '-drive', `file=${g.config},format=raw,if=virtio`,
  ];
  if (firmware === 'uefi') {
    args.push('-machine', 'q35', '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,unit=1,file=${g.vars}`);
  } else args.push('-machine', 'pc');
  const start = Date.now();
  let poweredOff = true;
  let running = true;
  const hookErrors: unknown[] = [];
  // The hooks watch the serial log while the guest runs; each runs once.
  const watch = (async () => {
    const pending = [...hooks];
    while (running && pending.length) {
      await new Promise((r) => setTimeout(r, 500));
      const text = existsSync(log) ? readFileSync(log, 'latin1') : '';
      for (const h of pending.filter((x) => text.includes(x.marker))) {
        pending.splice(pending.indexOf(h), 1);
        await h.run((cmd) => monitorCommand(sock, cmd)).catch((e: unknown) => hookErrors.push(e));
      }
    }
  })();
  try {
    await pexec('qemu-system-x86_64', args, { timeout: timeoutSec * 1000, killSignal: 'SIGKILL' });
  } catch (e) {
    if ((e as { killed?: boolean }).killed) poweredOff = false;
    else throw e;
  } finally {
    running = false;
    await watch;
  }
  if (hookErrors.length) throw hookErrors[0];
  const raw = readFileSync(log, 'latin1');
  // Kept as the run's artifact (the guest's folder goes with dispose()).
  mkdirSync(join(TESTBED, 'logs'), { recursive: true });
  copyFileSync(log, join(TESTBED, 'logs', `rescue-${firmware}.${new Date().toISOString().replace(/[:.]/g, '')}.serial.log`));
  const serial = raw.replace(/\x1b\[[0-9;?=>]*[A-Za-z]/g, '').replace(/\x1b[()][A-Za-z0-9]/g, '').replace(/\r/g, '');
  return { serial, seconds: (Date.now() - start) / 1000, poweredOff };
}
