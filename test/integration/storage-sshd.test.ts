// The test sshd helper itself: a login on each address, the known_hosts it writes, stop().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { startSshd } from '../helpers/sshd.js';

test('startSshd: key login on every address, host key checked, stop() removes it', needs({ root: true, tools: ['ssh', '/usr/sbin/sshd'] }), async () => {
  const s = await startSshd({ addresses: ['127.0.0.1', '127.0.0.2'] });
  try {
    for (const a of s.addresses) {
      const out = execFileSync('ssh', [...s.sshArgs(), `${s.user}@${a}`, 'echo', 'hello'], { encoding: 'utf8' });
      assert.equal(out.trim(), 'hello');
    }
    // The same server with an empty known_hosts: refused, not trusted on first use.
    const empty = join(s.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const args = s.sshArgs().map((x) => (x.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${empty}` : x));
    const r = spawnSync('ssh', [...args, `${s.user}@127.0.0.1`, 'true'], { encoding: 'utf8' });
    assert.equal(r.status, 255);
    assert.match(r.stderr, /host key is known|Host key verification failed/);
  } finally {
    await s.stop();
  }
  assert.equal(existsSync(s.dir), false);
});
