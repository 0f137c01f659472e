/** The pool file parser: the seed's field names, defaults, owner and mode, clear refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePool, PoolError, isHostname } from '../../src/backup/peers/pool.js';
import { DEFAULT_RCP_COMMAND, DEFAULT_RSH_COMMAND } from '../../src/backup/peers/commands.js';

const bad = (doc: unknown, re: RegExp) =>
  assert.throws(() => parsePool(typeof doc === 'string' ? doc : JSON.stringify(doc)), (e: unknown) => e instanceof PoolError && e.exitCode === 2 && re.test(e.message));

test('a CedarBackup-like pool: defaults fill peers, indicators default to cback.collect / cback.stage', () => {
  const pool = parsePool(JSON.stringify({
    defaults: { remoteUser: 'backup', workingDir: '/var/tmp', type: 'remote' },
    ownership: 'backup:disk',
    permissions: '0640',
    peers: [
      { name: 'db1.example.org', collectDir: '/var/backups/collect' },
      { name: 'web-2', collectDir: '/srv/collect', remoteUser: 'cback', rcpCommand: ['scp', '-P', '2222'], permissions: '600' },
      { name: 'localhost', type: 'local', collectDir: '/mnt/other/collect', collectIndicator: 'done.flag' },
    ],
  }));
  const [a, b, c] = pool.peers;
  assert.deepEqual(a, {
    name: 'db1.example.org', type: 'remote', collectDir: '/var/backups/collect', workingDir: '/var/tmp', remoteUser: 'backup',
    rcpCommand: [...DEFAULT_RCP_COMMAND], rshCommand: [...DEFAULT_RSH_COMMAND],
    collectIndicator: 'cback.collect', stageIndicator: 'cback.stage', ownership: { user: 'backup', group: 'disk' }, permissions: 0o640,
  });
  assert.equal(b!.type === 'remote' && b!.remoteUser, 'cback');
  assert.deepEqual(b!.type === 'remote' && b!.rcpCommand, ['scp', '-P', '2222']);
  assert.equal(b!.permissions, 0o600);
  assert.deepEqual(c, { name: 'localhost', type: 'local', collectDir: '/mnt/other/collect', collectIndicator: 'done.flag', stageIndicator: 'cback.stage', ownership: { user: 'backup', group: 'disk' }, permissions: 0o640 });
});

test('the defaults are OpenSSH without questions: BatchMode, strict host keys, scp in SFTP mode', () => {
  assert.ok(DEFAULT_RCP_COMMAND.includes('-s') && !DEFAULT_RCP_COMMAND.includes('-O'));
  for (const argv of [DEFAULT_RCP_COMMAND, DEFAULT_RSH_COMMAND]) {
    assert.ok(argv.includes('BatchMode=yes') && argv.includes('StrictHostKeyChecking=yes'), argv.join(' '));
  }
});

test('refusals name the field and the problem', () => {
  bad('{"peers": [', /not JSON/);
  bad([], /JSON object/);
  bad({ peer: [] }, /unknown field "peer"/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: '/c', colectDir: '/d' }] }, /peers\[0\]: unknown field "colectDir"/);
  bad({ peers: [{ name: 'bad_name!', type: 'remote', collectDir: '/c' }] }, /"bad_name!" is not a valid host name/);
  bad({ peers: [{ name: 'a', type: 'ftp', collectDir: '/c' }] }, /type must be "local" or "remote"/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: 'relative/dir' }] }, /peer a: collectDir must be an absolute path/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: '/c', rcpCommand: 'scp -q' }] }, /rcpCommand must be a non-empty list of strings \(argv\)/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: '/c', rcpCommand: ['scp', '-O'] }] }, /"-O" \(legacy scp\).*remote shell/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: '/c', remoteUser: 'x@y' }] }, /remoteUser: "x@y" is not a user name/);
  bad({ peers: [{ name: 'a', type: 'remote', collectDir: '/c', localUser: '-u' }] }, /localUser: "-u" is not a user name/);
  bad({ peers: [{ name: 'a', type: 'local', collectDir: '/c', rcpCommand: ['scp'] }] }, /rcpCommand is for remote peers/);
  bad({ permissions: 640, peers: [{ name: 'a', type: 'local', collectDir: '/c' }] }, /octal string such as "0640"/);
  bad({ peers: [{ name: 'a', type: 'local', collectDir: '/c', stageIndicator: '../x' }] }, /must be a plain file name/);
  bad({ peers: [{ name: 'A', type: 'local', collectDir: '/c' }, { name: 'a', type: 'local', collectDir: '/d' }] }, /two peers are named "a"/);
});

test('host names', () => {
  for (const ok of ['a', 'db1.example.org', '127.0.0.2', 'x-1']) assert.ok(isHostname(ok), ok);
  for (const no of ['', '-a', 'a-', 'a..b', 'a b', 'a/b', 'a;b', 'x'.repeat(64)]) assert.ok(!isHostname(no), no);
});
