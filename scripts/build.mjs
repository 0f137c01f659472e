// Single-file ESM bundle: one file to open on a squashfs live CD, and a faster first frame.
// The three traps: ESM output needs a createRequire banner for bundled CommonJS; Ink's optional
// react-devtools-core import must be aliased to a stub; blessed reads its terminfo files
// relative to its own folder, so it stays external (loaded from node_modules when used).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${here}/package.json`, 'utf8'));

await build({
  entryPoints: [`${here}/src/main.ts`],
  outfile: `${here}/dist/firstaid.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'react-devtools-core': `${here}/src/ui/devtools-stub.ts` },
  external: ['blessed', 'blessed-contrib'],
  define: {
    FIRSTAID_VERSION: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
  },
  banner: {
    js: "import { createRequire as __firstaidCreateRequire } from 'node:module'; const require = __firstaidCreateRequire(import.meta.url);",
  },
});
