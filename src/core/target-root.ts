/**
 * The one way to reach a path inside the target installation. Paths are resolved the way the
 * target itself would see them (as if chrooted): an absolute symlink restarts at the target's
 * root, `..` never climbs above it, loops end with ELOOP after 40 links. The host path returned
 * is therefore always below `root`. (Like chroot, this does not defend against a concurrent
 * attacker swapping links between resolve and use; a rescue target is not live.)
 */
import { lstat, readlink, readFile, readdir, mkdir, rm, stat, realpath } from 'node:fs/promises';
import type { Stats, Dirent } from 'node:fs';
import { join, sep, relative, isAbsolute } from 'node:path';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js';
import { FirstaidError } from './errors.js';
import type { Runner } from './runner.js';

const MAX_LINKS = 40;

function errno(code: string, message: string, path: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${message}, '${path}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.path = path;
  return e;
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

export interface ResolveOptions {
  /** Follow a symlink in the last component too (default true; false for lstat/readlink/remove). */
  followFinal?: boolean;
}

export class TargetRoot {
  /** Host path of the target's root directory (symlink-free). */
  readonly root: string;
  private readonly runner: Runner | undefined;

  private constructor(root: string, runner?: Runner) {
    this.root = root;
    this.runner = runner;
  }

  /** @param root host directory where the target's / is mounted. */
  static async open(root: string, runner?: Runner): Promise<TargetRoot> {
    let real: string;
    try {
      real = await realpath(root);
      if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new FirstaidError('bad-root', `The target root "${root}" is not a directory.`, 'Give --root the directory where the installation is mounted.', 2);
    }
    return new TargetRoot(real, runner);
  }

  /** Host path for a target path (absolute, as the target sees it; relative means from /). */
  async resolve(targetPath: string, opts: ResolveOptions = {}): Promise<string> {
    const followFinal = opts.followFinal ?? true;
    const stack: string[] = [];
    let queue = components(targetPath);
    let links = 0;
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === '..') {
        stack.pop();
        continue;
      }
      const candidate = join(this.root, ...stack, c);
      const isLast = queue.length === 0;
      let st: Stats | undefined;
      try {
        st = await lstat(candidate);
      } catch {
        st = undefined; // does not exist (yet): the rest is taken literally, still confined
      }
      if (st?.isSymbolicLink() && (!isLast || followFinal)) {
        if (++links > MAX_LINKS) throw errno('ELOOP', 'too many levels of symbolic links', targetPath);
        const link = await readlink(candidate);
        if (link.startsWith('/')) stack.length = 0;
        queue = [...components(link), ...queue];
        continue;
      }
      stack.push(c);
    }
    return join(this.root, ...stack);
  }

  /** The target path (as the target sees it) of a host path below root. */
  toTargetPath(hostPath: string): string {
    const rel = relative(this.root, hostPath);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${hostPath} is outside the target root`);
    return '/' + rel.split(sep).join('/');
  }

  async readText(p: string): Promise<string> {
    return readFile(await this.resolve(p), 'utf8');
  }

  async readBytes(p: string): Promise<Buffer> {
    return readFile(await this.resolve(p));
  }

  /** Text of the file, or undefined when it does not exist. */
  async readTextIfExists(p: string): Promise<string | undefined> {
    try {
      return await this.readText(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async exists(p: string): Promise<boolean> {
    try {
      await lstat(await this.resolve(p));
      return true;
    } catch {
      return false;
    }
  }

  async stat(p: string): Promise<Stats> {
    return stat(await this.resolve(p));
  }

  async lstat(p: string): Promise<Stats> {
    return lstat(await this.resolve(p, { followFinal: false }));
  }

  /** The raw link text of a symlink inside the target. */
  async readlink(p: string): Promise<string> {
    return readlink(await this.resolve(p, { followFinal: false }));
  }

  async readdir(p: string): Promise<string[]> {
    return readdir(await this.resolve(p));
  }

  async readdirTypes(p: string): Promise<Dirent[]> {
    return readdir(await this.resolve(p), { withFileTypes: true });
  }

  async mkdirp(p: string, mode = 0o755): Promise<string> {
    // Resolve component by component so a symlinked parent is followed inside the root.
    const host = await this.resolve(p);
    await mkdir(host, { recursive: true, mode });
    return host;
  }

  /** Replaces (or creates) a file atomically, keeping mode, owner and xattrs of the old one. */
  async writeFileAtomic(p: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
    const host = await this.resolve(p);
    await writeFileAtomic(host, data, { runner: this.runner, ...opts });
  }

  /** Removes a path (not following a final symlink). */
  async remove(p: string, opts: { recursive?: boolean } = {}): Promise<void> {
    const host = await this.resolve(p, { followFinal: false });
    if (host === this.root) throw new Error('refusing to remove the target root');
    await rm(host, { recursive: opts.recursive ?? false, force: true });
  }
}
