/**
 * The Discs walk at a Linux console, in tmux at 80x25 with TERM=linux: a root directory whose
 * store holds a real grub backup -> main menu -> Discs -> the staging dir typed -> Stage from
 * peers (a local peer of a pool file) -> what is staged today -> a file pseudo-drive typed ->
 * write the backup (progress, then the check; the staged peer goes along) -> verify -> the "fix"
 * changes /boot/grub and the store's copy is deleted -> revert from the disc: byte-exact.
 * Real xorriso, real store, the real bundle; waits for text, never a fixed sleep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from '../helpers/env.js';
import { writeTree } from '../integration/fixtures-backup/setup.js';
import { SessionLog } from '../../src/core/log.js';
import { Runner } from '../../src/core/runner.js';
import { TargetRoot } from '../../src/core/target-root.js';
import { defaultStoreDir, openBackupStore } from '../../src/backup/spaces/store.js';
import { Console } from '../helpers/tmux-console.js';

const REPO = join(import.meta.dirname, '..', '..');

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('TUI: write a backup to a file pseudo-drive, verify it, revert from it', needs({ root: true, tools: ['tmux', 'xorriso'] }), async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'fa-disc-tui-')));
  const con = new Console(`fa-disc-${process.pid}`);
  try {
    const root = join(work, 'root');
    mkdirSync(root);
    writeTree(root);
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n');
    const log = new SessionLog();
    const runner = new Runner({ log });
    const target = await TargetRoot.open(root, runner);
    const store = await openBackupStore(await defaultStoreDir(target), { runner, log });
    const space = await store.getBackup('grub', target, { persistent: true, description: 'Reinstall GRUB' });
    await space.backupPath('/boot/grub');
    await space.commit();
    const files = ['boot/grub/grub.cfg', 'boot/grub/i386-pc/normal.mod', 'boot/grub/i386-pc/core.img'];
    const before = Object.fromEntries(files.map((f) => [f, sha(join(root, f))]));
    const iso = join(work, 'disc.iso');
    const staging = join(work, 'staging');
    const collect = join(work, 'collect');
    mkdirSync(join(collect, 'etc'), { recursive: true });
    writeFileSync(join(collect, 'etc', 'hosts'), '127.0.0.1 localhost\n');
    writeFileSync(join(collect, '.dotfile'), 'hidden\n');
    writeFileSync(join(collect, 'cback.collect'), '');
    const pool = join(work, 'pool.json');
    writeFileSync(pool, JSON.stringify({ peers: [{ name: 'localpeer', type: 'local', collectDir: collect }] }));

    con.start(`cd ${REPO} && env TERM=linux CI=false NO_COLOR= FIRSTAID_WORK_DIR=${work} ./bin/firstaid --root ${root}`);
    await con.waitFor('Discs (CD/DVD)  (d)');
    con.keys('d');
    await con.waitFor('Choose the system whose backups go on disc', 60_000);
    await con.waitFor('Evidence for', 60_000);
    con.keys('Enter');
    await con.waitFor('[ Type a pseudo-drive: an image file or a loop device ]', 60_000);
    // The image file stands for a CD-R 80 (Enter walks cd650, cd700, dvd, ...).
    con.keys('Down');
    await con.waitFor('Image file is a:  dvd (4482.6 MiB)');
    for (let i = 0; i < 4; i++) con.keys('Enter');
    await con.waitFor('Image file is a:  cd700 (703.1 MiB)');
    // The staging dir: the test's own, not the live system's.
    con.keys('Down', 'Enter');
    await con.waitFor('Staging dir:  > /var/lib/firstaid/staging_');
    for (let i = 0; i < '/var/lib/firstaid/staging'.length; i++) con.keys('BSpace');
    await con.waitFor('Staging dir:  > _');
    con.text(staging);
    con.keys('Enter');
    await con.waitFor(`Staging dir:  ${staging}`);
    await con.waitFor('[NONE] Nothing is staged for today');
    con.keys('Down', 'Enter');
    await con.waitFor('Pool file: > /etc/firstaid/peers.json_');
    for (let i = 0; i < '/etc/firstaid/peers.json'.length; i++) con.keys('BSpace');
    await con.waitFor('Pool file: > _');
    con.text(pool);
    con.keys('Enter');
    let s = await con.waitFor('[STAGED] localpeer: 2 file(s)', 60_000);
    assert.match(s, /Staged into .*staging/);
    con.keys('Enter');
    s = await con.waitFor('goes on the next disc:', 30_000);
    assert.match(s, /Staged for today \(\d{4}-\d\d-\d\d\), goes on the next disc:/);
    assert.match(s, /localpeer: 2 file\(s\), /);
    con.keys('Up', 'Up', 'Up', 'Enter');
    await con.waitFor('Pseudo-drive: > _');
    con.text(iso);
    con.keys('Enter');
    s = await con.waitFor('Media: [BLANK]', 60_000);
    assert.match(s, /Sessions: 0 {3}Used: 0\.0 MiB {3}Free: 703\.1 MiB/, 'the file pseudo-drive is the CD chosen');

    con.keys('w');
    await con.waitFor(`[ ] ${space.id}`, 60_000);
    con.keys('Space');
    s = await con.waitFor('[FITS]', 60_000);
    assert.match(s, /\[FITS\] \d+ file\(s\), about [\d.]+ MiB of 703\.1 MiB free/);
    con.keys('Down', 'Down', 'Down', 'Enter');
    await con.waitFor(`Write 1 source(s) and 1 staged item(s) to ${iso}?`);
    con.keys('y');
    s = await con.waitFor('[DONE] Wrote a new disc FIRSTAID_', 180_000);
    assert.match(s, new RegExp(`backup ${space.id.replace('/', '\\/')}`));
    assert.match(s, /\[INTACT\] 1 session\(s\), \d+ file\(s\) read back/);
    assert.ok(con.seen.some((x) => x.includes(`Writing to ${iso}`) && /Elapsed: \d+ s/.test(x)), 'the progress screen was shown');
    const tree = execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.match(tree, /\/\d{4}\/\d\d\/\d\d\/localpeer\/etc\/hosts/, 'the staged peer is on the disc under /YYYY/MM/DD/<peer>/');
    assert.match(tree, /\/localpeer\/\.dotfile/);
    con.keys('Enter');
    s = await con.waitFor('Eject  (e)', 60_000);
    await con.waitFor('Media: [APPENDABLE]', 60_000);

    con.keys('v');
    s = await con.waitFor('[INTACT]', 180_000);
    assert.match(s, /Verify - /);
    assert.match(s, /\[INTACT\] 1 session\(s\), \d+ file\(s\) read back .*, 1 backup\(s\)/);
    con.keys('Enter');
    await con.waitFor('Media: [APPENDABLE]', 60_000);

    // The "fix" changes what the backup holds; the store's own copy is then lost.
    writeFileSync(join(root, 'boot', 'grub', 'grub.cfg'), 'set timeout=0 # changed by the fix\n');
    unlinkSync(join(root, 'boot', 'grub', 'i386-pc', 'core.img'));
    await store.deleteSpace(space.id);
    con.keys('b');
    s = await con.waitFor('Revert from the disc in', 30_000);
    assert.match(s, /grub:/);
    assert.match(s, new RegExp(`> ${space.id.slice('grub/'.length)}`));
    con.keys('Enter');
    await con.waitFor(`Revert of ${space.id} from the disc?`);
    con.keys('y');
    s = await con.waitFor('was put back from the disc', 180_000);
    assert.match(s, /\/boot\/grub \(directory\)/);
    for (const f of files) assert.equal(sha(join(root, f)), before[f], `${f} is byte-exact`);
    for (const x of con.seen) for (const l of x.split('\n')) assert.ok(l.length <= 80 && /^[\x20-\x7e┌┐└┘─│]*$/.test(l), `console-unsafe: ${l}`);
    con.keys('Enter');
    await con.waitFor('Eject  (e)', 60_000);
    con.keys('q');
    await con.waitFor('FIRSTAID-EXIT=0', 30_000);
  } finally {
    con.kill();
    rmSync(work, { recursive: true, force: true });
  }
});
