import type { BuildOptions } from 'esbuild';
/** Bundles `entry` as `<outdir>/<name>.mjs`, with `<outdir>/copy-worker.mjs` beside it. */
export function bundleOptions(name: string, entry: string, outdir: string): BuildOptions;
