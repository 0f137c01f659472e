/** Shared by the initramfs and passwd integration tests: run the built CLI on an image, read files inside it. */
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { withImageRoot } from '../helpers/image-root.js';

export const REPO = join(import.meta.dirname, '..', '..');

export function buildOnce(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function firstaid(args: string[], input?: string): CliRun {
  const r = spawnSync(join(REPO, 'bin', 'firstaid'), args, { encoding: 'utf8', input: input ?? '', timeout: 20 * 60 * 1000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** sha256 (or "absent") of each target path inside the image's root filesystem. */
export async function fileHashes(img: string, paths: string[]): Promise<Record<string, string>> {
  return withImageRoot(img, (root) => {
    const out: Record<string, string> = {};
    for (const p of paths) {
      const host = join(root, p);
      out[p] = existsSync(host) || isLink(host) ? (lstatSync(host).isSymbolicLink() ? `link` : `${sha(readFileSync(host))} ${lstatSync(host).mode.toString(8)}`) : 'absent';
    }
    return out;
  }, { readOnly: true });
}

function isLink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

export function imageSha(img: string): string {
  return execFileSync('sha256sum', [img], { encoding: 'utf8' }).split(' ')[0]!;
}
