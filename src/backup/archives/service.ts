/**
 * The archiver service (AutoArchive's contract): makes archives of a backup definition with a
 * provider, names them by the path rule, keeps levels' snapshots in its work dir, and writes a
 * manifest beside each archive. An archive appears under its final name only when complete
 * (unless overwriteAtStart); the manifest is written after it, so an archive without one is
 * visibly unfinished. Snapshots are replaced only after the provider succeeded.
 */
import { EventEmitter } from 'node:events';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FirstaidError, UsageError } from '../../core/errors.js';
import { commitStaged, fsyncDir } from '../../core/atomic-write.js';
import type { ArchiveManifest, ArchiveMember, ArchiverProvider, ArchiveType, BackupDefinition, BackupOperationError, Feature } from './types.js';
import { MANIFEST_FORMAT } from './types.js';
import { archiveName, assertArchiveId, assertKeepingId, assertLevel, backupFilePath, manifestNameFor, parseWorkSnapshotName, PARTIAL_SUFFIX, snapshotSidecarFor, workSnapshotName } from './names.js';
import { followHash, hashFile } from './follow.js';
import { readManifestFile, writeManifestFile } from './manifest.js';
import { pathExists } from '../../core/path-exists.js';

export interface ArchiverServiceOptions {
  /** The service's own directory: snapshots of levels live in <workDir>/snapshots. */
  workDir: string;
  provider: ArchiverProvider;
}

export interface BackupResult {
  archivePath: string;
  manifestPath: string;
  /** The snapshot sidecar beside the archive (levels only). */
  snapshotPath: string | null;
  manifest: ArchiveManifest;
}

export declare interface ArchiverService {
  on(event: 'fileAdd', fn: (path: string) => void): this;
  on(event: 'backupOperationError', fn: (e: BackupOperationError) => void): this;
  on(event: 'progress', fn: (p: { bytesDone: number; files: number }) => void): this;
}

export class ArchiverService extends EventEmitter {
  readonly provider: ArchiverProvider;
  private readonly snapshots: string;

  constructor(opts: ArchiverServiceOptions) {
    super();
    this.provider = opts.provider;
    this.snapshots = join(opts.workDir, 'snapshots');
  }

  getSupportedFeatures(type: ArchiveType): ReadonlySet<Feature> {
    return this.provider.features(type);
  }

  getBackupFilePath(def: BackupDefinition, level = 0, keepingId: string | null = null): string {
    return backupFilePath(def.destination, def.id, def.type, level, keepingId);
  }

  /** A full archive without a snapshot. */
  backupFiles(def: BackupDefinition, strength?: number, overwriteAtStart = false): Promise<BackupResult> {
    return this.make(def, strength, null, overwriteAtStart);
  }

  /** Level `level` (default: the next one) of an incremental chain. */
  async backupFilesIncrementally(def: BackupDefinition, strength?: number, level?: number): Promise<BackupResult> {
    const max = await this.getMaxBackupLevel(def.id);
    const l = level ?? max;
    assertLevel(l);
    if (l > max) throw new UsageError(`Level ${l} cannot be made: the highest level that can is ${max}.`, `Make level ${max} first (or give --level ${max}).`);
    return this.make(def, strength, l, false);
  }

  /** The highest level with a snapshot, plus one; 0 when there is none. */
  async getMaxBackupLevel(id: string): Promise<number> {
    assertArchiveId(id);
    const levels = (await this.snapshotNames()).filter((s) => s.id === id).map((s) => s.level);
    return levels.length ? Math.max(...levels) + 1 : 0;
  }

  async doesBackupExist(def: BackupDefinition, level = 0, keepingId: string | null = null): Promise<boolean> {
    return (await this.findManifest(def, level, keepingId)) !== null;
  }

  async doesAnyBackupLevelExist(def: BackupDefinition, fromLevel = 0, keepingId: string | null = null): Promise<boolean> {
    const { manifestsIn } = await import('./manifest.js');
    const { manifests } = await manifestsIn(def.destination);
    return manifests.some((m) => m.id === def.id && m.type === def.type && m.keepingId === keepingId && m.level >= fromLevel);
  }

