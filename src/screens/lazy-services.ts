/**
 * Services whose core (devices, backup store, flow engine, execa) is loaded on first use, after
 * the first frame is on screen: the menu needs none of it, and loading it first doubled the time
 * to the first frame. The synchronous calls need only the log and the options.
 */
import type { CliContext } from '../cli/context.js';
import { targetLabel, targetOfOptions } from '../app/target-label.js';
import type { Services } from './services.js';

type Async<K extends keyof Services> = Services[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => Promise<R> : never;

export class LazyServices implements Services {
  private real: Promise<Services> | null = null;

  constructor(private readonly ctx: CliContext) {}

  private load(): Promise<Services> {
    this.real ??= import('./real-services.js').then((m) => new m.RealServices(this.ctx));
    return this.real;
  }

  private forward<K extends keyof Services>(k: K): Async<K> {
    return (async (...args: unknown[]) => {
      const real = await this.load();
      return (real[k] as (...a: unknown[]) => unknown).apply(real, args);
    }) as Async<K>;
  }

  get dryRun(): boolean {
    return this.ctx.runner.dryRun;
  }

  describeTarget(): string {
    return targetLabel(targetOfOptions(this.ctx.options));
  }

  listSystems = this.forward('listSystems');
  selectSystem = this.forward('selectSystem');
  diagnose = this.forward('diagnose');
  plan = this.forward('plan');
  fix = this.forward('fix');
  listBackups = this.forward('listBackups');
  revert = this.forward('revert');
  deleteBackup = this.forward('deleteBackup');
  archive: NonNullable<Services['archive']> = async (...args) => {
    const real = await this.load();
    if (!real.archive) throw new Error('archive services missing');
    return real.archive(...args);
  };

  disc: NonNullable<Services['disc']> = async (...args) => {
    const real = await this.load();
    if (!real.disc) throw new Error('disc services missing');
    return real.disc(...args);
  };

  logEntries() {
    return this.ctx.log.entries;
  }

  subscribeLog(fn: Parameters<Services['subscribeLog']>[0]) {
    return this.ctx.log.subscribe(fn);
  }

  /** Nothing to close when the core was never loaded (nothing was mounted). */
  async close(): Promise<void> {
    if (this.real) await (await this.real).close();
  }
}
