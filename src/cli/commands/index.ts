import type { CliCommand } from '../context.js';
import { systemsCommand } from './systems.js';
import { backupsCommand } from './backups.js';
import { diagnoseCommand } from './diagnose.js';
import { fixCommand } from './fix.js';
import { revertCommand } from './revert.js';
import { logCommand } from './log.js';
import { archiveCommand } from './archive/index.js';
import { discCommand } from './disc/index.js';
import { peersCommand } from './peers/index.js';
import { storageCommand } from './storage/index.js';

export const COMMANDS: readonly CliCommand[] = [
  systemsCommand, backupsCommand, diagnoseCommand, fixCommand, revertCommand, logCommand, archiveCommand, discCommand, peersCommand, storageCommand,
];
