import type { CliCommand } from '../context.js';

/** `firstaid log`: where this session's log is (each run has its own). */
export const logCommand: CliCommand = {
  name: 'log',
  async run(ctx) {
    const file = ctx.log.file ?? '';
    if (ctx.options.json) ctx.out(JSON.stringify({ file }));
    else ctx.out(`Session logs are written to ${file.replace(/\/[^/]*$/, '/')} (one JSON line per command or event).`);
    return 0;
  },
};
