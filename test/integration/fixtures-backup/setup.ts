/** Shared setup for backup tests: a target root with a small installation-like tree and a store. */
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SessionLog } from '../../../src/core/log.js';
import { Runner } from '../../../src/core/runner.js';
import { TargetRoot } from '../../../src/core/target-root.js';
import { openBackupStore } from '../../../src/backup/spaces/store.js';
import type { BackupStore } from '../../../src/backup/spaces/types.js';

export interface Env {
  base: string;
  root: string;
  storeDir: string;
  runner: Runner;
  log: SessionLog;
  target: TargetRoot;
  store: BackupStore;
  dispose(): void;
}

export function writeTree(root: string): void {
  mkdirSync(join(root, 'boot', 'grub', 'i386-pc'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
  writeFileSync(join(root, 'boot', 'grub', 'grub.cfg'), 'set timeout=5\nmenuentry "Debian" {}\n', { mode: 0o600 });
  writeFileSync(join(root, 'boot', 'grub', 'i386-pc', 'normal.mod'), Buffer.alloc(5000, 7));
  writeFileSync(join(root, 'boot', 'grub', 'i386-pc', 'core.img'), Buffer.from([0, 1, 2, 3, 255]));
  symlinkSync('i386-pc/normal.mod', join(root, 'boot', 'grub', 'normal-link'));
  mkdirSync(join(root, 'boot', 'grub', 'empty'));
}

export async function makeEnv(opts: { tree?: boolean } = {}): Promise<Env> {
  const base = realpathSync(mkdtempSync(join(process.env.FA_TEST_TMP ?? tmpdir(), 'fa-backup-')));
  const root = join(base, 'root');
  mkdirSync(root);
  if (opts.tree !== false) writeTree(root);
  const storeDir = join(base, 'store');
  const log = new SessionLog();
  const runner = new Runner({ log });
  const target = await TargetRoot.open(root, runner);
  const store = await openBackupStore(storeDir, { runner, log });
  return { base, root, storeDir, runner, log, target, store, dispose: () => rmSync(base, { recursive: true, force: true }) };
}
