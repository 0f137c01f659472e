/**
 * `disc verify` on discs firstaid did not write (the rescue CD itself, another program's disc):
 * a clear answer each time. With MD5s (xorriso -md5 on, as make-rescue-iso.sh writes the CD):
 * intact, or damaged naming the file. Without any: "cannot be verified", exit 1, not "damaged".
 * A volume id that merely starts with FIRSTAID_ (the rescue CD's FIRSTAID_RESCUE) is not taken
 * for a backup disc.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { needs } from '../helpers/env.js';
import { build, runFirstaid, sandbox } from './systems-helpers.js';
import { flipByte, offsetOf } from './disc-helpers.js';

interface Verify { ok: boolean; verdict: string; firstaidDisc: boolean; damaged: { path: string; backup: string | null }[]; filesChecked: number; problems: string[] }

describe('disc verify on a disc firstaid did not write', needs({ tools: ['xorriso'] }), () => {
  before(() => build());

  test('with MD5s: intact, then a flipped byte names the file; without MD5s: cannot be verified', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fa-disc-other-'));
    const sb = sandbox();
    try {
      const src = join(work, 'src');
      mkdirSync(join(src, 'live'), { recursive: true });
      writeFileSync(join(src, 'live', 'filesystem.squashfs'), 'OTHER-DISC-MARKER\n'.repeat(2000));
      writeFileSync(join(src, 'README'), 'a rescue CD\n');
      const md5 = join(work, 'rescue.iso');
      const plain = join(work, 'plain.iso');
      execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-o', md5, src, '--', '-volid', 'FIRSTAID_RESCUE', '-md5', 'on'], { stdio: 'ignore' });
      execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'OTHER_DISC', '-o', plain, src], { stdio: 'ignore' });
      const verify = async (iso: string) => {
        const j = await runFirstaid(['disc', 'verify', '--drive', iso, '--json'], { sandbox: sb });
        const h = await runFirstaid(['disc', 'verify', '--drive', iso], { sandbox: sb });
        assert.equal(h.code, j.code);
        return { code: j.code, v: (JSON.parse(j.stdout) as { verify: Verify }).verify, human: h.stdout };
      };

      const a = await verify(md5);
      assert.equal(a.code, 0, a.human);
      assert.equal(a.v.verdict, 'intact');
      assert.equal(a.v.firstaidDisc, false, 'FIRSTAID_RESCUE is not a backup disc');
      assert.equal(a.v.filesChecked, 2);
      assert.match(a.human, /intact\. Not a firstaid backup disc \(volume FIRSTAID_RESCUE\)\.\n.*\n {2}2 file\(s\) match their recorded MD5s\. It holds no firstaid backups\./);

      flipByte(md5, offsetOf(md5, 'OTHER-DISC-MARKER') + 5);
      const b = await verify(md5);
      assert.equal(b.code, 1);
      assert.equal(b.v.verdict, 'damaged');
      assert.deepEqual(b.v.damaged.map((d) => [d.path, d.backup]), [['/live/filesystem.squashfs', null]]);
      assert.match(b.human, /DAMAGED\.\n {2}\/live\/filesystem\.squashfs: md5 mismatch/);

      const c = await verify(plain);
      assert.equal(c.code, 1);
      assert.equal(c.v.verdict, 'unverifiable');
      assert.deepEqual(c.v.damaged, []);
      assert.match(c.human, /cannot be verified\. Not a firstaid backup disc \(volume OTHER_DISC\),\n {2}and it carries no MD5 checksums\./);
      assert.doesNotMatch(c.human, /DAMAGED/);
      // Drive paths aside (the temp dir's), 80 columns and ASCII.
      for (const line of [a.human, c.human].join('\n').split('\n')) assert.ok(line.replace(/^\S+\.iso: /, '/dev/sr0: ').length <= 80 && /^[\x20-\x7e]*$/.test(line), `80 columns, ASCII: ${line}`);
    } finally {
      sb.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
