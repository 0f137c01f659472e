/** syncfs(2) through coreutils `sync -f`: Node has no syncfs, and one call beats 20,000 fsyncs. */
import type { Runner } from '../../core/runner.js';

export async function syncFilesystem(runner: Runner, dir: string): Promise<void> {
  // readOnly: flushing caches changes nothing, and a dry run's backups must be durable too.
  await runner.run('sync', ['-f', dir], { readOnly: true });
}
