// ESM bundle: one file for the product (one to open on a squashfs live CD, and a faster first
// frame), one for its copy helper thread.
// The two traps: ESM output needs a createRequire banner for bundled CommonJS; Ink's optional
// react-devtools-core import must be aliased to a stub.
// minifySyntax drops the branches NODE_ENV=production rules out (React's development builds);
// `ws` is only used by Ink's devtools (DEV=true), never shipped.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleOptions, productOptions } from './bundle-options.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${here}/package.json`, 'utf8'));

await build({
  // The product, and the helper thread a big tree's backup or restore copies on.
  ...bundleOptions('firstaid', `${here}/src/main.ts`, `${here}/dist`),
  ...productOptions(here, pkg.version),
  minify: false,
  sourcemap: false,
});
