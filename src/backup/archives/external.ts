/**
 * The external provider: GNU tar through the runner. Every type, levels through
 * --listed-incremental, xattrs/ACLs/SELinux kept. stderr becomes the seed's events; exit 1
 * (some files changed) is a warning, exit >= 2 is always fatal, whatever was seen before it.
 */
import { writeFile, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { FirstaidError } from '../../core/errors.js';
import { tarHeaderParser } from './tar-headers.js';
import { ARCHIVE_TYPES, type ArchiveMember, type ArchiveType, type ArchiverProvider, type CreateRequest, type CreateResult, type Feature } from './types.js';
import { classifyStderr, createArgv, parseVerboseLine } from './gnu-tar.js';
import { followFile, lineSplitter } from './follow.js';

const ALL: Feature[] = ['incremental', 'xattrs', 'acls', 'selinux', 'sparse', 'hard-links', 'special-files'];
const NO_TIMEOUT = 7 * 24 * 3600 * 1000;

export class ExternalProvider implements ArchiverProvider {
  readonly name = 'external' as const;
  readonly types: readonly ArchiveType[] = ARCHIVE_TYPES;

  constructor(private readonly runner: Runner) {}

  features(type: ArchiveType): ReadonlySet<Feature> {
    return new Set<Feature>(type === 'tar' ? ALL : [...ALL, 'compression-strength']);
  }

  async create(req: CreateRequest): Promise<CreateResult> {
    const tool = { 'tar.gz': 'gzip', 'tar.bz2': 'bzip2', 'tar.xz': 'xz', 'tar.zst': 'zstd', tar: null }[req.def.type];
    await this.runner.require('tar', ...(tool ? [tool] : []));
    const base = join(dirname(req.file), '.' + basename(req.file));
    const listFile = base + '.list';
    // A plain tar's members come from its own headers, read along with the sha256 (cheaper than
    // tar formatting a -vv listing: 0.1 s on 20,000 files); a compressed one's from the listing.
    const fromHeaders = req.def.type === 'tar' && req.tapArchive !== undefined;
    const indexFile = fromHeaders ? undefined : base + '.index';
    const include = req.def.include?.length ? req.def.include : ['.'];
    await writeFile(listFile, include.map((p) => p + '\0').join(''), { mode: 0o600 });
    if (indexFile) await writeFile(indexFile, '', { mode: 0o600 });
    const member = (m: ArchiveMember) => req.onMember({ ...m, path: m.path.replace(/^\.\//, '') });
    if (fromHeaders) {
      const headers = tarHeaderParser(member);
      req.tapArchive!((b) => headers.push(b));
    }
    let fatal: string | undefined;
    const stderrTail: string[] = [];
    try {
      const run = this.runner.run('tar', createArgv({
        file: req.file, root: req.def.root, listFile, ...(indexFile ? { indexFile } : {}), type: req.def.type,
        ...(req.strength !== undefined ? { strength: req.strength } : {}),
        ...(req.snapshot ? { snapshot: req.snapshot } : {}),
        ...(req.def.exclude ? { exclude: req.def.exclude } : {}),
      }), {
        allowFailure: true,
        timeoutMs: NO_TIMEOUT,
        ...(req.signal ? { signal: req.signal } : {}),
        onLine: (line, stream) => {
          if (stream !== 'stderr') return;
          stderrTail.push(line);
          if (stderrTail.length > 5) stderrTail.shift();
          const c = classifyStderr(line);
          if (c === null) return;
          if ('fatal' in c) fatal ??= c.fatal;
          else req.onError(c);
        },
      });
      const lines = lineSplitter((l) => {
        const m = parseVerboseLine(l);
        if (m) member(m);
      });
      const [r] = await Promise.all([run, indexFile ? followFile(indexFile, run, (b) => lines.push(b)) : undefined]);
      lines.end();
      if (r.exitCode === 0) return { someFilesChanged: false };
      if (r.exitCode === 1) {
        req.onError({ operation: 'finish', kind: 'some-files-changed', message: 'tar: some files changed while they were read' });
        return { someFilesChanged: true };
      }
      const why = fatal ?? (stderrTail.join(' | ') || `exit code ${r.exitCode}`);
      if (/No space left on device/.test(why)) {
        throw new FirstaidError('no-space', `No space left while writing the archive ${req.file}.`, 'Free space there, or archive to another place (--to URL).');
      }
      throw new FirstaidError('archive-failed', `GNU tar could not make the archive (exit ${r.exitCode}): ${why}`, 'Nothing was kept under the final name; see the session log, fix the cause and run it again.');
    } finally {
      await rm(listFile, { force: true });
      if (indexFile) await rm(indexFile, { force: true });
    }
  }
}
