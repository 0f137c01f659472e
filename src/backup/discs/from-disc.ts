/**
 * Backups on a disc: listed by plugin module ID (like the revert screen), and brought back for
 * a revert straight from the disc, also when the target's own copy is gone. The space is read
 * with xorriso's per-file MD5 on, then every file is compared with the disc manifest's sha256;
 * only a space that passes both comes back (the revert then verifies it against its own manifest).
 */
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import { parseSpaceId } from '../spaces/ids.js';
import type { DiscDrive } from '../../devices/optical/types.js';
import { extractDir, makeWorkDir, readContents, type DiscContents } from './disc-read.js';
import { latestFiles, groupOf } from './reader-check.js';
import type { DiscDeps } from './write.js';
import { hashFile } from '../objects/hash-file.js';

export interface DiscBackup {
  id: string;
  pluginId: string;
  /** Where it is on the disc. */
  dir: string;
  /** The session (volume id) that holds it. */
  volid: string;
  files: number;
  bytes: number;
}

/** Every backup space on the disc, grouped by plugin id (alphabetical), newest first within one. */
export function discBackups(contents: Pick<DiscContents, 'manifests'>): DiscBackup[] {
  const out = new Map<string, DiscBackup>();
  for (const m of contents.manifests) {
    for (const b of m.backups) {
      const files = m.files.filter((f) => f.backup === b.id);
      out.set(b.id, { id: b.id, pluginId: parseSpaceId(b.id)?.pluginId ?? b.id.split('/')[0]!, dir: b.dir, volid: m.volid, files: files.length, bytes: files.reduce((a, f) => a + f.size, 0) });
    }
  }
  return [...out.values()].sort((a, b) => (a.pluginId !== b.pluginId ? (a.pluginId < b.pluginId ? -1 : 1) : a.id < b.id ? 1 : -1));
}

export interface ExtractedBackup {
  id: string;
  /** Host path of the space directory, `<store>/<pluginId>/<stamp>-<id>`: a backup ref for revertFix. */
  spaceDir: string;
  discDir: string;
  /** Removes the extracted copy. */
  dispose(): Promise<void>;
}

export async function extractBackup(deps: DiscDeps, drive: DiscDrive, mediaBlocks: number, id: string): Promise<ExtractedBackup> {
  const contents = await readContents(deps.runner, drive, mediaBlocks);
  if (contents.manifests.length === 0) {
    throw new FirstaidError('not-a-firstaid-disc', `The disc in ${drive.path} holds no firstaid backups${contents.manifestProblems.length ? ` (${contents.manifestProblems.join('; ')})` : ''}.`, 'Put the firstaid disc in the drive, or check it with: firstaid disc verify');
  }
  const found = discBackups(contents).find((b) => b.id === id);
  if (!found) {
    const ids = discBackups(contents).map((b) => b.id);
    throw new FirstaidError('backup-not-on-disc', `The backup ${id} is not on the disc in ${drive.path}.`, ids.length ? `It holds: ${ids.join(', ')}` : 'The disc holds no backup spaces.');
  }
  const p = parseSpaceId(id)!;
  const work = await makeWorkDir('revert');
  const dispose = () => rm(work, { recursive: true, force: true });
  try {
    const spaceDir = join(work, 'store', p.pluginId, `${p.stamp}-${p.shortId}`);
    await mkdir(posix.dirname(spaceDir), { recursive: true, mode: 0o700 });
    const x = await extractDir(deps.runner, drive, found.dir, spaceDir, true);
    const bad: string[] = [];
    if (!x.ok) bad.push(...(x.problems.length ? x.problems : ['xorriso could not read it']));
    for (const f of latestFiles(contents.manifests).filter((f) => f.backup === id)) {
      const host = join(spaceDir, posix.relative(found.dir, f.path));
      const st = await lstat(host).catch(() => null);
      if (!st?.isFile()) bad.push(`${f.path}: missing or unreadable`);
      else if (st.size !== f.size || (await hashFile(host)) !== f.sha256) bad.push(`${f.path}: differs from the disc manifest`);
    }
    if (bad.length > 0) {
      throw new FirstaidError('disc-backup-damaged', `The backup ${id} on the disc in ${drive.path} is damaged: ${bad.join('; ')}. Nothing was restored.`, 'Use another copy of the backup (another disc, or the store: firstaid backups list).');
    }
    deps.log.info(`backup ${id} read from the disc in ${drive.path} (${groupOf(found.dir)}) and checked`);
    return { id, spaceDir, discDir: found.dir, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
