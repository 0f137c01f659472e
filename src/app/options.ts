/** The options every command and the screens share (parsed by cli/options.ts). */
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

/** Values of a command's own options, by their long names. */
export type CommandFlags = Record<string, string | boolean | string[] | boolean[] | undefined>;
