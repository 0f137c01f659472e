/**
 * What is wrong with the stored files of a space's object (its tree's entries and packs too),
 * each problem naming the object: verify() reports these, and nothing is restored while any
 * is found.
 */
import { lstat } from 'node:fs/promises';
import { breathe } from '../../core/slices.js';
import type { BlobStore } from './blobs.js';
import type { ManifestObject } from '../spaces/types.js';

/** Problems of one object's stored files (its entries too), each naming the object. */
export async function objectProblems(blobs: BlobStore, o: ManifestObject): Promise<string[]> {
  const problems: string[] = [];
  if (o.sha256 !== null && !o.absent) {
    const p = await blobs.check(o.sha256, o.size);
    if (p) problems.push(`"${o.name}": ${p}`);
  }
  if (o.entries) {
    const bad = new Set(await packProblems(blobs, o, problems));
    try {
      for (const e of o.entries) {
        if (e.type !== 'file') continue;
        const p = e.pack !== undefined
          ? bad.has(e.pack) ? null : blobs.checkSlice(o.packs![e.pack]!, e.packOffset!, e.size, e.sha256!)
          : await blobs.check(e.sha256!, e.size);
        if (p) problems.push(`"${o.name}" entry "${e.name}": ${p}`);
        await breathe();
      }
    } finally {
      blobs.closePacks();
    }
  }
  return problems;
}

/**
 * Checks each pack of a directory object as a whole (size up to its last file, sha256 of all
 * of it), naming the pack and the files it holds. Returns the packs that cannot be read at
 * all (missing, a symlink): the slices of the others are checked too, naming each damaged file.
 */
async function packProblems(blobs: BlobStore, o: ManifestObject, problems: string[]): Promise<number[]> {
  const held = new Map<number, { first: string; files: number; end: number }>();
  for (const e of o.entries ?? []) {
    if (e.pack === undefined) continue;
    let h = held.get(e.pack);
    if (!h) held.set(e.pack, (h = { first: e.name, files: 0, end: 0 }));
    h.files++;
    h.end = Math.max(h.end, e.packOffset! + e.size);
  }
  const bad: number[] = [];
  for (const [i, h] of held) {
    const p = await blobs.check(o.packs![i]!, h.end);
    if (!p) continue;
    const st = await lstat(blobs.pathOf(o.packs![i]!)).catch(() => null);
    if (!st?.isFile()) bad.push(i);
    const more = h.files > 1 ? ` and ${h.files - 1} more` : '';
    problems.push(`"${o.name}" pack ${o.packs![i]!.slice(0, 12)} (holding "${h.first}"${more}): ${p}`);
  }
  return bad;
}
