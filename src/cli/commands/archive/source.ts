/**
 * SOURCE of `archive create`: a backup id from the store (its directory), a path inside the
 * target (with --image or --root: resolved as the target sees it), or a local directory.
 */
import { resolve as resolvePath } from 'node:path';
import { join } from 'node:path';
import type { CliContext } from '../../context.js';
import { FirstaidError } from '../../../core/errors.js';
import { parseSpaceId } from '../../../backup/spaces/ids.js';
import { archiveIdFrom } from '../../../backup/archives/names.js';

export interface ArchiveSource {
  kind: 'backup' | 'target-path' | 'directory';
  /** Host directory to archive. */
  root: string;
  /** What the person named (for messages). */
  label: string;
  /** The archive id used when --name is not given. */
  defaultId: string;
}

export async function resolveSource(ctx: CliContext, source: string): Promise<ArchiveSource> {
  if (parseSpaceId(source)) {
    const { openStore } = await import('../backups.js');
    const { store } = await openStore(ctx, false);
    const s = (await store.list()).find((x) => x.id === source);
    if (!s) throw new FirstaidError('no-such-backup', `There is no backup ${source} in ${store.dir}.`, 'See the backups with: firstaid backups list');
    if (s.state === 'incomplete' || s.state === 'corrupt') {
      throw new FirstaidError('backup-unusable', `The backup ${source} is ${s.state}; it is not worth copying off.`, 'Choose a complete backup (firstaid backups list).');
    }
    return { kind: 'backup', root: join(store.dir, source), label: source, defaultId: archiveIdFrom(source) };
  }
  if (ctx.options.image !== undefined || ctx.options.root !== undefined) {
    if (!source.startsWith('/')) throw new FirstaidError('usage', `"${source}" is not a path inside the installation.`, 'Give an absolute path as the installation sees it, e.g. /home.', 2);
    let target;
    if (ctx.options.root !== undefined) {
      const { TargetRoot } = await import('../../../core/target-root.js');
      target = await TargetRoot.open(ctx.options.root, ctx.runner);
    } else {
      const { openSystem } = await import('../../../app/open-target.js');
      target = (await openSystem(ctx, { writable: false })).system.target;
    }
    return { kind: 'target-path', root: await target.resolve(source), label: source, defaultId: archiveIdFrom(source === '/' ? 'root' : source) };
  }
  const root = resolvePath(source);
  return { kind: 'directory', root, label: root, defaultId: archiveIdFrom(root === '/' ? 'root' : root.split('/').pop() ?? 'root') };
}
