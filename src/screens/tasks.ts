/** Runs a task the reducer asked for, through the services interface. */
import { asFirstaidError, FirstaidError } from '../core/errors.js';
import type { TaskSpec } from './nav.js';
import type { OnProgress, Services, UserError } from './services.js';

export async function runTask(services: Services, spec: TaskSpec, signal: AbortSignal, onProgress: OnProgress): Promise<unknown> {
  switch (spec.kind) {
    case 'systems':
      return services.listSystems(spec.target, onProgress);
    case 'diagnose':
      onProgress({ step: 'Mounting the system read-only' });
      await services.selectSystem(spec.systemId);
      onProgress({ step: 'Every plugin is checking the system (read-only)' });
      return services.diagnose(onProgress, signal);
    case 'plan':
      await services.selectSystem(spec.systemId);
      return services.plan(spec.pluginId, spec.choices);
    case 'fix':
      return services.fix(spec.pluginId, spec.plan, spec.choices, onProgress, signal, spec.secret);
    case 'backups':
      await services.selectSystem(spec.systemId);
      return services.listBackups();
    case 'revert':
      await services.selectSystem(spec.systemId);
      return services.revert(spec.backupId, { force: spec.force }, onProgress, signal);
    case 'delete':
      await services.selectSystem(spec.systemId);
      await services.deleteBackup(spec.backupId);
      return null;
    case 'archive':
      if (!services.archive) throw new FirstaidError('unsupported', 'Archives are not available here.', 'Use the command line: firstaid archive --help.');
      if (spec.systemId) await services.selectSystem(spec.systemId);
      return services.archive(spec.job, onProgress, signal);
    case 'disc':
      if (!services.disc) throw new FirstaidError('unsupported', 'Discs are not available here.', 'Use the command line: firstaid disc --help.');
      if (spec.systemId) await services.selectSystem(spec.systemId);
      return services.disc(spec.job, onProgress, signal);
  }
}

export function toUserError(err: unknown): UserError {
  const e = asFirstaidError(err);
  return { message: e.message, hint: e.hint, code: e.code };
}
