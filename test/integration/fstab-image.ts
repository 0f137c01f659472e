/** Reading and writing a fixture image's root filesystem from the fstab tests (own loop device, detached after). */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs fn with the image's partition `part` mounted (read-only unless rw), then unmounts and detaches. */
export function withPartition<T>(image: string, part: string, fn: (dir: string) => T, opts: { rw?: boolean; node?: (dev: string) => void } = {}): T {
  const loop = execFileSync('losetup', ['-f', '--show', '-P', ...(opts.rw || opts.node ? [] : ['-r']), image], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync('/tmp/fa-fstab-mnt-');
  let mounted = false;
  try {
    const node = `${loop}p${part}`;
    // No udev here: make the partition node when losetup -P did not.
    for (let i = 0; i < 50 && !existsSync(node); i++) {
      if (i === 5) execFileSync('partx', ['-a', loop], { stdio: 'ignore' });
      const sys = `/sys/class/block/${loop.slice(5)}p${part}/dev`;
      if (i > 10 && existsSync(sys)) {
        const [ma, mi] = readFileSync(sys, 'utf8').trim().split(':');
        execFileSync('mknod', [node, 'b', ma!, mi!]);
      }
      execFileSync('sleep', ['0.1']);
    }
    // Something to do to the unmounted partition first (tune2fs), with the image attached writable.
    if (opts.node) {
      opts.node(node);
      return undefined as T;
    }
    execFileSync('mount', ['-o', opts.rw ? 'rw' : 'ro,noload', node, dir]);
    mounted = true;
    return fn(dir);
  } finally {
    if (mounted) execFileSync('umount', [dir]);
    rmdirSync(dir);
    execFileSync('losetup', ['-d', loop]);
  }
}

export function readRootFile(image: string, rootPart: string, path: string): string {
  return withPartition(image, rootPart, (d) => readFileSync(join(d, path), 'utf8'));
}

export function readRootBytes(image: string, rootPart: string, path: string): Buffer {
  return withPartition(image, rootPart, (d) => readFileSync(join(d, path)));
}

export function writeRootFile(image: string, rootPart: string, path: string, text: string | Buffer): void {
  withPartition(image, rootPart, (d) => writeFileSync(join(d, path), text), { rw: true });
}

export function sha256(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });
}
