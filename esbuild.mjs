// One build script, one entry per bundle: the extension (node, cjs, vscode external), its loss worker (node), the
// webview (browser) and the CLI (node). Type-checking runs separately with `tsc --noEmit`.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  {
    entryPoints: { extension: 'src/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outdir: 'dist',
  },
  {
    // The loss worker: large inputs are read, parsed and computed off the extension host's thread.
    entryPoints: { worker: 'src/worker/lossWorker.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
  },
  {
    // The snippet worker: the checker and the evaluator run the user's Python off the extension host's thread.
    entryPoints: { snippetWorker: 'src/worker/snippetWorker.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
  },
  {
    entryPoints: { cli: 'src/cli.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    outdir: 'dist',
  },
  {
    entryPoints: { webview: 'webview/main.ts' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist/webview',
  },
];

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

if (watch) {
  for (const b of bundles) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
}
