/**
 * Kill during apply (issue 13, part 5), on the flow engine alone: a child running a fix is
 * killed with SIGKILL at every kill point of apply and verify in turn. Afterwards the target is
 * either fixed and the fix recorded (no journal), or untouched, or the interrupted fix is
 * reported (journal + warning finding) and its backup restores the broken bytes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { PluginDiagnosis } from '../../src/rescue-plugins/flow.js';
import { findInterrupted, formatInterrupted } from '../../src/rescue-plugins/apply-journal.js';

const CHILD = join(import.meta.dirname, 'fixtures-flow', 'kill-child.ts');

function child(base: string, args: string[], killAt?: number): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, base, ...args], {
    encoding: 'utf8', env: { ...process.env, ...(killAt ? { FIRSTAID_TEST_KILL_AT: String(killAt) } : {}) }, timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

test('SIGKILL at every kill point of a fix: fixed and recorded, or reported and revertable to the exact broken bytes', async () => {
  const outcomes: string[] = [];
  for (let n = 1; n < 30; n++) {
    const base = mkdtempSync(join(tmpdir(), 'fa-kill-'));
    try {
      mkdirSync(join(base, 'root', 'etc'), { recursive: true });
      writeFileSync(join(base, 'root', 'etc', 'thing.conf'), 'broken\n');
      const r = child(base, ['fix'], n);
      if (r.signal !== 'SIGKILL') {
        // Past the last kill point: the fix ran to its end.
        assert.equal(r.status, 0, r.stderr);
        assert.ok(n > 3, `only ${n - 1} kill points`);
        assert.equal(JSON.parse(r.stdout).verified, true);
        outcomes.push(`${n}:completed`);
        break;
      }
      assert.match(r.stderr, new RegExp(`firstaid-test: SIGKILL at ${n} `));
      const store = join(base, 'store');
      const interrupted = await findInterrupted(store);
      const content = readFileSync(join(base, 'root', 'etc', 'thing.conf'), 'utf8');
      if (interrupted.length === 0) {
        // Either the kill came after the fix was recorded (fixed) or before the journal (nothing changed).
        assert.ok(content === 'fixed\n' || (content === 'broken\n' && !existsSync(join(base, 'root', 'etc', 'thing.d'))), `n=${n}: ${content}`);
        outcomes.push(`${n}:${content.trim()}`);
        continue;
      }
      assert.equal(interrupted.length, 1);
      const id = interrupted[0]!.backupId;
      assert.match(formatInterrupted(interrupted).join('\n'), new RegExp(`firstaid revert ${id}`));
      // The next start reports it as a finding of its plugin.
      const d = child(base, ['diagnose']);
      assert.equal(d.status, 0, d.stderr);
      const f = (JSON.parse(d.stdout) as PluginDiagnosis[])[0]!.findings.find((x) => x.id.startsWith('thing.interrupted-fix:'));
      assert.ok(f, d.stdout);
      assert.equal(f.severity, 'warning');
      assert.match(f.evidence.join('\n'), new RegExp(`firstaid revert ${id}`));
      // Revert from its backup: the broken bytes exactly, the created directory gone, no longer reported.
      const rv = child(base, ['revert', id]);
      assert.equal(rv.status, 0, rv.stderr);
      assert.equal(readFileSync(join(base, 'root', 'etc', 'thing.conf'), 'utf8'), 'broken\n');
      assert.ok(!existsSync(join(base, 'root', 'etc', 'thing.d')), 'the directory the fix created is removed');
      assert.deepEqual(readdirSync(join(base, 'root', 'etc')).filter((x) => x.includes('firstaid')), [], 'no temp file left');
      assert.deepEqual(await findInterrupted(store), []);
      outcomes.push(`${n}:reverted`);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  assert.ok(outcomes.at(-1)?.endsWith('completed'), outcomes.join(' '));
  assert.ok(outcomes.filter((o) => o.endsWith('reverted')).length >= 3, outcomes.join(' '));
});
