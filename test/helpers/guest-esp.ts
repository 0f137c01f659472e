/** test/e2e/guest/esp-check.ts bundled to one CommonJS file for the guest (NODE_OPTIONS=--require). */
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { REPO } from './sea.js';

export function bundleEspCheck(outfile: string): string {
  buildSync({ entryPoints: [join(REPO, 'test', 'e2e', 'guest', 'esp-check.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}
