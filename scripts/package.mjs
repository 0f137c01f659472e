// npm run package: dist/firstaid-linux-x64, a Node 20 single executable application (SEA) that
// runs where no Node.js is installed (glibc x86_64), with the same code as the bundle.
// - The product is the ESM bundle (build.mjs's options), embedded as the SEA asset firstaid.mjs
//   and started by the CommonJS main scripts/sea-main.cjs (Node 20 runs only a CommonJS main;
//   Ink's top-level await rules out a CommonJS bundle), which imports it from a temporary file.
//   No node_modules is beside that file: its banner's require() is made for process.execPath
//   (it loads built-in modules only; everything else is bundled).
// - The copy helper thread's code is the asset copy-worker.cjs (CommonJS: share-work.ts starts it
//   with new Worker(code, { eval: true })).
// Steps: esbuild -> node --experimental-sea-config -> postject the blob into a copy of node.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { productOptions } from './bundle-options.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${here}/package.json`, 'utf8'));
const work = `${here}/dist/sea`;
const out = `${here}/dist/firstaid-linux-x64`;
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', ...productOptions(here, pkg.version) };
await build({
  ...common,
  entryPoints: [`${here}/src/main.ts`],
  outfile: `${work}/firstaid.mjs`,
  format: 'esm',
  banner: { js: "import { createRequire as __firstaidCreateRequire } from 'node:module'; const require = __firstaidCreateRequire(process.execPath);" },
});
await build({ ...common, entryPoints: [`${here}/src/backup/copy/copy-worker.ts`], outfile: `${work}/copy-worker.cjs`, format: 'cjs' });

const config = {
  main: `${here}/scripts/sea-main.cjs`,
  output: `${work}/sea-prep.blob`,
  disableExperimentalSEAWarning: true,
  assets: { 'firstaid.mjs': `${work}/firstaid.mjs`, 'copy-worker.cjs': `${work}/copy-worker.cjs` },
};
writeFileSync(`${work}/sea-config.json`, JSON.stringify(config, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', `${work}/sea-config.json`], { stdio: ['ignore', 'ignore', 'inherit'] });

// A copy of this node (the one that made the blob: they must be the same version). postject
// warns about ELF note sections it does not know; harmless.
const tmp = `${out}.tmp.${process.pid}`;
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
execFileSync(
  process.execPath,
  [`${here}/node_modules/postject/dist/cli.js`, tmp, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
  { stdio: ['ignore', 'ignore', 'ignore'] },
);
renameSync(tmp, out);
console.log(`${out}: ${(statSync(out).size / 1e6).toFixed(1)} MB (node ${process.version})`);
