/**
 * Remote paths and commands: a real sh reads the quoted words back as given, the SFTP glob
 * escape leaves no metacharacter live, scp is forced into SFTP mode, privileges drop by argv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyArgv, remoteCommand, remoteOperand, remotePathMode, sftpGlobEscape, shQuote } from '../../src/backup/peers/remote-args.js';
import { asLocalUser } from '../../src/backup/peers/commands.js';
import { sshFailureReason } from '../../src/backup/peers/ssh-failure.js';

const NASTY = ["plain", "with space", "it's", "a;touch /tmp/INJECTED", "$(id)", "`id`", "-dash", "back\\slash", "new\nline", "*?[x]", "'"];

test('shQuote: sh reads every word back exactly (what the remote login shell does with ssh\'s string)', () => {
  const script = remoteCommand(['printf', '%s\\0', ...NASTY]);
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), NASTY);
  assert.equal(shQuote("a'b"), `'a'\\''b'`);
});

test('sftp glob escape: every glob character is escaped', () => {
  assert.equal(sftpGlobEscape('/c dir/a*b?[x]\\y'), '/c dir/a\\*b\\?\\[x\\]\\\\y');
  assert.equal(remoteOperand('h', 'u', '/c/x*', 'sftp-glob'), 'u@h:/c/x\\*');
  assert.equal(remoteOperand('h', undefined, "/c/it's", 'shell'), `h:'/c/it'\\''s'`);
});

test('scp runs in SFTP mode; other copy programs get shell quoting', () => {
  assert.deepEqual(copyArgv(['scp', '-q']), ['scp', '-s', '-q']);
  assert.deepEqual(copyArgv(['/usr/bin/scp', '-s', '-q']), ['/usr/bin/scp', '-s', '-q']);
  assert.equal(remotePathMode(['/usr/bin/scp', '-q']), 'sftp-glob');
  assert.equal(remotePathMode(['rcp']), 'shell');
  assert.equal(remotePathMode(['scp', '-O']), 'shell');
});

test('a local user: runuser with an argv when root, nothing when not', () => {
  assert.deepEqual(asLocalUser(['scp', 'a b', 'c'], 'backup', 0), ['runuser', '-u', 'backup', '--', 'scp', 'a b', 'c']);
  assert.deepEqual(asLocalUser(['scp', 'x'], 'backup', 1000), ['scp', 'x']);
  assert.deepEqual(asLocalUser(['scp', 'x'], undefined, 0), ['scp', 'x']);
});

test('ssh failures by their stderr (OpenSSH 9.2 wording), not the shared exit code 255', () => {
  const cases: Array<[string, string]> = [
    ['ssh: connect to host 127.0.0.9 port 22: Connection refused\r\nscp: Connection closed', 'refused'],
    ['No ED25519 host key is known for [127.0.0.2]:2222 and you have requested strict checking.\r\nHost key verification failed.', 'host-key-unknown'],
    ['@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key verification failed.', 'host-key-changed'],
    ['root@127.0.0.2: Permission denied (publickey).', 'auth-failed'],
    ['ssh: connect to host 10.1.1.1 port 22: Connection timed out', 'timeout'],
    ['ssh: Could not resolve hostname nowhere: Name or service not known', 'unresolved'],
    ['Connection to 127.0.0.2 closed by remote host.', 'connection-lost'],
  ];
  for (const [stderr, reason] of cases) assert.equal(sshFailureReason(255, stderr), reason, stderr);
  assert.equal(sshFailureReason(255, 'something else'), 'ssh-failed');
  assert.equal(sshFailureReason(1, 'scp: /c/x: No such file or directory'), null);
});
