/**
 * An OpenSSH sshd of the test's own, for storage and peers tests (field notes
 * archives-backends.md section 7). The system's sshd and /etc/ssh are never read or touched:
 * own config, own ed25519 host key, own free port, ListenAddress on the given 127.x.y.z
 * addresses only, `sshd -D -e -f config` as a child of the test, UsePAM no, key-only login as
 * the current user (root here) with a client key pair generated per run, and a known_hosts
 * file holding this server's host key for every address.
 *
 *   const s = await startSshd({ addresses: ['127.0.0.1', '127.0.0.2'] });
 *   execFileSync('ssh', [...s.sshArgs(), `${s.user}@127.0.0.1`, 'true']);
 *   execFileSync('sftp', [...s.sftpArgs(), `${s.user}@127.0.0.1`]);   // -P PORT, not -p
 *   await s.stop();
 *
 * Test dirs live under /root/.cache/firstaid-test (root-owned, 0700): StrictModes refuses an
 * authorized_keys under /tmp. `dataDir` is an empty directory the tests may use as the remote
 * side. `sessionPids()` lists the per-connection sshd children (SIGKILL one to cut a link).
 * A second startSshd() has another host key: use its port with the first one's hostPublicKey
 * in a known_hosts file for the "host key changed" case.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, openSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshdOptions {
  /** 127.x.y.z addresses to listen on (default ['127.0.0.1']); anything else is refused. */
  addresses?: string[];
  /** `internal-sftp -R`: the SFTP subsystem refuses every write (permission-denied fixture). */
  readOnlySftp?: boolean;
  /** Extra sshd_config lines, appended as given. */
  extraConfig?: string[];
}

export interface Sshd {
  port: number;
  /** The login name (the user running the test). */
  user: string;
  /** Private key of the client key pair (its .pub is in authorized_keys). */
  identityFile: string;
  /** known_hosts with this server's host key for each address at this port. */
  knownHostsFile: string;
  addresses: string[];
  /** The host key, "ssh-ed25519 AAAA..." (for writing other known_hosts files). */
  hostPublicKey: string;
  /** The run's directory (config, keys, log), root-owned under a 0700 parent. */
  dir: string;
  /** An empty directory for the tests' remote side. */
  dataDir: string;
  logFile: string;
  pid: number;
  /** Client options for ssh: -F /dev/null -p PORT -i ID -o ... (no destination). */
  sshArgs(): string[];
  /** The same for sftp and scp (-P PORT). */
  sftpArgs(): string[];
  /** The -o/-i options alone (no port), e.g. for rsync -e or a Runner-based client. */
  clientOptions(): string[];
  /** Per-connection sshd processes (children of the listener). */
  sessionPids(): number[];
  stop(): Promise<void>;
}

const TEST_ROOT = '/root/.cache/firstaid-test';

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its "SSH-" banner on address:port. */
function bannerSeen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(1000, () => done(false));
    s.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('error', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const addresses = opts.addresses ?? ['127.0.0.1'];
  for (const a of addresses) if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) throw new Error(`startSshd: ${a} is not a 127.0.0.0/8 address`);
  mkdirSync(TEST_ROOT, { recursive: true, mode: 0o700 });
  chmodSync(TEST_ROOT, 0o700);
  const dir = mkdtempSync(join(TEST_ROOT, 'sshd-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  // sshd -t and sshd itself need the privilege separation directory. Left in place afterwards:
  // other tests' servers may be using it at the same time.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  for (const k of ['hostkey', 'id']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `firstaid-test-${k}`, '-f', join(dir, k)]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id.pub')), { mode: 0o600 });
  const hostPublicKey = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const logFile = join(dir, 'sshd.log');
  const knownHostsFile = join(dir, 'known_hosts');

  let lastErr = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(addresses[0]!);
    const config = [
      ...addresses.map((a) => `ListenAddress ${a}`),
      `Port ${port}`,
      `HostKey ${join(dir, 'hostkey')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'StrictModes yes',
      'LogLevel VERBOSE',
      `Subsystem sftp internal-sftp${opts.readOnlySftp ? ' -R' : ''}`,
      ...(opts.extraConfig ?? []),
    ].join('\n') + '\n';
    const configFile = join(dir, 'sshd_config');
    writeFileSync(configFile, config, { mode: 0o600 });
    execFileSync('/usr/sbin/sshd', ['-t', '-f', configFile]);
    const errFd = openSync(logFile, 'a');
    // stdout ignored, stderr to a file: an inherited pipe would keep callers waiting.
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', errFd] });
    closeSync(errFd);
    let up = false;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (await bannerSeen(addresses[0]!, port)) { up = true; break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      child.kill('SIGKILL');
      await exited(child);
      lastErr = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      continue; // most likely the port was taken in between: another one
    }
    writeFileSync(knownHostsFile, addresses.map((a) => `[${a}]:${port} ${hostPublicKey}\n`).join(''), { mode: 0o600 });
    const clientOptions = () => [
      '-i', join(dir, 'id'),
      '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'UpdateHostKeys=no', '-o', 'ConnectTimeout=5',
      '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2',
    ];
    const pid = child.pid!;
    const sessionPids = (): number[] => {
      try {
        return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    return {
      port,
      user: userInfo().username,
      identityFile: join(dir, 'id'),
      knownHostsFile,
      addresses,
      hostPublicKey,
      dir,
      dataDir,
      logFile,
      pid,
      clientOptions,
      sshArgs: () => ['-F', '/dev/null', '-p', String(port), ...clientOptions()],
      sftpArgs: () => ['-F', '/dev/null', '-P', String(port), ...clientOptions()],
      sessionPids,
      async stop() {
        for (const p of sessionPids()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
        child.kill('SIGTERM');
        await exited(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`startSshd: sshd did not come up: ${lastErr}`);
}

/** Appends a line to a known_hosts file (tests of the host-key-changed case). */
export function addKnownHost(file: string, address: string, port: number, publicKey: string): void {
  appendFileSync(file, `[${address}]:${port} ${publicKey}\n`, { mode: 0o600 });
}
