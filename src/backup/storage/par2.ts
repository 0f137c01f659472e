/**
 * par2+<url>: Debian's par2 (par2cmdline) makes recovery files beside each file (`NAME.par2`
 * and `NAME.vol000+NN.par2`, 10% redundancy); get verifies and, when the file is damaged,
 * fetches the recovery volumes and repairs. Fails closed where duplicity's par2 backend did not:
 * a failed par2 creation fails the put, missing recovery files fail the get, and a failed repair
 * never puts the damaged file in place (nothing is written at localPath).
 */
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import type { SessionLog } from '../../core/log.js';
import type { Backend, GetOptions, PutOptions } from './types.js';
import type { StorageDeps } from './registry.js';
import { StorageError } from './errors.js';
import { checkName } from './names.js';
import { copyFileAtomic } from './local-copy.js';

const REDUNDANCY_PERCENT = 10;

/** The recovery files of `name` among a listing. */
export function par2FilesOf(name: string, names: string[]): string[] {
  return names.filter((n) => n === `${name}.par2` || (n.startsWith(`${name}.vol`) && /^\.vol\d+\+\d+\.par2$/.test(n.slice(name.length))));
}

/** Names that are recovery files of another listed name. */
function isRecoveryFile(n: string, all: Set<string>): boolean {
  const m = /^(.*?)(?:\.vol\d+\+\d+)?\.par2$/.exec(n);
  return !!m && all.has(m[1]!);
}

export class Par2Backend implements Backend {
  readonly displayUrl: string;
  constructor(private readonly inner: Backend, private readonly runner: Runner, private readonly log: SessionLog, private readonly tmp: string) {
    this.displayUrl = `par2+${inner.displayUrl}`;
  }

  private async workDir(): Promise<string> {
    return mkdtemp(join(this.tmp, 'firstaid-par2-'));
  }

  private par2(args: string[], cwd: string) {
    // `--` ends the options: a name may start with "-".
    return this.runner.run('par2', args, { cwd, allowFailure: true, timeoutMs: 6 * 3600_000 });
  }

  async put(localPath: string, name: string, opts: PutOptions = {}): Promise<void> {
    checkName(name);
    const work = await this.workDir();
    try {
      await symlink(localPath, join(work, name));
      const r = await this.par2(['create', '-q', '-q', `-r${REDUNDANCY_PERCENT}`, '-n1', '--', `${name}.par2`, name], work);
      const made = par2FilesOf(name, await readdir(work));
      if (r.exitCode !== 0 || made.length < 2) {
        throw new StorageError('other', `par2 could not make the recovery files of ${name} (exit ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? ''}); nothing was sent.`,
          'Check the free space in the temporary directory, or store without par2+.');
      }
      await this.inner.put(localPath, name, opts);
      for (const f of made.sort()) await this.inner.put(join(work, f), f);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async get(name: string, localPath: string, opts: GetOptions = {}): Promise<void> {
    checkName(name);
    const names = await this.inner.list();
    if (!names.includes(name)) throw new StorageError('not-found', `get ${name} from ${this.displayUrl}: not found.`);
    const recovery = par2FilesOf(name, names);
    if (!recovery.includes(`${name}.par2`)) {
      throw new StorageError('not-found', `${name} on ${this.inner.displayUrl} has no par2 recovery files, so it cannot be checked.`,
        `Get it without the par2+ prefix (${this.inner.displayUrl}) if it is wanted unchecked.`);
    }
    const work = await this.workDir();
    try {
      await this.inner.get(name, join(work, name), opts);
      await this.inner.get(`${name}.par2`, join(work, `${name}.par2`));
      const v = await this.par2(['verify', '-q', '-q', '--', `${name}.par2`], work);
      if (v.exitCode !== 0) {
        this.log.warn(`storage: ${name} from ${this.inner.displayUrl} is damaged (par2 verify exit ${v.exitCode}); repairing`);
        for (const f of recovery) if (f !== `${name}.par2`) await this.inner.get(f, join(work, f));
        const r = await this.par2(['repair', '-q', '-q', '--', `${name}.par2`], work);
        if (r.exitCode !== 0) {
          throw new StorageError('corrupt', `${name} on ${this.inner.displayUrl} is damaged beyond what its recovery files can repair (par2 exit ${r.exitCode}); nothing was written to ${localPath}.`,
            'Use another copy of this file; this one cannot be trusted.');
        }
        this.log.info(`storage: ${name} repaired through par2`);
      }
      await copyFileAtomic(join(work, name), localPath, { what: `writing ${localPath}` });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async list(): Promise<string[]> {
    const names = await this.inner.list();
    const all = new Set(names);
    return names.filter((n) => !isRecoveryFile(n, all));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    const names = await this.inner.list();
    await this.inner.delete(name);
    await this.inner.deleteList(par2FilesOf(name, names));
  }

  async deleteList(names: string[]): Promise<void> {
    const all = await this.inner.list();
    await this.inner.deleteList([...names, ...names.flatMap((n) => par2FilesOf(n, all))]);
  }

  query(name: string): Promise<number> {
    return this.inner.query(name);
  }

  queryList(names: string[]): Promise<Map<string, number>> {
    return this.inner.queryList(names);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export async function openPar2Backend(inner: Backend, deps: StorageDeps): Promise<Backend> {
  await deps.runner.require('par2');
  return new Par2Backend(inner, deps.runner, deps.log, deps.tmpDir ?? tmpdir());
}
