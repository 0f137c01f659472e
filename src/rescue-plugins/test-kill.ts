/**
 * Test hook for the kill-during-apply tests: with FIRSTAID_TEST_KILL_AT=N the process kills
 * itself with SIGKILL at the Nth kill point of a fix's apply and verify (before and after each
 * command the plugin runs, each file it writes, the journal steps), after printing
 * "firstaid-test: SIGKILL at N (what)" on stderr. Nothing happens without the variable.
 */
import { writeSync } from 'node:fs';
import type { ChrootEnv, PluginContext } from './types.js';

let passed = 0;

function limit(): number | null {
  const v = process.env.FIRSTAID_TEST_KILL_AT;
  return v && /^\d+$/.test(v) ? Number(v) : null;
}

/** One kill point. */
export function killPoint(what: string): void {
  const n = limit();
  if (n === null) return;
  passed++;
  if (process.env.FIRSTAID_TEST_KILL_TRACE) writeSync(2, `firstaid-test: kill point ${passed} (${what})\n`);
  if (passed !== n) return;
  writeSync(2, `firstaid-test: SIGKILL at ${n} (${what})\n`);
  process.kill(process.pid, 'SIGKILL');
}

function around<T extends object>(obj: T, methods: readonly string[], label: string): T {
  return new Proxy(obj, {
    get(t, k, r) {
      const v = Reflect.get(t, k, t) as unknown;
      if (typeof v !== 'function') return v;
      if (typeof k !== 'string' || !methods.includes(k)) return (v as (...a: unknown[]) => unknown).bind(t);
      return async (...args: unknown[]) => {
        const what = `${label}.${k} ${typeof args[0] === 'string' ? args[0] : ''}`.trim();
        killPoint(`before ${what}`);
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        killPoint(`after ${what}`);
        return out;
      };
    },
  }) as T;
}

/** The context with kill points around its writes and commands (unchanged without the variable). */
export function withKillPoints(ctx: PluginContext): PluginContext {
  if (limit() === null) return ctx;
  return {
    ...ctx,
    runner: around(ctx.runner, ['run'], 'runner'),
    target: around(ctx.target, ['writeFileAtomic', 'writeFile', 'mkdirp', 'rename', 'unlink', 'rm'], 'target'),
    chroot: async (): Promise<ChrootEnv> => around(await ctx.chroot(), ['run'], 'chroot'),
  };
}
