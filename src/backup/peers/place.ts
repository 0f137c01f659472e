/**
 * After a copy into the per-run dir: check each file against the peer's listing (size, and
 * sha256 when the peer computed one), give it the pool's owner and mode, make it durable, and
 * only then rename it to its final name in the target dir. A file that is missing, short or
 * different fails the whole staging, before anything reaches the target.
 */
import { chmod, chown, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hashFile } from '../objects/hash-file.js';
import { syncFilesystem } from '../objects/syncfs.js';
import type { Runner } from '../../core/runner.js';
import { fsyncDir } from '../../core/atomic-write.js';
import type { LocalEntry } from './listing.js';
import type { PeerFile, StagedFile } from './types.js';

export interface Checked {
  files: StagedFile[];
  problems: string[];
  /** Arrived but not in the peer's listing (appeared after it): not staged. */
  extras: string[];
}

/** Pure: what arrived against what the peer listed (null: the peer could not list). */
export function compareArrived(listed: readonly PeerFile[] | null, arrived: readonly LocalEntry[]): Checked {
  const byPath = new Map(arrived.map((a) => [a.path, a]));
  if (!listed) return { files: arrived.map((a) => ({ ...a, checked: 'copy-only' })), problems: [], extras: [] };
  const problems: string[] = [];
  const files: StagedFile[] = [];
  for (const f of listed) {
    const a = byPath.get(f.path);
    if (!a) problems.push(`${JSON.stringify(f.path)} did not arrive`);
    else if (a.size !== f.size) problems.push(`${JSON.stringify(f.path)} arrived with ${a.size} bytes, the peer has ${f.size}`);
    else files.push({ ...f, checked: f.sha256 ? 'size+sha256' : 'size' });
  }
  const names = new Set(listed.map((f) => f.path));
  return { files, problems, extras: arrived.filter((a) => !names.has(a.path)).map((a) => a.path) };
}

/**
 * sha256 of each arrived file against the peer's; the mismatches (copy-only files get theirs
 * recorded). `known`: hashes taken while the files arrived; one counts only when it matches the
 * peer's at the same size, anything else is hashed again here.
 */
export async function checkHashes(root: string, files: StagedFile[], signal?: AbortSignal, known?: ReadonlyMap<string, { sha256: string; size: number }>): Promise<string[]> {
  const problems: string[] = [];
  for (const f of files) {
    signal?.throwIfAborted();
    const k = known?.get(f.path);
    if (k && f.sha256 !== undefined && k.size === f.size && k.sha256 === f.sha256) continue;
    const local = await hashFile(join(root, f.path));
    if (f.sha256 === undefined) f.sha256 = local;
    else if (f.sha256 !== local) problems.push(`${JSON.stringify(f.path)} differs from the peer's copy (sha256)`);
  }
  return problems;
}

export interface Owner {
  uid?: number;
  gid?: number;
}

/** Owner and mode, durability, then the rename into targetDir (over an earlier staging's file). */
export async function placeFiles(
  runner: Runner,
  root: string,
  targetDir: string,
  files: readonly StagedFile[],
  owner: Owner,
  permissions: number | undefined,
): Promise<void> {
  for (const f of files) {
    const p = join(root, f.path);
    if (owner.uid !== undefined || owner.gid !== undefined) await chown(p, owner.uid ?? -1, owner.gid ?? -1);
    if (permissions !== undefined) await chmod(p, permissions);
  }
  // One syncfs instead of an fsync a file: the stage indicator may let the peer purge its copy.
  await syncFilesystem(runner, root);
  const dirs = new Set<string>();
  for (const f of files) {
    const dest = join(targetDir, f.path);
    await mkdir(dirname(dest), { recursive: true });
    await rename(join(root, f.path), dest);
    dirs.add(dirname(dest));
  }
  for (const d of dirs) await fsyncDir(d);
}
