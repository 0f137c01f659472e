/** Every backend registers here, once (imported by registry.ts on first use). */
import { registerScheme } from './registry.js';
import { openFileBackend } from './file.js';

registerScheme('file', (url) => openFileBackend(url));
import { openSftpBackend } from './sftp.js';

registerScheme('sftp', (url, deps) => openSftpBackend(url, deps));
