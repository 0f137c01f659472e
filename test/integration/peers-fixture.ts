/**
 * Shared by the peers tests: one test sshd on 127.0.0.2 and 127.0.0.3 (two remote peers with
 * their own collect dirs), a local peer's dir, a staging dir, and pool entries for them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';

export interface PeersFixture {
  sshd: Sshd;
  runner: Runner;
  log: SessionLog;
  /** Collect dirs: a (127.0.0.2, with a space in its path), b (127.0.0.3), local. */
  collect: { a: string; b: string; local: string };
  staging: string;
  work: string;
  /** Pool entries (JSON objects) for the three peers. */
  entries: { a: Record<string, unknown>; b: Record<string, unknown>; local: Record<string, unknown> };
  dispose(): Promise<void>;
}

export async function peersFixture(): Promise<PeersFixture> {
  const sshd = await startSshd({ addresses: ['127.0.0.2', '127.0.0.3'] });
  const base = mkdtempSync(join(sshd.dir, 'peers-'));
  const collect = { a: join(sshd.dataDir, 'peer a', 'collect dir'), b: join(sshd.dataDir, 'peer-b', 'collect'), local: join(base, 'local-collect') };
  for (const d of Object.values(collect)) mkdirSync(d, { recursive: true });
  const staging = join(base, 'staging');
  const work = join(base, 'work');
  mkdirSync(work);
  const log = new SessionLog();
  const runner = new Runner({ log });
  const remote = (name: string, collectDir: string) => ({
    name,
    type: 'remote',
    collectDir,
    workingDir: work,
    remoteUser: sshd.user,
    rcpCommand: ['scp', ...sshd.sftpArgs()],
    rshCommand: ['ssh', ...sshd.sshArgs()],
  });
  return {
    sshd,
    runner,
    log,
    collect,
    staging,
    work,
    entries: { a: remote('127.0.0.2', collect.a), b: remote('127.0.0.3', collect.b), local: { name: 'localpeer', type: 'local', collectDir: collect.local } },
    async dispose() {
      await sshd.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A collect dir's backups, with the names that broke the seed, and its collect indicator. */
export function fillCollectDir(dir: string, tag: string, ready = true): Record<string, string> {
  const files: Record<string, string> = {
    [`${tag}-etc.tar.gz`]: `tarball of ${tag}\n`.repeat(1000),
    '.hidden-dotfile': `dot ${tag}\n`,
    'name with spaces.tar': `spaces ${tag}\n`,
    '-starts-with-dash': `dash ${tag}\n`,
    'glob*?[x]': `glob ${tag}\n`,
    "quote'and;semi": `quote ${tag}\n`,
    'sub dir/inner.txt': `inner ${tag}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  if (ready) writeFileSync(join(dir, 'cback.collect'), '');
  return files;
}
