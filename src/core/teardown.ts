/**
 * Teardown stack: everything that must be undone (mounts, loop devices, temp dirs) registers
 * here and is undone in reverse order, on success, on error and on SIGINT/SIGTERM/SIGHUP.
 * Nothing firstaid sets up may outlive the process.
 */
import type { SessionLog } from './log.js';

export interface TeardownHandle {
  /** Runs this step now (out of order) and removes it from the stack. */
  release(): Promise<void>;
  /** Removes the step without running it (it was undone some other way). */
  forget(): void;
}

interface Step {
  name: string;
  fn: () => Promise<void> | void;
}

export class Teardown {
  private readonly steps: Step[] = [];
  /** Steps released out of order and still running: runAll waits for them too. */
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | null = null;

  constructor(private readonly log?: SessionLog) {}

  push(name: string, fn: () => Promise<void> | void): TeardownHandle {
    const step: Step = { name, fn };
    this.steps.push(step);
    return {
      release: async () => {
        const i = this.steps.indexOf(step);
        if (i < 0) return;
        this.steps.splice(i, 1);
        // Tracked, so a signal arriving meanwhile still waits for this undo before exiting.
        const p = Promise.resolve().then(step.fn);
        const tracked = p.then(
          () => undefined,
          () => undefined,
        );
        this.inFlight.add(tracked);
        try {
          await p;
        } finally {
          this.inFlight.delete(tracked);
        }
      },
      forget: () => {
        const i = this.steps.indexOf(step);
        if (i >= 0) this.steps.splice(i, 1);
      },
    };
  }

  get size(): number {
    return this.steps.length + this.inFlight.size;
  }

  /** Undoes every step, newest first. Never throws: failures are logged and the rest still run. */
  runAll(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      // Undos already under way (released out of order) finish first: what was set up after
      // them was undone by their owner, and what came before must wait for them.
      while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.fn();
        } catch (err) {
          this.log?.error(`teardown "${step.name}" failed: ${(err as Error).message}`);
        }
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * On SIGINT/SIGTERM/SIGHUP: run the teardown, then exit with 128+signal.
 * Returns a function that removes the handlers.
 */
export function teardownOnSignals(teardown: Teardown, onSignal?: (sig: string) => void): () => void {
  const handlers = new Map<string, () => void>();
  for (const sig of Object.keys(SIGNAL_EXIT)) {
    const h = (): void => {
      onSignal?.(sig);
      void teardown.runAll().finally(() => process.exit(SIGNAL_EXIT[sig]));
    };
    handlers.set(sig, h);
    process.on(sig as NodeJS.Signals, h);
  }
  return () => {
    for (const [sig, h] of handlers) process.off(sig as NodeJS.Signals, h);
  };
}
