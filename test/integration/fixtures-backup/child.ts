/**
 * A process that backs up into a store, for the crash and concurrency tests.
 *   child.ts loop  STORE ROOT COUNT   back up /tree COUNT times (getBackup, backupPath, value, commit, verify)
 *   child.ts hold  STORE              take the store lock and keep it until killed
 *   child.ts big   STORE ROOT         back up, verify and restore ROOT/big.img; print "RSS <bytes>"
 * Prints "READY" once started, "B <start> <end>" per backupPath (ms), "DONE <id>" per space, and
 * "L <acquired> <releasing>" per hold of the store lock (taken after acquire returned and before
 * the release starts, so two processes' L spans overlap only if both held the lock at once).
 */
import { SessionLog } from '../../../src/core/log.js';
import { Runner } from '../../../src/core/runner.js';
import { TargetRoot } from '../../../src/core/target-root.js';
import { openBackupStore } from '../../../src/backup/spaces/store.js';
import { StoreLock } from '../../../src/backup/spaces/lock.js';

// Every hold of the lock, reported from inside the held interval.
const acquire = StoreLock.prototype.acquire;
const releaseLock = StoreLock.prototype.releaseLock;
const heldSince = new WeakMap<StoreLock, number>();
StoreLock.prototype.acquire = async function (this: StoreLock, timeoutMs?: number) {
  await acquire.call(this, timeoutMs);
  heldSince.set(this, Date.now());
};
StoreLock.prototype.releaseLock = async function (this: StoreLock) {
  const since = heldSince.get(this);
  if (since !== undefined) process.stdout.write(`L ${since} ${Date.now()}\n`);
  heldSince.delete(this);
  await releaseLock.call(this);
};

const [mode, storeDir, rootDir, countArg] = process.argv.slice(2);
const log = new SessionLog();
const runner = new Runner({ log });

if (mode === 'big') {
  // Back up and restore one big file; report the peak RSS (it must stream, never load whole).
  const target = await TargetRoot.open(rootDir!, runner);
  const store = await openBackupStore(storeDir!, { runner, log });
  const space = await store.getBackup('big', target, { persistent: true });
  await space.backupPath('/big.img');
  await space.commit();
  const v = await space.verify();
  if (!v.ok) throw new Error(v.problems.join('; '));
  await space.restoreName('/big.img', '/big.restored');
  process.stdout.write(`RSS ${process.resourceUsage().maxRSS * 1024}\n`);
} else if (mode === 'hold') {
  const lock = new StoreLock(storeDir!);
  await lock.acquire();
  process.stdout.write('LOCKED\n');
  setInterval(() => undefined, 1 << 30);
} else {
  const target = await TargetRoot.open(rootDir!, runner);
  const store = await openBackupStore(storeDir!, { runner, log });
  process.stdout.write('READY\n');
  for (let i = 0; i < Number(countArg ?? 1); i++) {
    const space = await store.getBackup('crash', target, { persistent: true, description: `pass ${i} of ${process.pid}` });
    const t0 = Date.now();
    await space.backupPath('/tree');
    process.stdout.write(`B ${t0} ${Date.now()}\n`);
    await space.backupValue({ pid: process.pid, i }, 'facts');
    await space.commit();
    const v = await space.verify();
    if (!v.ok) throw new Error(v.problems.join('; '));
    process.stdout.write(`DONE ${space.id}\n`);
  }
}
