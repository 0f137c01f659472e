/** Every backend registers here, once (imported by registry.ts on first use). */
import { registerScheme } from './registry.js';
import { openFileBackend } from './file.js';

registerScheme('file', (url) => openFileBackend(url));
import { openSftpBackend } from './sftp.js';

registerScheme('sftp', (url, deps) => openSftpBackend(url, deps));
import { openRsyncBackend } from './rsync.js';

registerScheme('rsync', (url, deps) => openRsyncBackend(url, deps, false));
registerScheme('rsync+ssh', (url, deps) => openRsyncBackend(url, deps, true));

// The AWS SDK is large: loaded by s3.ts only when an s3:// URL is opened.
registerScheme('s3', async (url, deps) => (await import('./s3.js')).openS3Backend(url, deps));
import { registerPrefix } from './registry.js';
import { openPar2Backend } from './par2.js';

registerPrefix('par2', (inner, _innerUrl, deps) => openPar2Backend(inner, deps));
