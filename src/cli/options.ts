/** Global options, accepted by every command, before or after the command's name. */
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';

export interface GlobalOptions {
  image?: string;
  root?: string;
  backupStore?: string;
  /** Which installation, when the disks hold several (an id from `firstaid systems`). */
  system?: string;
  json: boolean;
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  help: boolean;
  version: boolean;
  /** fstab plugin etc.: choice answers given as --choice id=value. */
  choices: Record<string, string>;
  logFile?: string;
}

export interface ParsedCommandLine {
  options: GlobalOptions;
  /** Command name and its positional arguments. */
  positionals: string[];
}

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
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
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  const v = parsed.values;
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
  };
}