  /** Renames an archive (and its manifest and snapshot sidecar) to another keeping id. */
  async keepBackup(def: BackupDefinition, keepingId: string | null, newKeepingId: string, level = 0): Promise<BackupResult> {
    assertKeepingId(newKeepingId);
    const m = await this.needManifest(def, level, keepingId);
    const name = archiveName(def.id, def.type, level, newKeepingId);
    const dest = def.destination;
    for (const n of [name, manifestNameFor(name)]) {
      if (await pathExists(join(dest, n))) throw new FirstaidError('archive-exists', `${n} already exists in ${dest}.`, 'Keep it under another keeping id, or remove that one first.');
    }
    await rename(join(dest, m.archive.name), join(dest, name));
    let snapshot = m.snapshot;
    if (snapshot && (await pathExists(join(dest, snapshot.name)))) {
      const sn = snapshotSidecarFor(name);
      await rename(join(dest, snapshot.name), join(dest, sn));
      snapshot = { ...snapshot, name: sn };
    }
    const kept: ArchiveManifest = { ...m, keepingId: newKeepingId, archive: { ...m.archive, name }, snapshot };
    const manifestPath = join(dest, manifestNameFor(name));
    await writeManifestFile(manifestPath, kept);
    await rm(join(dest, manifestNameFor(m.archive.name)), { force: true });
    await fsyncDir(dest);
    return { archivePath: join(dest, name), manifestPath, snapshotPath: snapshot ? join(dest, snapshot.name) : null, manifest: kept };
  }

  /** Removes one archive: its manifest first (so it stops being listed), then the files. */
  async removeBackup(def: BackupDefinition, level = 0, keepingId: string | null = null): Promise<boolean> {
    const m = await this.findManifest(def, level, keepingId);
    const name = archiveName(def.id, def.type, level, keepingId);
    await rm(join(def.destination, manifestNameFor(name)), { force: true });
    await rm(join(def.destination, name), { force: true });
    await rm(join(def.destination, m?.snapshot?.name ?? snapshotSidecarFor(name)), { force: true });
    return m !== null;
  }

  /** Removes levels `level`, level+1, ... until one is missing; and their snapshots. */
  async removeBackupIncrements(def: BackupDefinition, level: number, keepingId: string | null = null): Promise<number[]> {
    assertLevel(level);
    const removed: number[] = [];
    for (let l = level; await this.removeBackup(def, l, keepingId); l++) removed.push(l);
    if (keepingId === null) {
      for (const s of await this.snapshotNames()) {
        if (s.id === def.id && s.level >= level) await rm(join(this.snapshots, workSnapshotName(s.id, s.level)), { force: true });
      }
    }
    return removed;
  }

  async getStoredBackupIds(): Promise<string[]> {
    return [...new Set((await this.snapshotNames()).map((s) => s.id))].sort();
  }

  /** Deletes the snapshots of exactly this id (not of ids that merely start the same). */
  async purgeStoredBackupData(id: string): Promise<void> {
    assertArchiveId(id);
    for (const s of await this.snapshotNames()) {
      if (s.id === id) await rm(join(this.snapshots, workSnapshotName(s.id, s.level)), { force: true });
    }
  }

