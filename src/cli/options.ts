/** The command line: global options (accepted before or after the command's name) and a command's own. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';
import type { CommandFlags, GlobalOptions } from '../app/options.js';

export type { GlobalOptions, CommandFlags } from '../app/options.js';

/** A command's own options (parseArgs form), beside the global ones. */
export type CommandOptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine {
  options: GlobalOptions;
  /** Command name and its positional arguments. */
  positionals: string[];
  /** The named command's own options (empty when it declares none). */
  flags: CommandFlags;
}

const GLOBAL_OPTIONS = {
  image: { type: 'string' },
  root: { type: 'string' },
  'backup-store': { type: 'string' },
  system: { type: 'string' },
  json: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
  choice: { type: 'string', multiple: true },
  log: { type: 'string' },
} as const satisfies CommandOptionSpec;

/** The command's name: the first positional, found without knowing the command's options. */
export function commandNameOf(argv: string[]): string | undefined {
  const loose = parseArgs({ args: argv, allowPositionals: true, strict: false, options: GLOBAL_OPTIONS });
  return loose.positionals[0];
}

/**
 * Parses argv with the global options and `commandOptions` (the named command's own).
 * A command option may not reuse a global option's name.
 */
export function parseCommandLine(argv: string[], commandOptions: CommandOptionSpec = {}): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...commandOptions, ...GLOBAL_OPTIONS },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  // The global options' values, typed as parseArgs types them.
  const v = parsed.values as ReturnType<typeof parseArgs<{ options: typeof GLOBAL_OPTIONS; allowPositionals: true; strict: true }>>['values'];
  if (v.image && v.root) throw new UsageError('--image and --root cannot be used together.', 'Give one target: a disk image (--image FILE) or a mounted root (--root DIR).');
  const choices: Record<string, string> = {};
  for (const c of v.choice ?? []) {
    const eq = c.indexOf('=');
    if (eq <= 0) throw new UsageError(`--choice wants ID=VALUE, got "${c}".`);
    choices[c.slice(0, eq)] = c.slice(eq + 1);
  }
  return {
    options: {
      ...(v.image !== undefined ? { image: v.image } : {}),
      ...(v.root !== undefined ? { root: v.root } : {}),
      ...(v['backup-store'] !== undefined ? { backupStore: v['backup-store'] } : {}),
      ...(v.system !== undefined ? { system: v.system } : {}),
      ...(v.log !== undefined ? { logFile: v.log } : {}),
      json: v.json ?? false,
      dryRun: v['dry-run'] ?? false,
      yes: v.yes ?? false,
      force: v.force ?? false,
      help: v.help ?? false,
      version: v.version ?? false,
      choices,
    },
    positionals: parsed.positionals,
    flags: Object.fromEntries(Object.keys(commandOptions).map((k) => [k, (parsed.values as CommandFlags)[k]])),
  };
}
