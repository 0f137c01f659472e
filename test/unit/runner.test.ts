import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Runner } from '../../src/core/runner.js';
import { SessionLog } from '../../src/core/log.js';
import { ToolMissingError, CommandFailedError, CancelledError } from '../../src/core/errors.js';

function runner(dryRun = false) {
  const log = new SessionLog();
  return { log, r: new Runner({ log, dryRun }) };
}

test('runs argv without a shell and logs command, exit code and duration', async () => {
  const { log, r } = runner();
  const res = await r.run('printf', ['%s|', 'a b', '$(echo no)', ';rm']);
  assert.equal(res.stdout, 'a b|$(echo no)|;rm|');
  const e = log.entries.at(-1);
  assert.ok(e && e.kind === 'command');
  assert.deepEqual(e.argv, ['printf', '%s|', 'a b', '$(echo no)', ';rm']);
  assert.equal(e.exitCode, 0);
  assert.equal(typeof e.durationMs, 'number');
});

test('a missing tool names its Debian package', async () => {
  const { r } = runner();
  await assert.rejects(r.run('mcopy-not-here', []), ToolMissingError);
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(r.run('losetup', ['-a']), (e: ToolMissingError) => e instanceof ToolMissingError && e.debianPackage === 'mount' && /apt-get install mount/.test(e.hint));
  } finally {
    process.env.PATH = saved;
  }
});

test('a failing command throws with its stderr; allowFailure returns it', async () => {
  const { r } = runner();
  await assert.rejects(r.run('sh', ['-c', 'echo boom >&2; exit 3']), (e: CommandFailedError) => e instanceof CommandFailedError && e.exitCodeOfCommand === 3 && /boom/.test(e.message));
  const res = await r.run('sh', ['-c', 'exit 4'], { allowFailure: true });
  assert.equal(res.exitCode, 4);
});

test('dry-run records changing commands and still runs read-only ones', async () => {
  const { r } = runner(true);
  const w = await r.run('touch', ['/nonexistent-dir/should-not-exist']);
  assert.equal(w.dryRun, true);
  assert.deepEqual(r.planned, [['touch', '/nonexistent-dir/should-not-exist']]);
  const ro = await r.run('echo', ['hi'], { readOnly: true });
  assert.equal(ro.stdout, 'hi\n');
  assert.equal(r.planned.length, 1);
});

test('streams lines as they arrive', async () => {
  const { r } = runner();
  const lines: string[] = [];
  await r.run('sh', ['-c', 'echo one; echo two >&2; printf three'], { onLine: (l) => lines.push(l) });
  assert.deepEqual(lines.sort(), ['one', 'three', 'two']);
});

test('timeouts and cancellation stop the command', async () => {
  const { r } = runner();
  await assert.rejects(r.run('sleep', ['5'], { timeoutMs: 200 }), /timed out/);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(r.run('sleep', ['5'], { signal: ac.signal }), CancelledError);
});

test('secret arguments never reach the log', async () => {
  const { log, r } = runner();
  await r.run('echo', ['--password', 'hunter2', 'sftp://user:pw@host/x'], { secretArgs: [1] });
  const text = JSON.stringify(log.entries);
  assert.ok(!text.includes('hunter2'));
  assert.ok(!text.includes(':pw@'));
});
