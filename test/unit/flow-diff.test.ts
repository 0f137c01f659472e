import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { unifiedDiff } from '../../src/rescue-plugins/diff.js';

/** Applies the diff with GNU patch: the diff is right when patch turns before into after. */
function applyWithPatch(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fa-diff-'));
  try {
    writeFileSync(join(dir, 'f'), before);
    writeFileSync(join(dir, 'd.patch'), diff);
    execFileSync('patch', ['-s', '--no-backup-if-mismatch', '-F0', join(dir, 'f'), join(dir, 'd.patch')], { stdio: ['ignore', 'pipe', 'pipe'] });
    return readFileSync(join(dir, 'f'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FSTAB = '# /etc/fstab\n# <fs> <mp> <type> <opts> <dump> <pass>\nUUID=a / ext4 errors=remount-ro 0 1\nUUID=b /boot ext4 defaults 0 2\nUUID=c /srv/data ext4 defaults 0 2\n';

test('equal texts give no diff', () => {
  assert.equal(unifiedDiff('/etc/fstab', FSTAB, FSTAB), '');
});

test('one changed line: header, hunk with 3 lines of context, and patch agrees', () => {
  const after = FSTAB.replace('UUID=c', 'UUID=d');
  const d = unifiedDiff('/etc/fstab', FSTAB, after);
  assert.match(d, /^--- a\/etc\/fstab\n\+\+\+ b\/etc\/fstab\n@@ -2,4 \+2,4 @@\n/);
  assert.match(d, /\n-UUID=c \/srv\/data ext4 defaults 0 2\n\+UUID=d \/srv\/data ext4 defaults 0 2\n$/);
  assert.equal(applyWithPatch(FSTAB, d), after);
});

test('cases patch(1) must apply exactly: insertions, deletions, moves, far apart changes, newline at end', () => {
  const long = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const cases: [string, string][] = [
    [FSTAB, FSTAB + 'UUID=e none swap sw 0 0\n'],
    [FSTAB, FSTAB.split('\n').filter((l) => !l.includes('/boot')).join('\n')],
    [long, long.replace('line 3\n', 'line three\n').replace('line 37\n', '')],
    [long, long.replace('line 20\n', '') .replace('line 30\n', 'line 30\nline 20\n')],
    [FSTAB, FSTAB.slice(0, -1)],
    [FSTAB.slice(0, -1), FSTAB.slice(0, -1) + '\nnew last'],
    ['a\n', 'b\n'],
    ['', 'x\ny\n'],
    ['x\ny\n', ''],
  ];
  for (const [a, b] of cases) {
    const d = unifiedDiff('/f', a, b);
    assert.notEqual(d, '');
    assert.equal(applyWithPatch(a, d), b, `patch result differs for diff:\n${d}`);
  }
});

test('a missing final newline is marked the way diff -u marks it', () => {
  const d = unifiedDiff('/f', 'a\nb\n', 'a\nb');
  assert.match(d, /-b\n\+b\n\\ No newline at end of file\n$/);
});

test('a created file diffs from /dev/null', () => {
  const d = unifiedDiff('/boot/grub/grub.cfg', null, 'set default=0\n');
  assert.match(d, /^--- \/dev\/null\n\+\+\+ b\/boot\/grub\/grub.cfg\n@@ -0,0 \+1 @@\n\+set default=0\n$/);
});
