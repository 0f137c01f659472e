/**
 * The passwd plugin on a real Debian 12 image through the CLI: the new password, given on
 * stdin, is hashed by the installation's own chpasswd (its configured yescrypt); it appears
 * nowhere: not in the output, the session log, the backup store (manifest and objects) or
 * anywhere on the image's disk; revert restores shadow and passwd exactly; unlock; bad input
 * (no such account, empty password, no password given) changes nothing.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureImage, TESTBED } from '../helpers/images.js';
import { needs } from '../helpers/env.js';
import { withImageRoot } from '../helpers/image-root.js';
import { buildOnce, fileHashes, firstaid, imageSha } from './plugin-cli.js';

const NEEDS = needs({ root: true, loop: true, tools: ['losetup', 'sfdisk', 'grep', 'python3'] });
const FILES = ['/etc/shadow', '/etc/shadow-', '/etc/passwd', '/etc/passwd-'];
// A colon and spaces: chpasswd must split at the first colon only.
const PASSWORD = 'Tr0ub4dor:fa 42-zq';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** How many lines of a (possibly large, sparse) file hold `needle`, counted by grep itself. */
function grepCount(file: string, needle: string): number {
  try {
    return Number(execFileSync('grep', ['-a', '-F', '-c', needle, file], { encoding: 'utf8' }).trim());
  } catch (e) {
    if ((e as { status?: number }).status === 1) return 0;
    throw e;
  }
}

const rootField = (shadow: string) => shadow.split('\n').find((l) => l.startsWith('root:'))!.split(':')[1]!;

describe('passwd fix and revert (CLI, real image)', NEEDS, () => {
  before(buildOnce);

  test('bios: reset root from stdin; the password is nowhere on disk or in a log; revert restores shadow and passwd exactly', async () => {
    const img = fixtureImage('bios');
    const work = mkdtempSync(join(TESTBED, 'passwd-'));
    try {
      const before = await fileHashes(img.path, FILES);
      const oldField = await withImageRoot(img.path, (r) => rootField(readFileSync(join(r, 'etc/shadow'), 'utf8')), { readOnly: true });
      const log = join(work, 'session.jsonl');
      const store = join(work, 'store');
      const r = firstaid(['fix', 'passwd', '--image', img.path, '--yes', '--password-stdin', '--log', log, '--backup-store', store], `${PASSWORD}\n`);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Fixed and verified: Set a new password for root/);
      const id = /firstaid revert (passwd\/\S+)/.exec(r.stdout)?.[1];
      assert.ok(id, r.stdout);

      const newField = await withImageRoot(img.path, (root) => rootField(readFileSync(join(root, 'etc/shadow'), 'utf8')), { readOnly: true });
      assert.notEqual(newField, oldField);
      assert.match(newField, /^\$y\$/, 'hashed with the installation\'s configured method (yescrypt, pam_unix)');
      assert.equal(execFileSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]) == sys.argv[2])', PASSWORD, newField], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 'True', 'the hash is of the password given');

      // Nowhere: output, the session log, every file of the backup store, the raw disk image.
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
      assert.ok(statSync(log).size > 0);
      const storeFiles = filesUnder(store);
      assert.ok(storeFiles.some((f) => f.endsWith('manifest.json')), `manifest in ${storeFiles.join(' ')}`);
      for (const f of [log, ...storeFiles]) assert.equal(grepCount(f, PASSWORD), 0, `${f} holds the password`);
      for (const f of filesUnder(join(TESTBED, 'logs')).filter((f) => statSync(f).mtimeMs > Date.now() - 3600_000)) assert.equal(grepCount(f, PASSWORD), 0, f);
      assert.equal(grepCount(img.path, PASSWORD), 0, 'the disk image holds the password');
      assert.equal(grepCount(img.path, 'Tr0ub4dor'), 0);

      const rv = firstaid(['revert', id, '--image', img.path, '--yes', '--backup-store', store]);
      assert.equal(rv.status, 0, rv.stdout + rv.stderr);
      assert.deepEqual(await fileHashes(img.path, FILES), before, 'shadow, passwd and their - copies as before, same modes');
    } finally {
      rmSync(work, { recursive: true, force: true });
      img.dispose();
    }
  });

  test('bios: unlock a locked root; bad input (no such account, empty password, none given) changes nothing', async () => {
    const img = fixtureImage('bios');
    try {
      const original = await fileHashes(img.path, ['/etc/shadow']);
      await withImageRoot(img.path, (r) => {
        const p = join(r, 'etc/shadow');
        writeFileSync(p, readFileSync(p, 'utf8').replace(/^root:/m, 'root:!'));
      });
      const untouched = imageSha(img.path);
      const cases: [string[], string, number, RegExp][] = [
        [['--choice', 'account=nosuchuser', '--password-stdin'], 'secret123\n', 2, /"nosuchuser" is not an answer to "Which account \(one with a login shell\)\?"[\s\S]*account=root/],
        [['--password-stdin'], '\n', 1, /The new password for root is empty/],
        [[], '', 2, /This fix needs the new password for root[\s\S]*--password-stdin/],
      ];
      for (const [args, input, code, re] of cases) {
        const r = firstaid(['fix', 'passwd', '--image', img.path, '--yes', ...args], input);
        assert.equal(r.status, code, r.stdout + r.stderr);
        assert.match(r.stdout + r.stderr, re);
        assert.equal(imageSha(img.path), untouched, `${args.join(' ')}: nothing changed`);
      }
      const d = firstaid(['diagnose', '--image', img.path]);
      assert.match(d.stdout, /Account root is locked \(a password is kept behind the lock\)/);
      const u = firstaid(['fix', 'passwd', '--image', img.path, '--yes', '--choice', 'action=unlock']);
      assert.equal(u.status, 0, u.stdout + u.stderr);
      assert.match(u.stdout, /Fixed and verified: Unlock the password of root/);
      const after = await fileHashes(img.path, ['/etc/shadow']);
      assert.equal(after['/etc/shadow']!.split(' ')[0], original['/etc/shadow']!.split(' ')[0], 'the same hash as before the lock');
    } finally {
      img.dispose();
    }
  });
});
