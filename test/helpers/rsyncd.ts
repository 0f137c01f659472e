/**
 * An rsync daemon of the test's own (field notes section 7): `rsync --daemon --no-detach` with
 * its own config, secrets and port on 127.0.0.1, modules `backup` (auth user fa, password pw),
 * `ro` (read only) and `full` (a 1 MiB tmpfs when mount allows it; `fullMounted` says).
 *
 *   const d = await startRsyncd();  // d.url('backup') = rsync://fa:pw@127.0.0.1:PORT/backup
 *   await d.stop();
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export interface Rsyncd {
  port: number;
  dir: string;
  /** Module directories by name. */
  paths: { backup: string; ro: string; full: string };
  fullMounted: boolean;
  /** rsync://[fa:pw@]127.0.0.1:PORT/MODULE (credentials only for `backup`). */
  url(module: 'backup' | 'ro' | 'full', password?: string): string;
  stop(): Promise<void>;
}

const ROOT = '/root/.cache/firstaid-test';

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const a = s.address();
    s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
  });
});

const answers = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect({ host: '127.0.0.1', port });
  s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('@RSYNCD')); });
  s.once('error', () => resolve(false));
});

export async function startRsyncd(): Promise<Rsyncd> {
  mkdirSync(ROOT, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(join(ROOT, 'rsyncd-'));
  const paths = { backup: join(dir, 'backup'), ro: join(dir, 'ro'), full: join(dir, 'full') };
  for (const p of Object.values(paths)) mkdirSync(p);
  let fullMounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', paths.full]);
    fullMounted = true;
  } catch { /* the caller skips the full-disk case */ }
  writeFileSync(join(dir, 'secrets'), 'fa:pw\n');
  chmodSync(join(dir, 'secrets'), 0o600);
  const mod = (name: string, path: string, extra: string[]) => [`[${name}]`, `path = ${path}`, ...extra];
  const auth = ['auth users = fa', `secrets file = ${join(dir, 'secrets')}`];
  writeFileSync(join(dir, 'rsyncd.conf'), [
    `pid file = ${join(dir, 'rsyncd.pid')}`, `lock file = ${join(dir, 'rsyncd.lock')}`, `log file = ${join(dir, 'rsyncd.log')}`,
    'use chroot = no', 'uid = root', 'gid = root',
    ...mod('backup', paths.backup, ['read only = false', ...auth]),
    ...mod('ro', paths.ro, ['read only = true']),
    ...mod('full', paths.full, ['read only = false']),
  ].join('\n') + '\n');
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn('rsync', ['--daemon', '--no-detach', `--config=${join(dir, 'rsyncd.conf')}`, '--address=127.0.0.1', `--port=${port}`], { stdio: 'ignore' });
    let up = false;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (await answers(port)) { up = true; break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) { child.kill('SIGKILL'); continue; }
    return {
      port, dir, paths, fullMounted,
      url: (m, password = 'pw') => `rsync://${m === 'backup' ? `fa:${password}@` : ''}127.0.0.1:${port}/${m}`,
      async stop() {
        child.kill('SIGTERM');
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
        if (fullMounted) execFileSync('umount', [paths.full]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const log = (() => { try { return readFileSync(join(dir, 'rsyncd.log'), 'utf8'); } catch { return ''; } })();
  if (fullMounted) execFileSync('umount', [paths.full]);
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`startRsyncd: the daemon did not come up: ${log.slice(-300)}`);
}
