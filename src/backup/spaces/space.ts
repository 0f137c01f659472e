/**
 * One backup space: FirstAidKit's API (backupPath, backupValue, restoreName, restorePath,
 * restoreValue, delete, cleanup, exists) plus what a safe revert needs (ranges, verify,
 * commit, the fix result and revertAll; revert-safety.ts checks what changed). Every mutation holds the store lock and re-checks
 * ownership right before the manifest (the commit point) is written.
 */
import { open, rm, lstat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import type { TargetRoot } from '../../core/target-root.js';
import type { DiskIdentity } from '../../devices/types.js';
import type { BackupSpace, ManifestObject, RestoreOptions } from './types.js';
import { BlobStore } from '../objects/blobs.js';
import { badObjectName, normalizeTargetPath } from './ids.js';
import { readManifest, manifestFileDigest, writeManifest, digestOf, ManifestError, type Manifest } from './manifest.js';
import { capture, restoreObject, UnsupportedFileError } from '../copy/tree.js';
import { identityMismatch, readDiskIdentity } from './identity.js';
import { objectProblems } from '../objects/object-problems.js';
import { writeRangeBack } from '../objects/range-write.js';
import type { StoreLock } from './lock.js';
import { assertRangeDisks, changedSince, fixStates } from './revert-safety.js';
import { syncFilesystem } from '../objects/syncfs.js';

/** What a space needs from its store. */
export interface SpaceHost {
  runner: Runner;
  log: SessionLog;
  /** A read-only store: verify() does not record its result. */
  readOnly: boolean;
  /** Runs fn holding the store lock (serialized in this process too). */
  exclusive<T>(fn: (lock: StoreLock) => Promise<T>): Promise<T>;
  /** Removes the space directory (cleanup). */
  removeSpaceDir(id: string): Promise<void>;
}

function tamperError(id: string, problems: string[]): FirstaidError {
  return new FirstaidError(
    'backup-corrupt',
    `The backup ${id} failed verification, so nothing was restored: ${problems.join('; ')}`,
    'Do not use this backup. Another backup of the same plugin may be usable: firstaid backups list.',
  );
}

export class Space implements BackupSpace {
  private readonly blobs: BlobStore;
  /** Set when the manifest on disk could not be read (corrupt space). */
  private loadProblem: string | null = null;
  /** Every object file was re-hashed and matched since the objects last changed. */
  private objectsVerified = false;

  constructor(
    readonly id: string,
    readonly dir: string,
    private readonly target: TargetRoot,
    private readonly host: SpaceHost,
    private manifest: Manifest,
  ) {
    this.blobs = new BlobStore(dir, (d) => syncFilesystem(host.runner, d));
  }

  static corrupt(id: string, dir: string, target: TargetRoot, host: SpaceHost, m: Manifest, problem: string): Space {
    const s = new Space(id, dir, target, host, m);
    s.loadProblem = problem;
    return s;
  }

  get pluginId(): string {
    return this.manifest.pluginId;
  }

  get persistent(): boolean {
    return this.manifest.persistent;
  }

  get state(): Manifest['state'] {
    return this.manifest.state;
  }

  getBackupId(): string {
    return this.id;
  }

  private find(name: string): ManifestObject | undefined {
    return this.manifest.objects.find((o) => o.name === name);
  }

  private mustFind(name: string): ManifestObject {
    if (this.loadProblem) throw tamperError(this.id, [this.loadProblem]);
    const o = this.find(name);
    if (!o) throw new FirstaidError('no-such-object', `The backup ${this.id} holds no object named "${name}".`, `See what it holds with: firstaid backups show ${this.id}`);
    return o;
  }

  private byOrigin(path: string): ManifestObject | undefined {
    let norm: string;
    try {
      norm = normalizeTargetPath(path);
    } catch {
      return undefined;
    }
    return this.manifest.objects.find((o) => o.origin === norm);
  }

  /** Adds an object: capture, flush the object files, check the lock, write the manifest. */
  private async add(name: string, make: () => Promise<ManifestObject>): Promise<ManifestObject> {
    const bad = badObjectName(name);
    if (bad) throw new FirstaidError('bad-object-name', `"${name}" cannot name a backup object: ${bad}.`, 'Use a name without ".." or NUL.', 2);
    return this.host.exclusive(async (lock) => {
      if (this.loadProblem) throw tamperError(this.id, [this.loadProblem]);
      if (this.manifest.state === 'complete') {
        throw new FirstaidError('space-committed', `The backup ${this.id} is already complete; "${name}" cannot be added to it.`, 'Back it up in a new space (getBackup).');
      }
      if (this.find(name)) throw new FirstaidError('backup-exists', `The backup ${this.id} already holds "${name}".`, 'Give another name, or delete the old object first.');
      const obj = await make();
      await this.blobs.flush();
      await lock.assertOwned();
      this.manifest.objects.push(obj);
      this.objectsVerified = false;
      try {
        await writeManifest(this.dir, this.manifest);
      } catch (e) {
        this.manifest.objects.pop();
        throw e;
      }
      return obj;
    });
  }

  async backupPath(path: string, name?: string): Promise<ManifestObject> {
    let norm: string;
    try {
      norm = normalizeTargetPath(path);
    } catch {
      throw new FirstaidError('bad-path', `"${path}" is not a usable path inside the installation.`, 'Give an absolute path without "..".', 2);
    }
    return this.add(name ?? norm, async () => {
      const host = await this.target.resolve(norm, { followFinal: false });
      const origin = this.target.toTargetPath(host);
      try {
        await lstat(host);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
        // Not there: recorded as absent, so a revert removes what the fix created.
        return { name: name ?? norm, type: 'file', origin, size: 0, sha256: null, mode: null, uid: null, gid: null, mtime: null, symlinkTarget: null, xattrs: {}, range: null, absent: true };
      }
      try {
        return await capture(this.blobs, this.host.runner, host, name ?? norm, origin);
      } catch (e) {
        if (e instanceof UnsupportedFileError) throw new FirstaidError('unsupported-file', e.message, 'Leave that path out of the backup.');
        throw e;
      }
    });
  }

  async backupValue(value: unknown, name: string): Promise<ManifestObject> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new FirstaidError('bad-value', `The value for "${name}" cannot be stored as JSON.`, 'Store plain data (objects, arrays, strings, numbers).', 2);
    return this.add(name, async () => {
      const { sha256, size } = await this.blobs.putBuffer(Buffer.from(text, 'utf8'));
      return { name, type: 'value', origin: null, size, sha256, mode: null, uid: null, gid: null, mtime: new Date().toISOString(), symlinkTarget: null, xattrs: {}, range: null };
    });
  }

  async backupRange(device: string, offset: number, length: number, name: string, identity: DiskIdentity): Promise<ManifestObject> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length <= 0) {
      throw new FirstaidError('bad-range', `Bad range ${offset}+${length} of ${device}.`, 'Give a non-negative offset and a positive length.', 2);
    }
    return this.add(name, async () => {
      const fh = await open(device, constants.O_RDONLY);
      let r;
      try {
        r = await this.blobs.putFromHandle(fh, offset, length);
      } finally {
        await fh.close();
      }
      if (r.size !== length) {
        throw new FirstaidError('short-read', `Only ${r.size} of ${length} bytes could be read from ${device} at offset ${offset}.`, 'Check the device and the range.');
      }
      return {
        name, type: 'range', origin: null, size: length, sha256: r.sha256, mode: null, uid: null, gid: null,
        mtime: new Date().toISOString(), symlinkTarget: null, xattrs: {},
        range: { device, offset, length, identity: { ...identity } },
      };
    });
  }

  /** Re-reads the manifest from disk: a tampered manifest is caught even in a long-running space. */
  private async manifestProblem(): Promise<string | null> {
    if (this.loadProblem) return this.loadProblem;
    try {
      const digest = await manifestFileDigest(this.dir);
      // Unchanged since this run read or wrote it: nothing to parse (a 20,000-entry manifest is big).
      if (digest !== undefined && digest === digestOf(this.manifest)) return null;
      const m = await readManifest(this.dir, this.id);
      if (!m) return 'the manifest is missing (the space is incomplete)';
      if (JSON.stringify(m.objects) !== JSON.stringify(this.manifest.objects)) return 'the manifest on disk differs from the one this run wrote';
      return null;
    } catch (e) {
      return e instanceof ManifestError ? e.message : `the manifest cannot be read (${(e as Error).message})`;
    }
  }

  /**
   * Nothing is restored from a space that fails verification: the manifest is re-read every
   * time, the object files are re-hashed once per space instance (until objects change).
   */
  private async verifyBeforeRestore(): Promise<void> {
    const mp = await this.manifestProblem();
    if (mp) throw tamperError(this.id, [mp]);
    if (this.objectsVerified) return;
    const problems: string[] = [];
    for (const o of this.manifest.objects) problems.push(...(await objectProblems(this.blobs, o)));
    if (problems.length > 0) throw tamperError(this.id, problems);
    this.objectsVerified = true;
  }

  async restoreName(name: string, path?: string): Promise<void> {
    await this.host.exclusive(async () => this.restoreUnlocked(this.mustFind(name), path));
  }

  private async restoreUnlocked(o: ManifestObject, path?: string, devices?: RestoreOptions['devices'], verified = false): Promise<void> {
    if (!verified) await this.verifyBeforeRestore();
    if (o.type === 'value') throw new FirstaidError('not-a-path', `"${o.name}" is a value; read it with restoreValue.`, 'Use restoreValue(name).', 2);
    if (o.type === 'range') {
      const mapped = devices?.[o.range!.device];
      await this.writeRange(o, path ?? mapped?.path, mapped?.identity);
      return;
    }
    let dest: string;
    try {
      dest = normalizeTargetPath(path ?? o.origin!);
    } catch {
      throw new FirstaidError('bad-path', `"${path}" is not a usable path inside the installation.`, 'Give an absolute path without "..".', 2);
    }
    if (dest === '/') throw new FirstaidError('bad-path', 'Refusing to restore over the root of the installation.', 'Restore a path below /.', 2);
    const host = await this.target.resolve(dest, { followFinal: false });
    if (o.absent) {
      await rm(host, { recursive: true, force: true });
      return;
    }
    await this.target.mkdirp(dirname(dest));
    await restoreObject(this.blobs, this.host.runner, o, host, (d) => syncFilesystem(this.host.runner, d));
  }

  async restorePath(path: string, name?: string): Promise<void> {
    await this.host.exclusive(async () => {
      if (this.loadProblem) throw tamperError(this.id, [this.loadProblem]);
      const o = name !== undefined ? this.mustFind(name) : this.byOrigin(path);
      if (!o) throw new FirstaidError('no-such-object', `The backup ${this.id} holds nothing backed up from ${path}.`, `See what it holds with: firstaid backups show ${this.id}`);
      await this.restoreUnlocked(o, path);
    });
  }

  async restoreValue<T = unknown>(name: string): Promise<T> {
    return this.host.exclusive(async () => {
      const o = this.mustFind(name);
      if (o.type !== 'value') throw new FirstaidError('not-a-value', `"${name}" is a ${o.type}, not a value.`, 'Use restoreName for paths and ranges.', 2);
      await this.verifyBeforeRestore();
      return JSON.parse((await this.blobs.read(o.sha256!)).toString('utf8')) as T;
    });
  }

  async restoreRange(name: string, device?: string, currentIdentity?: DiskIdentity): Promise<void> {
    await this.host.exclusive(async () => {
      const o = this.mustFind(name);
      if (o.type !== 'range') throw new FirstaidError('not-a-range', `"${name}" is a ${o.type}, not a device range.`, 'Use restoreName for paths.', 2);
      await this.verifyBeforeRestore();
      await this.writeRange(o, device, currentIdentity);
    });
  }

  /** Refuses unless the device is the recorded disk, then writes the bytes back and syncs. */
  private async writeRange(o: ManifestObject, device?: string, currentIdentity?: DiskIdentity): Promise<void> {
    const r = o.range!;
    const dev = device ?? r.device;
    const now = currentIdentity ?? (await readDiskIdentity(this.host.runner, dev));
    if (!now) {
      throw new FirstaidError('wrong-disk', `Cannot restore "${o.name}": ${dev} is not there or its identity cannot be read (recorded: ${r.identity.path}, PTUUID ${r.identity.ptuuid ?? 'none'}).`, 'Attach the disk the backup was made from and name its device.');
    }
    const why = identityMismatch(r.identity, now);
    if (why) throw new FirstaidError('wrong-disk', `Refusing to restore "${o.name}": ${why}.`, 'Name the device of the disk the backup was made from.');
    await writeRangeBack(this.blobs.pathOf(o.sha256!), o.name, dev, r.offset, r.length);
  }

  async exists(nameOrPath: string): Promise<boolean> {
    return this.find(nameOrPath) !== undefined || this.byOrigin(nameOrPath) !== undefined;
  }

  async list(): Promise<ManifestObject[]> {
    return this.manifest.objects.map((o) => ({ ...o }));
  }

  async delete(name: string): Promise<void> {
    await this.host.exclusive(async (lock) => {
      const o = this.mustFind(name);
      const objects = this.manifest.objects.filter((x) => x !== o);
      await lock.assertOwned();
      const m: Manifest = { ...this.manifest, objects };
      await writeManifest(this.dir, m);
      this.manifest = m;
      this.objectsVerified = false;
      // Object files no other object uses go after the manifest stopped naming them.
      const used = new Set<string>();
      // A packed entry's sha256 names no object file: its pack does.
      const stored = (x: ManifestObject): (string | null)[] => [x.sha256, ...(x.packs ?? []), ...(x.entries ?? []).map((e) => (e.pack !== undefined ? null : e.sha256))];
      for (const x of objects) for (const sha of stored(x)) if (sha) used.add(sha);
      const mine = stored(o).filter((s): s is string => !!s && !used.has(s));
      for (const sha of new Set(mine)) await this.blobs.remove(sha);
    });
  }

  async cleanup(): Promise<void> {
    await this.host.removeSpaceDir(this.id);
    this.manifest.objects = [];
  }

  async verify(): Promise<{ ok: boolean; problems: string[] }> {
    return this.host.exclusive(async (lock) => {
      const mp = await this.manifestProblem();
      const problems = mp ? [mp] : [];
      if (this.manifest.state !== 'complete') problems.push('the space is incomplete (never committed)');
      for (const o of this.manifest.objects) problems.push(...(await objectProblems(this.blobs, o)));
      const ok = problems.length === 0;
      this.objectsVerified = ok;
      // Record the result (not over a manifest that is itself the problem).
      if (!mp && this.manifest.state === 'complete' && !this.host.readOnly) {
        await lock.assertOwned();
        this.manifest.verified = { at: new Date().toISOString(), ok, problems };
        await writeManifest(this.dir, this.manifest);
      }
      return { ok, problems };
    });
  }

  async commit(): Promise<void> {
    await this.host.exclusive(async (lock) => {
      if (this.loadProblem) throw tamperError(this.id, [this.loadProblem]);
      await this.blobs.flush();
      await lock.assertOwned();
      const m: Manifest = { ...this.manifest, state: 'complete', committedAt: new Date().toISOString() };
      await writeManifest(this.dir, m);
      this.manifest = m;
    });
  }

  async recordFixResult(): Promise<void> {
    await this.host.exclusive(async (lock) => {
      const states = await fixStates(this.manifest.objects, this.target);
      await lock.assertOwned();
      this.manifest.fix = { at: new Date().toISOString(), states };
      await writeManifest(this.dir, this.manifest);
    });
  }

  private async changedUnlocked(devices?: RestoreOptions['devices']): Promise<string[]> {
    const fix = this.manifest.fix;
    return fix ? changedSince(this.manifest.objects, fix.states, this.target, this.host.runner, devices) : [];
  }

  /** (Also takes RestoreOptions.devices, so ranges are compared on today's node of the disk.) */
  async changedSinceFix(opts: Pick<RestoreOptions, 'devices'> = {}): Promise<string[]> {
    return this.host.exclusive(async () => this.changedUnlocked(opts.devices));
  }

  async revertAll(opts: RestoreOptions = {}): Promise<void> {
    await this.host.exclusive(async (lock) => {
      if (this.loadProblem) throw tamperError(this.id, [this.loadProblem]);
      if (this.manifest.state !== 'complete') {
        throw new FirstaidError('backup-incomplete', `The backup ${this.id} is incomplete (it was never committed), so it cannot be reverted as a whole.`, 'Use another backup (firstaid backups list), or restore single objects by hand.');
      }
      await this.verifyBeforeRestore();
      if (!opts.force) {
        const changed = await this.changedUnlocked(opts.devices);
        if (changed.length > 0) {
          throw new FirstaidError('changed-since-fix', `These files changed after the fix, and a revert would overwrite those changes: ${changed.join(', ')}.`, 'Look at them first; revert with --force to overwrite them anyway.', 1, { details: { changed } });
        }
      }
      // Every range's disk is checked before anything is written.
      await assertRangeDisks(this.id, this.manifest.objects, this.host.runner, opts.devices);
      for (const o of this.manifest.objects) {
        if (o.type === 'value') continue;
        await this.restoreUnlocked(o, undefined, opts.devices, true);
      }
      await lock.assertOwned();
      this.manifest.reverted = new Date().toISOString();
      await writeManifest(this.dir, this.manifest);
    });
  }
}
