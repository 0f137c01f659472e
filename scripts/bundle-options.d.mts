import type { BuildOptions } from 'esbuild';
/** Bundles `entry` as `<outdir>/<name>.mjs`, with `<outdir>/copy-worker.mjs` and `s3-sdk.mjs` beside it. */
export function bundleOptions(name: string, entry: string, outdir: string): BuildOptions;
/** What the shipped builds add: production React, stubs and aliases, the version, minified output. */
export function productOptions(here: string, version: string): BuildOptions;
