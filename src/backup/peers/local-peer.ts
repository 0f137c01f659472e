/**
 * A local peer (CedarBackup's LocalPeer): a collect dir on this machine (another disk, a mounted
 * share). Files are copied into a fresh per-run dir, checked (size, sha256 of source and copy),
 * then renamed into the target dir; staging again over an earlier staging works.
 */
import { access, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { hashFile } from '../objects/hash-file.js';
import { PeerStageError, PeerUnreachableError } from './errors.js';
import { listTree } from './listing.js';
import { placeFiles } from './place.js';
import { resolveOwnership } from './ownership.js';
import { progressOf } from './progress.js';
import { DEFAULT_COLLECT_INDICATOR, DEFAULT_STAGE_INDICATOR, type Ownership, type Peer, type PeerReadiness, type StageOptions, type StageReport, type StagedFile } from './types.js';

export interface LocalPeerConfig {
  name: string;
  collectDir: string;
  collectIndicator?: string;
  stageIndicator?: string;
}

export class LocalPeer implements Peer {
  readonly type = 'local' as const;
  readonly name: string;
  readonly collectDir: string;
  readonly collectIndicator: string;
  readonly stageIndicator: string;

  constructor(cfg: LocalPeerConfig, private readonly runner: Runner) {
    this.name = cfg.name;
    this.collectDir = cfg.collectDir;
    this.collectIndicator = cfg.collectIndicator ?? DEFAULT_COLLECT_INDICATOR;
    this.stageIndicator = cfg.stageIndicator ?? DEFAULT_STAGE_INDICATOR;
  }

  async checkCollectIndicator(name = this.collectIndicator): Promise<PeerReadiness> {
    try {
      await access(this.collectDir, constants.R_OK | constants.X_OK);
    } catch (err) {
      return { state: 'unreachable', reason: 'no-collect-dir', message: `${this.collectDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
    }
    try {
      await access(join(this.collectDir, name));
      return { state: 'ready' };
    } catch {
      return { state: 'not-ready', reason: `no ${name} in ${this.collectDir} yet` };
    }
  }

  async writeStageIndicator(name = this.stageIndicator): Promise<void> {
    await writeFile(join(this.collectDir, name), '');
  }

  async stagePeer(targetDir: string, ownership?: Ownership, permissions?: number): Promise<number> {
    const opts: StageOptions = { ...(ownership ? { ownership } : {}), ...(permissions !== undefined ? { permissions } : {}) };
    return (await this.stage(targetDir, opts)).files.length;
  }

  async stage(targetDir: string, opts: StageOptions = {}): Promise<StageReport> {
    const owner = await resolveOwnership(this.runner, opts.ownership);
    const indicators = [this.collectIndicator, this.stageIndicator];
    let source;
    try {
      source = await listTree(this.collectDir, indicators);
    } catch (err) {
      throw new PeerUnreachableError(this.name, 'no-collect-dir', `${this.collectDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (source.files.length === 0) throw new PeerStageError(this.name, `nothing to stage: ${this.collectDir} holds no files`, 'Check that the peer collected its backups into collectDir.');
    const parent = opts.tempParent ?? dirname(targetDir);
    await mkdir(parent, { recursive: true });
    const fresh = await mkdtemp(join(parent, `.firstaid-stage-${this.name}-`));
    try {
      const files: StagedFile[] = [];
      const total = source.files.reduce((n, f) => n + f.size, 0);
      const started = Date.now();
      let bytes = 0;
      for (const f of source.files) {
        opts.signal?.throwIfAborted();
        const dest = join(fresh, f.path);
        await mkdir(dirname(dest), { recursive: true });
        await copyFile(join(this.collectDir, f.path), dest, constants.COPYFILE_EXCL);
        const [a, b] = await Promise.all([hashFile(join(this.collectDir, f.path)), hashFile(dest)]);
        if (a !== b) throw new PeerStageError(this.name, `${JSON.stringify(f.path)} changed while it was copied (sha256)`);
        files.push({ ...f, sha256: b, checked: 'size+sha256' });
        bytes += f.size;
        opts.onProgress?.(progressOf(bytes, total, Date.now() - started));
      }
      const copied = await listTree(fresh);
      const sizes = new Map(copied.files.map((c) => [c.path, c.size]));
      const short = files.filter((f) => sizes.get(f.path) !== f.size);
      if (short.length) throw new PeerStageError(this.name, `${short.length} files did not copy whole: ${short.map((f) => f.path).slice(0, 3).join(', ')}`);
      await placeFiles(this.runner, fresh, targetDir, files, owner, opts.permissions);
      const warnings = source.skipped.length ? [`not regular files, not staged: ${source.skipped.join(', ')}`] : [];
      return { peer: this.name, targetDir, files, bytes: files.reduce((n, f) => n + f.size, 0), warnings };
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }
}
