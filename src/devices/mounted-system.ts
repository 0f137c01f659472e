/**
 * An installation mounted for work. Read-only (ext4 noload) until remountReadWrite(); then
 * unmounted and mounted again read-write in the same order (an ext4 mounted with noload cannot
 * be remounted rw). ESP and chroot come from esp.ts / chroot.ts, opened once and cached.
 */
import { FirstaidError } from '../core/errors.js';
import { TargetRoot } from '../core/target-root.js';
import { Teardown, type TeardownHandle } from '../core/teardown.js';
import type { ChrootEnv } from './types.js';
import { createChroot } from './chroot.js';
import { openEsp } from './esp.js';
import { makePrivateDir, mountDevice, type MountDeps, type MountHandle, type PrivateDir } from './mounts.js';
import type { EspAccess, Installation, MountedSystem, PartitionRef } from './types.js';

interface Layer {
  part: PartitionRef;
  /** Target path ("/" or "/boot"). */
  at: string;
  dir: string;
  handle: MountHandle | null;
}

type Chroot = ChrootEnv & { close(): Promise<void> };

abstract class BaseMountedSystem implements MountedSystem {
  protected ro = true;
  private espCache: { writable: boolean; esp: EspAccess; handle: TeardownHandle } | null = null;
  private chrootCache: Chroot | null = null;

  constructor(readonly installation: Installation, public target: TargetRoot, protected readonly deps: MountDeps) {}

  get readWrite(): boolean {
    return !this.ro;
  }

  abstract remountReadWrite(): Promise<void>;
  protected abstract unmountAll(): Promise<void>;

  async esp(): Promise<EspAccess | null> {
    const part = this.installation.esp;
    if (!part) return null;
    const writable = this.readWrite;
    if (this.espCache && (this.espCache.writable || !writable)) return this.espCache.esp;
    // A kernel cannot mount one vfat read-only and read-write at once: the read-only access goes first.
    await this.closeEsp();
    // Its own teardown, so this access can be released alone (and still goes with the session's).
    const sub = new Teardown(this.deps.log);
    const handle = this.deps.teardown.push(`ESP ${part.device}`, () => sub.runAll());
    try {
      const esp = await openEsp({ ...this.deps, teardown: sub, partition: part, writable });
      this.espCache = { writable, esp, handle };
      return esp;
    } catch (e) {
      await handle.release();
      throw e;
    }
  }

  /** Releases the ESP access now (a kernel mount is unmounted), not at the session's end. */
  async closeEsp(): Promise<void> {
    const c = this.espCache;
    this.espCache = null;
    if (c) await c.handle.release();
  }

  async chroot(): Promise<ChrootEnv> {
    if (!this.chrootCache) {
      const devices = [this.installation.disk.path, ...this.installation.partitions.map((p) => p.device)].filter((d) => d.startsWith('/dev/'));
      this.chrootCache = await createChroot({ ...this.deps, rootHostPath: this.target.root, devices });
    }
    return this.chrootCache;
  }

  protected async closeChroot(): Promise<void> {
    const c = this.chrootCache;
    this.chrootCache = null;
    if (c) await c.close();
  }

  async close(): Promise<void> {
    await this.closeChroot();
    await this.closeEsp();
    await this.unmountAll();
  }
}

/** Root (and a separate /boot) mounted by us from a block device. */
export class DeviceMountedSystem extends BaseMountedSystem {
  private constructor(installation: Installation, target: TargetRoot, deps: MountDeps, private readonly layers: Layer[], private readonly rootDir: PrivateDir, private readonly deviceWritable: boolean) {
    super(installation, target, deps);
  }

  static async mount(installation: Installation, deps: MountDeps, o: { deviceWritable: boolean }): Promise<DeviceMountedSystem> {
    const rootDir = await makePrivateDir(deps, `root-${installation.root.device.split('/').pop()}`);
    const layers: Layer[] = [];
    try {
      const rootHandle = await mountDevice(deps, installation.root.device, rootDir.path, { fstype: installation.root.fstype, readOnly: true });
      layers.push({ part: installation.root, at: '/', dir: rootDir.path, handle: rootHandle });
      const target = await TargetRoot.open(rootDir.path, deps.runner);
      if (installation.boot) {
        // Resolved inside the target, so a /boot symlink cannot send the mount elsewhere.
        const bootDir = await target.resolve('/boot');
        let ok = false;
        try {
          ok = (await target.stat('/boot')).isDirectory();
        } catch { /* missing */ }
        if (ok) {
          const h = await mountDevice(deps, installation.boot.device, bootDir, { fstype: installation.boot.fstype, readOnly: true });
          layers.push({ part: installation.boot, at: '/boot', dir: bootDir, handle: h });
        } else {
          deps.log.warn(`${installation.id}: no /boot directory on the root filesystem to mount ${installation.boot.device} on`);
        }
      }
      return new DeviceMountedSystem(installation, target, deps, layers, rootDir, o.deviceWritable);
    } catch (e) {
      for (const l of [...layers].reverse()) await l.handle?.release();
      await rootDir.release();
      throw e;
    }
  }

  async remountReadWrite(): Promise<void> {
    if (this.readWrite) return;
    if (this.deps.runner.dryRun) {
      this.deps.log.info(`dry-run: ${this.installation.id} stays mounted read-only`);
      return;
    }
    if (!this.deviceWritable) {
      throw new FirstaidError('read-only-session', `${this.installation.root.device} was opened read-only.`, 'This command only looks; use "firstaid fix" to change the installation.', 1);
    }
    // Bind mounts of a chroot live inside the root: they must go before the root can.
    await this.closeChroot();
    for (const l of [...this.layers].reverse()) {
      await l.handle?.release();
      l.handle = null;
    }
    for (const l of this.layers) {
      l.handle = await mountDevice(this.deps, l.part.device, l.dir, { fstype: l.part.fstype, readOnly: false });
    }
    this.ro = false;
  }

  protected async unmountAll(): Promise<void> {
    for (const l of [...this.layers].reverse()) {
      await l.handle?.release();
      l.handle = null;
    }
    await this.rootDir.release();
  }
}

/** --root DIR: the directory as it is; nothing mounted by us. */
export class DirMountedSystem extends BaseMountedSystem {
  private remountHandle: { release(): Promise<void> } | null = null;

  constructor(installation: Installation, target: TargetRoot, deps: MountDeps, private readonly mountedReadOnly: boolean) {
    super(installation, target, deps);
  }

  async remountReadWrite(): Promise<void> {
    if (this.readWrite) return;
    if (this.deps.runner.dryRun) return;
    if (this.mountedReadOnly) {
      // The directory is a read-only mountpoint: make it writable, and read-only again at the end.
      const dir = this.target.root;
      await this.deps.runner.run('mount', ['-o', 'remount,rw', dir]);
      this.remountHandle = this.deps.teardown.push(`remount ${dir} read-only`, async () => {
        await this.deps.runner.run('mount', ['-o', 'remount,ro', dir], { allowFailure: true });
      });
    }
    this.ro = false;
  }

  protected async unmountAll(): Promise<void> {
    await this.remountHandle?.release();
    this.remountHandle = null;
  }
}
