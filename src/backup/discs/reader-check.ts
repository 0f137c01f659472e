/**
 * The independent reader of a disc check: the kernel's iso9660 when the disc mounts (a rescue
 * kernel has it), else firstaid's own reads of each file's extents (extent-read.ts), with only
 * the backup spaces extracted (xorriso, MD5s off: the bytes are the media's) for their own check.
 * Every file is compared with the disc manifest; every backup space on the disc verifies.
 */
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { TargetRoot } from '../../core/target-root.js';
import { hashFile } from '../objects/hash-file.js';
import { openBackupStoreReadOnly } from '../spaces/store.js';
import type { DiscDrive } from '../../devices/optical/types.js';
import { knownObjects, type DiscFile, type DiscManifest } from './disc-manifest.js';
import { extractDir } from './disc-read.js';
import { checkByExtents } from './extent-read.js';
import type { DiscDeps } from './write.js';

export type ReaderKind = 'kernel-iso9660' | 'direct-read';

export interface ReaderResult {
  reader: ReaderKind;
  filesChecked: number;
  damaged: { path: string; why: string[] }[];
  backups: { id: string; dir: string; ok: boolean; problems: string[] }[];
  problems: string[];
}

/** The last word on each path: a later session's manifest wins over an earlier one's. */
export function latestFiles(manifests: DiscManifest[]): DiscFile[] {
  const m = new Map<string, DiscFile>();
  for (const man of manifests) for (const f of man.files) m.set(f.path, f);
  return [...m.values()];
}

/** The day dir (/YYYY/MM/DD) a disc path lies in, or its first component. */
export function groupOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return /^\d{4}$/.test(parts[0] ?? '') && parts.length >= 4 ? `/${parts.slice(0, 3).join('/')}` : `/${parts[0] ?? ''}`;
}

async function checkFiles(root: string, files: DiscFile[], out: ReaderResult): Promise<void> {
  for (const f of files) {
    const host = join(root, f.path);
    const st = await lstat(host).catch(() => null);
    if (!st?.isFile()) {
      out.damaged.push({ path: f.path, why: ['missing or unreadable'] });
      continue;
    }
    if (st.size !== f.size) {
      out.damaged.push({ path: f.path, why: [`size differs (${st.size} instead of ${f.size})`] });
      continue;
    }
    let sha: string | null = null;
    try {
      sha = await hashFile(host);
    } catch {
      out.damaged.push({ path: f.path, why: ['unreadable'] });
      continue;
    }
    out.filesChecked++;
    if (sha !== f.sha256) out.damaged.push({ path: f.path, why: ['sha256 differs'] });
  }
}

async function checkBackups(deps: DiscDeps, root: string, backups: { id: string; dir: string }[], out: ReaderResult): Promise<void> {
  const target = await TargetRoot.open('/', deps.runner);
  for (const b of backups) {
    const storeDir = join(root, posix.dirname(posix.dirname(b.dir)));
    try {
      const store = await openBackupStoreReadOnly(storeDir, deps);
      const space = await store.openSpace(b.id, target);
      const v = await space.verify();
      out.backups.push({ id: b.id, dir: b.dir, ok: v.ok, problems: v.problems });
    } catch (e) {
      out.backups.push({ id: b.id, dir: b.dir, ok: false, problems: [(e as Error).message] });
    }
  }
}

async function tryKernelMount(deps: DiscDeps, drive: DiscDrive, mnt: string): Promise<boolean> {
  await mkdir(mnt, { recursive: true });
  const opts = drive.kind === 'file' ? 'ro,loop' : 'ro';
  const r = await deps.runner.run('mount', ['-t', 'iso9660', '-o', opts, drive.path, mnt], { readOnly: true, allowFailure: true, timeoutMs: 60_000 });
  return r.exitCode === 0;
}

/**
 * The files of a backup whose own verify passed that the verify has hashed already: object
 * files its manifest names, whose sha256 in the disc manifest is their name. Read once, not twice.
 */
async function judgedBySpaces(root: string, backups: ReaderResult['backups'], files: DiscFile[]): Promise<Set<DiscFile>> {
  const out = new Set<DiscFile>();
  for (const b of backups.filter((x) => x.ok)) {
    const known = await knownObjects(join(root, b.dir));
    const objects = `${b.dir}/objects/`;
    for (const f of files) {
      if (f.backup !== b.id || !f.path.startsWith(objects) || !known.has(f.sha256)) continue;
      if (posix.basename(f.path) === f.sha256 && posix.basename(posix.dirname(f.path)) === f.sha256.slice(0, 2) && posix.dirname(posix.dirname(f.path)) === `${b.dir}/objects`) out.add(f);
    }
  }
  return out;
}

export async function readerCheck(deps: DiscDeps, drive: DiscDrive, manifests: DiscManifest[], work: string, say: (m: string) => void): Promise<ReaderResult> {
  const files = latestFiles(manifests);
  const backups = [...new Map(manifests.flatMap((m) => m.backups).map((b) => [b.id, b])).values()];
  const mnt = join(work, 'mnt');
  if (await tryKernelMount(deps, drive, mnt)) {
    const out: ReaderResult = { reader: 'kernel-iso9660', filesChecked: 0, damaged: [], backups: [], problems: [] };
    try {
      // Each space verifies first; its objects are then not hashed a second time.
      await checkBackups(deps, mnt, backups, out);
      const judged = await judgedBySpaces(mnt, out.backups, files);
      await checkFiles(mnt, files.filter((f) => !judged.has(f)), out);
      out.filesChecked += judged.size;
    } finally {
      await deps.runner.run('umount', [mnt], { readOnly: true, allowFailure: true });
    }
    return out;
  }
  // No kernel reader: every file read straight from its extents; only the backup spaces are
  // extracted (xorriso, MD5s off), so each can verify against its own manifest. A space's
  // object files are judged by that verify of the extracted copy (hashing them here too would
  // read them a second time); its other files (its manifest) are read here like the rest.
  const inSpaces = new Set(backups.map((b) => b.id));
  const isObject = (f: DiscFile) => f.backup !== null && inSpaces.has(f.backup) && /\/objects\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f.path) && posix.basename(f.path) === f.sha256;
  const direct = await checkByExtents(deps, drive, files.filter((f) => !isObject(f)));
  const out: ReaderResult = { reader: 'direct-read', filesChecked: direct.checked, damaged: direct.damaged, backups: [], problems: [] };
  for (const b of backups) {
    say(`reading backup ${b.id} back`);
    const root = join(work, 'x');
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    await extractDir(deps.runner, drive, b.dir, join(root, b.dir), false);
    await checkBackups(deps, root, [b], out);
    const mine = files.filter((f) => f.backup === b.id && isObject(f));
    const judged = await judgedBySpaces(root, out.backups.slice(-1), mine);
    // Name the objects of a failing space (or ones its manifest does not name) as the disc manifest has them.
    await checkFiles(root, mine.filter((f) => !judged.has(f)), out);
    out.filesChecked += judged.size;
    await rm(root, { recursive: true, force: true });
  }
  return out;
}