  private async snapshotNames(): Promise<{ id: string; level: number }[]> {
    try {
      return (await readdir(this.snapshots)).map(parseWorkSnapshotName).filter((x): x is { id: string; level: number } => x !== null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  private async findManifest(def: BackupDefinition, level: number, keepingId: string | null): Promise<ArchiveManifest | null> {
    const name = archiveName(def.id, def.type, level, keepingId);
    let m: ArchiveManifest;
    try {
      m = await readManifestFile(join(def.destination, manifestNameFor(name)));
    } catch (e) {
      if (e instanceof FirstaidError || (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return m.id === def.id && m.level === level && m.keepingId === keepingId && m.archive.name === name ? m : null;
  }

  private async needManifest(def: BackupDefinition, level: number, keepingId: string | null): Promise<ArchiveManifest> {
    const m = await this.findManifest(def, level, keepingId);
    if (!m) throw new FirstaidError('no-such-archive', `There is no archive ${archiveName(def.id, def.type, level, keepingId)} in ${def.destination}.`, 'List the archives there first.');
    return m;
  }

  private check(def: BackupDefinition, strength: number | undefined, level: number | null): void {
    assertArchiveId(def.id);
    if (!this.provider.types.includes(def.type)) {
      throw new FirstaidError('archive-unsupported', `The ${this.provider.name} provider cannot make ${def.type} archives.`, `It makes: ${this.provider.types.join(', ')}. Use --provider external for the others.`, 2);
    }
    const f = this.provider.features(def.type);
    if (strength !== undefined) {
      if (!Number.isInteger(strength) || strength < 0 || strength > 9) throw new UsageError(`Compression strength ${strength} is not 0-9.`);
      if (!f.has('compression-strength')) throw new FirstaidError('archive-unsupported', `The ${this.provider.name} provider has no compression strength for ${def.type}.`, 'Leave out --strength.', 2);
    }
    if (level !== null && !f.has('incremental')) throw new FirstaidError('archive-unsupported', `The ${this.provider.name} provider cannot make incremental levels.`, 'Use --provider external (GNU tar) for levels.', 2);
    if (def.include && def.include.length === 0) throw new UsageError('Nothing to back up: the include list is empty.');
  }

  private async make(def: BackupDefinition, strength: number | undefined, level: number | null, overwriteAtStart: boolean): Promise<BackupResult> {
    this.check(def, strength, level);
    try {
      if (!(await stat(def.root)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new FirstaidError('archive-source-missing', `${def.root} is not a directory that can be read.`, 'Give a directory (or a backup id) to archive.');
    }
    await mkdir(def.destination, { recursive: true });
    const l = level ?? 0;
    const final = this.getBackupFilePath(def, l);
    const manifestPath = join(def.destination, manifestNameFor(archiveName(def.id, def.type, l)));
    // A stale working file of an earlier run that died is swept, not left forever.
    await rm(final + PARTIAL_SUFFIX, { force: true });
    if (overwriteAtStart) {
      // The old manifest must not describe a half-written file under its name.
      await rm(manifestPath, { force: true });
      await rm(final, { force: true });
    }
    const work = overwriteAtStart ? final : final + PARTIAL_SUFFIX;
    let tmpSnap: string | undefined;
    let parentSha256: string | null = null;
    if (level !== null) {
      await mkdir(this.snapshots, { recursive: true, mode: 0o700 });
      tmpSnap = join(this.snapshots, `.${def.id}.${l}.${randomBytes(4).toString('hex')}.tmp`);
      if (l > 0) {
        // Work on a copy: the lower level's snapshot stays, so any level can be made again.
        await copyFile(join(this.snapshots, workSnapshotName(def.id, l - 1)), tmpSnap);
        parentSha256 = (await this.findManifest(def, l - 1, null))?.archive.sha256 ?? null;
        if (parentSha256 === null) throw new FirstaidError('archive-chain-gap', `Level ${l - 1} of ${def.id} is not in ${def.destination}; level ${l} would not extract.`, `Make level ${l - 1} again first, or start over with level 0.`);
      }
    }
    const members: ArchiveMember[] = [];
    const warnings: BackupOperationError[] = [];
    let bytesDone = 0;
    const created = new Date().toISOString();
    const taps: ((b: Buffer) => void)[] = [];
    try {
      const job = this.provider.create({
        def, file: work, ...(strength !== undefined ? { strength } : {}), ...(tmpSnap ? { snapshot: tmpSnap } : {}),
        onMember: (m) => {
          members.push(m);
          bytesDone += m.size;
          this.emit('fileAdd', m.path);
          if (members.length % 64 === 0) this.emit('progress', { bytesDone, files: members.length });
        },
        onError: (e) => {
          warnings.push(e);
          this.emit('backupOperationError', e);
        },
        tapArchive: (t) => { taps.push(t); },
      });
      // Hashed and flushed to disk while tar writes: what is left after tar is one short fsync.
      const [, hash] = await Promise.all([job, followHash(work, job, { sync: true, taps })]);
      this.emit('progress', { bytesDone, files: members.length });
      const size = (await stat(work)).size;
      const sum = size === hash.size ? hash : await hashFile(work);
      let snapshot: ArchiveManifest['snapshot'] = null;
      let snapshotPath: string | null = null;
      if (tmpSnap) {
        snapshotPath = final + '.snar';
        await copyFile(tmpSnap, snapshotPath);
        const s = await hashFile(snapshotPath);
        snapshot = { name: snapshotSidecarFor(archiveName(def.id, def.type, l)), size: s.size, sha256: s.sha256 };
      }
      // The data is durable (followHash synced it); the rename is made durable by the manifest's
      // directory fsync below, which covers both renames in this directory: one fsync, not three.
      if (!overwriteAtStart) await commitStaged(work, final, 'deferred');
      const manifest: ArchiveManifest = {
        format: MANIFEST_FORMAT, id: def.id, type: def.type, level: l, incremental: level !== null, keepingId: null,
        provider: this.provider.name, created, root: def.root,
        archive: { name: archiveName(def.id, def.type, l), size: sum.size, sha256: sum.sha256 },
        parentSha256, snapshot, members, totalBytes: bytesDone, warnings,
      };
      await writeManifestFile(manifestPath, manifest);
      if (tmpSnap) {
        for (const s of await this.snapshotNames()) {
          if (s.id === def.id && s.level > l) await rm(join(this.snapshots, workSnapshotName(s.id, s.level)), { force: true });
        }
        await commitStaged(tmpSnap, join(this.snapshots, workSnapshotName(def.id, l)), 'now');
        tmpSnap = undefined;
      }
      return { archivePath: final, manifestPath, snapshotPath, manifest };
    } catch (err) {
      await rm(work, { force: true });
      if (overwriteAtStart) await rm(manifestPath, { force: true });
      throw err;
    } finally {
      if (tmpSnap) await rm(tmpSnap, { force: true });
    }
  }
}
