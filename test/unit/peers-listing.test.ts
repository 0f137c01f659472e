/** The peer's listing (NUL-separated find + sha256sum output) and the check of what arrived. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseRemoteListing, remoteListingWords } from '../../src/backup/peers/listing.js';
import { compareArrived } from '../../src/backup/peers/place.js';
import { remoteCommand } from '../../src/backup/peers/remote-args.js';

test('the remote listing script, run by a real sh on a real dir: odd names, dotfiles, subdirs, symlinks skipped, indicators left out', () => {
  const d = mkdtempSync(join(tmpdir(), 'peers-listing-'));
  try {
    const names = ['.dot', 'with space', '-dash', "it's", 'new\nline', 'sub/inner', 'cback.collect'];
    mkdirSync(join(d, 'sub'));
    for (const n of names) writeFileSync(join(d, n), `content of ${n}`);
    symlinkSync('/etc/passwd', join(d, 'link'));
    // Over 1 MiB: hashed by openssl on the peer (when there), the rest by sha256sum.
    writeFileSync(join(d, 'big one\nwith newline'), Buffer.alloc(3 << 20, 1));
    names.push('big one\nwith newline');
    const out = execFileSync('sh', ['-c', remoteCommand(remoteListingWords(d))], { encoding: 'utf8' });
    const l = parseRemoteListing(out, ['cback.collect', 'cback.stage']);
    assert.deepEqual(l.files.map((f) => f.path).sort(), names.filter((n) => n !== 'cback.collect').sort());
    assert.deepEqual(l.skipped, ['link']);
    assert.ok(l.hashed);
    const sp = l.files.find((f) => f.path === 'with space')!;
    assert.equal(sp.size, Buffer.byteLength('content of with space'));
    assert.equal(sp.sha256, execFileSync('sha256sum', [join(d, 'with space')], { encoding: 'utf8' }).slice(0, 64));
    const big = l.files.find((f) => f.path.startsWith('big one'))!;
    assert.equal(big.size, 3 << 20);
    assert.equal(big.sha256, execFileSync('sha256sum', ['-z', join(d, big.path)], { encoding: 'utf8' }).slice(0, 64));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a collect dir that is not there: the script exits 3', () => {
  assert.throws(() => execFileSync('sh', ['-c', remoteCommand(remoteListingWords('/nonexistent dir'))], { stdio: 'pipe' }), (e: { status?: number }) => e.status === 3);
});

test('what arrived against the listing: missing and short files are problems, late files are extras', () => {
  const listed = [{ path: 'a', size: 3, sha256: 'x'.repeat(64) }, { path: 'b', size: 5 }, { path: 'c', size: 1 }];
  const r = compareArrived(listed, [{ path: 'a', size: 3 }, { path: 'b', size: 4 }, { path: 'late', size: 9 }]);
  assert.deepEqual(r.files.map((f) => [f.path, f.checked]), [['a', 'size+sha256']]);
  assert.deepEqual(r.problems, ['"b" arrived with 4 bytes, the peer has 5', '"c" did not arrive']);
  assert.deepEqual(r.extras, ['late']);
  // Nothing arrived of what was listed: every file is a problem (the copy "exited 0" case).
  assert.equal(compareArrived(listed, []).problems.length, 3);
  assert.deepEqual(compareArrived(null, [{ path: 'a', size: 1 }]).files.map((f) => f.checked), ['copy-only']);
});
