/**
 * Entry point of the bundle: parse the command line, run a CLI command or the screens,
 * always tear down what was set up, and turn every failure into message + next step.
 */
import { commandNameOf, parseCommandLine } from './cli/options.js';
import { HELP } from './cli/help.js';
import { SessionLog } from './core/log.js';
import { Runner } from './core/runner.js';
import { Teardown, teardownOnSignals } from './core/teardown.js';
import { asFirstaidError, UsageError, type ExitCode } from './core/errors.js';
import { sessionLogPath } from './core/paths.js';
import { makeContext } from './app/context.js';
import { consoleIO } from './app/io.js';

declare const FIRSTAID_VERSION: string;
const VERSION = typeof FIRSTAID_VERSION === 'string' ? FIRSTAID_VERSION : 'dev';

function printError(err: unknown, json: boolean): ExitCode {
  const e = asFirstaidError(err);
  if (json) {
    process.stdout.write(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint, ...(Object.keys(e.details).length > 0 ? { details: e.details } : {}) } }, null, 2) + '\n');
  } else {
    process.stderr.write(`firstaid: ${e.message}\n  ${e.hint}\n`);
  }
  return e.exitCode;
}

export async function main(argv: string[]): Promise<ExitCode> {
  let json = argv.includes('--json');
  let log: SessionLog | undefined;
  const teardown = new Teardown();
  const removeSignals = teardownOnSignals(teardown, (sig) => log?.warn(`received ${sig}: undoing mounts and loop devices`));
  try {
    const named = commandNameOf(argv);
    // Commands (and the core behind them) load only when one is named: the screens start sooner.
    const command = named === undefined ? undefined : (await import('./cli/commands/index.js')).COMMANDS.find((c) => c.name === named);
    const { options, positionals, flags } = parseCommandLine(argv, command?.options);
    json = options.json;
    if (options.version) {
      process.stdout.write(`firstaid ${VERSION}\n`);
      return 0;
    }
    if (options.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [name, ...args] = positionals;
    log = new SessionLog(options.logFile ?? sessionLogPath());
    const runner = new Runner({ log, dryRun: options.dryRun });
    const io = consoleIO();
    const ctx = makeContext({ options, args, flags, log, runner, teardown, io });
    if (name === undefined) {
      if (!io.canPrompt) {
        throw new UsageError(
          'The repair screens need a terminal, and this is not one.',
          'Use the commands instead: firstaid systems, diagnose, fix PLUGIN, revert ID, backups (see firstaid --help).',
        );
      }
      const { startTui } = await import('./tui.js');
      return await startTui(ctx);
    }
    if (!command) throw new UsageError(`Unknown command "${name}".`);
    return await command.run(ctx);
  } catch (err) {
    log?.error(asFirstaidError(err).message);
    return printError(err, json);
  } finally {
    await teardown.runAll();
    removeSignals();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`firstaid: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
