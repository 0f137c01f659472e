/**
 * A source tree for the archive tests with everything an archive must carry (content, modes,
 * owners, user.* and trusted.* xattrs, a POSIX ACL, symlinks, hard links, a sparse file, long
 * names, names starting with '-' or holding a newline, a FIFO), and a description of a tree that
 * two trees can be compared by (deepEqual).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, openSync, closeSync, ftruncateSync, writeSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export const LONG_DIR = 'd'.repeat(120);
export const LONG_FILE = 'f'.repeat(200);

export function makeTree(root: string): void {
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  writeFileSync(join(root, 'secret'), 'top secret\n');
  chmodSync(join(root, 'secret'), 0o600);
  chownSync(join(root, 'secret'), 1234, 5678);
  writeFileSync(join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'script.sh'), 0o4755);
  writeFileSync(join(root, '-rf'), 'a name that is an option\n');
  writeFileSync(join(root, '--files-from=x'), 'another\n');
  writeFileSync(join(root, 'new\nline'), 'newline in the name\n');
  writeFileSync(join(root, 'sp ace "q"'), 'spaces and quotes\n');
  mkdirSync(join(root, LONG_DIR));
  writeFileSync(join(root, LONG_DIR, LONG_FILE), 'long names\n');
  symlinkSync('etc/hosts', join(root, 'link-rel'));
  symlinkSync('/nowhere/at/all', join(root, 'link-dangling'));
  linkSync(join(root, 'etc', 'hosts'), join(root, 'hard'));
  const fd = openSync(join(root, 'sparse'), 'w');
  ftruncateSync(fd, 16 * 1024 * 1024);
  writeSync(fd, Buffer.from('end'), 0, 3, 16 * 1024 * 1024 - 3);
  closeSync(fd);
  execFileSync('mkfifo', [join(root, 'fifo')]);
  execFileSync('setfattr', ['-n', 'user.note', '-v', 'kept', join(root, 'etc', 'hosts')]);
  execFileSync('setfattr', ['-n', 'trusted.firstaid', '-v', 'root-only', join(root, 'secret')]);
  execFileSync('setfacl', ['-m', 'u:4321:r--', join(root, 'script.sh')]);
  utimesSync(join(root, 'secret'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
}

export interface EntryFacts {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  target?: string;
  mtime?: number;
  /** Index (in sorted order) of the first path sharing this inode. */
  linkGroup?: string;
  xattrs?: string;
  acl?: string;
  /** Allocated KiB (sparse files stay small). */
  allocatedKiB?: number;
}

export interface DescribeOptions {
  xattrs?: boolean;
  acls?: boolean;
  /** Only trust that a file is sparse when the archiver keeps sparseness. */
  sparse?: boolean;
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(root, rel)).sort()) {
    const p = rel ? `${rel}/${n}` : n;
    out.push(p);
    if (lstatSync(join(root, p)).isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

export function describeTree(root: string, opts: DescribeOptions = {}): EntryFacts[] {
  const inodes = new Map<number, string>();
  return walk(root).map((p) => {
    const full = join(root, p);
    const st = lstatSync(full);
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : 'other';
    const e: EntryFacts = { path: p, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    if (type === 'file') {
      e.size = st.size;
      e.sha256 = createHash('sha256').update(readFileSync(full)).digest('hex');
      e.mtime = Math.floor(st.mtimeMs / 1000);
      if (st.nlink > 1) {
        if (!inodes.has(st.ino)) inodes.set(st.ino, p);
        e.linkGroup = inodes.get(st.ino)!;
      }
      if (opts.sparse && st.size > 1024 * 1024) e.allocatedKiB = Math.ceil((st.blocks * 512) / 1024 / 64) * 64;
    }
    if (type === 'symlink') e.target = readlinkSync(full);
    if (opts.xattrs && type !== 'symlink') {
      e.xattrs = execFileSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', full], { encoding: 'utf8' })
        .split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('system.posix_acl')).sort().join(';');
    }
    if (opts.acls && type !== 'symlink') e.acl = execFileSync('getfacl', ['-c', '-p', full], { encoding: 'utf8' }).trim();
    return e;
  });
}
