/**
 * `firstaid backups list|show ID|verify ID|delete ID [--json]`: the backup store's listing.
 * The store: --backup-store DIR, else the target's own /var/lib/firstaid/backups (--root DIR,
 * or the installation found with --image / on the disks, mounted read-only; delete remounts
 * it read-write). `delete` asks nothing: the screens ask.
 */
import type { CliCommand, CliContext } from '../context.js';
import { FirstaidError, UsageError, type ExitCode } from '../../core/errors.js';
import { TargetRoot } from '../../core/target-root.js';
import type { BackupStore } from '../../backup/spaces/types.js';
import { formatListing, formatSpace } from '../format-backups.js';
import { openStore as openChosenStore } from '../../app/store.js';
import { parseSpaceId } from '../../backup/spaces/ids.js';
import { findInterrupted, formatInterrupted } from '../../rescue-plugins/apply-journal.js';

const SUBCOMMANDS = ['list', 'show', 'verify', 'delete'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

interface Opened {
  store: BackupStore;
  target: TargetRoot;
}

/** The store for this invocation; `write` when it must be changed (delete). */
export async function openStore(ctx: CliContext, write: boolean): Promise<Opened> {
  // Reading takes the lock and records verify results only where the store can be written.
  const mode = write ? 'write' : 'record';
  if (ctx.options.backupStore !== undefined || ctx.options.root !== undefined) {
    // Objects are only read here; a target is needed by the API, the store itself serves.
    const target = await TargetRoot.open(ctx.options.root ?? '/', ctx.runner);
    return { store: await openChosenStore(ctx, { target }, mode), target };
  }
  const { openSystem } = await import('../../app/open-target.js');
  const { system } = await openSystem(ctx, { writable: write });
  return { store: await openChosenStore(ctx, { system }, mode), target: system.target };
}

function needId(ctx: CliContext, sub: Sub): string {
  const id = ctx.args[1];
  if (id === undefined || ctx.args.length > 2) throw new UsageError(`backups ${sub} takes one backup id.`, 'Give an id like grub/20261122T205400Z-ab12cd (firstaid backups list).');
  if (!parseSpaceId(id)) throw new UsageError(`"${id}" is not a backup id.`, 'Give an id like grub/20261122T205400Z-ab12cd (firstaid backups list).');
  return id;
}

async function summaryOf(store: BackupStore, id: string) {
  const s = (await store.list()).find((x) => x.id === id);
  if (!s) throw new FirstaidError('no-such-backup', `There is no backup ${id} in ${store.dir}.`, 'See the backups there with: firstaid backups list');
  return s;
}

export const backupsCommand: CliCommand = {
  name: 'backups',
  async run(ctx): Promise<ExitCode> {
    const sub = (ctx.args[0] ?? 'list') as Sub;
    if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`Unknown backups command "${ctx.args[0]}".`, 'Use: firstaid backups list|show ID|verify ID|delete ID [--json]');
    if (sub === 'list') {
      if (ctx.args.length > 1) throw new UsageError('backups list takes no arguments.');
      const { store } = await openStore(ctx, false);
      const spaces = await store.list();
      // Fixes killed while applying (issue 13): named with the backup that reverts them.
      const interrupted = await findInterrupted(store.dir);
      ctx.out(ctx.options.json ? JSON.stringify({ store: store.dir, backups: spaces, interrupted }, null, 2) : [formatListing(store.dir, spaces), ...formatInterrupted(interrupted)].join('\n'));
      return 0;
    }
    const id = needId(ctx, sub);
    if (sub === 'delete') {
      const { store } = await openStore(ctx, true);
      await store.deleteSpace(id);
      ctx.out(ctx.options.json ? JSON.stringify({ store: store.dir, deleted: id }, null, 2) : `Deleted ${id} from ${store.dir}.`);
      return 0;
    }
    const { store, target } = await openStore(ctx, false);
    const summary = await summaryOf(store, id);
    if (sub === 'show') {
      const space = await store.openSpace(id, target);
      const objects = summary.state === 'corrupt' ? [] : await space.list();
      ctx.out(ctx.options.json ? JSON.stringify({ store: store.dir, backup: summary, objects }, null, 2) : formatSpace(summary, objects));
      return 0;
    }
    const space = await store.openSpace(id, target);
    const v = await space.verify();
    if (ctx.options.json) {
      ctx.out(JSON.stringify({ store: store.dir, id, ok: v.ok, problems: v.problems }, null, 2));
    } else if (v.ok) {
      ctx.out(`${id}: verified, every object matches its sha256.`);
    } else {
      ctx.out(`${id}: FAILED verification; it is not offered for revert.`);
      for (const p of v.problems) ctx.out(`  - ${p}`);
    }
    return v.ok ? 0 : 1;
  },
};
