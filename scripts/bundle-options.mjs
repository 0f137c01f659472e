// esbuild options every bundle of firstaid's code shares (the product, the benchmark, test
// children): ESM for Node 20 with a require() for bundled CommonJS, and the copy helper
// thread's entry beside the main one (src/backup/copy/share-work.ts loads it from that folder).
import { fileURLToPath } from 'node:url';

export function bundleOptions(name, entry, outdir) {
  return {
    entryPoints: {
      [name]: entry,
      'copy-worker': fileURLToPath(new URL('../src/backup/copy/copy-worker.ts', import.meta.url)),
      // The AWS SDK, loaded only for s3:// (src/backup/storage/s3.ts).
      's3-sdk': fileURLToPath(new URL('../src/backup/storage/s3-sdk.ts', import.meta.url)),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __firstaidCreateRequire } from 'node:module'; const require = __firstaidCreateRequire(import.meta.url);",
    },
  };
}

/**
 * What the shipped builds (the bundle, the single executable) add: production React, Ink's
 * devtools stubbed out, our own string-width (every copy: the package's load-time regexes cost
 * ~70 ms of the first frame), the version, minified syntax and whitespace.
 */
export function productOptions(here, version) {
  return {
    jsx: 'automatic',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    alias: {
      'react-devtools-core': `${here}/src/ui/devtools-stub.ts`,
      ws: `${here}/src/ui/devtools-stub.ts`,
      'string-width': `${here}/src/ui/string-width.ts`,
    },
    define: {
      FIRSTAID_VERSION: JSON.stringify(version),
      'process.env.NODE_ENV': '"production"',
    },
  };
}
