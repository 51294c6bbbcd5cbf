/**
 * Runs a benchmark script as the extension ships its code: bundled by esbuild (node20, CommonJS, as `esbuild.mjs`
 * builds `dist/`), with the snippet worker bundled beside it. Under `tsx` every module is transpiled on its own and
 * runs measurably slower than the bundle, so figures taken there would not be the user's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { SNIPPET_WORKER_RESOURCE_LIMITS } from '../../src/worker/snippetClient';
import type { SnippetJob, SnippetReply } from '../../src/worker/snippetMessages';

const BUNDLED = 'LOSS_LENS_BENCH_BUNDLED';
const WORKER = 'LOSS_LENS_BENCH_WORKER';
const ROOT = 'LOSS_LENS_BENCH_ROOT';

/** The repository's folder (a bundle runs from a temporary folder, so `__dirname` does not lead there). */
export function repoRoot(): string {
  return process.env[ROOT] ?? path.join(__dirname, '..', '..');
}

/** True when this process runs the bundle (the script then measures); false under tsx (it should bundle itself). */
export function runningBundled(): boolean {
  return process.env[BUNDLED] === '1';
}

/** The bundled snippet worker beside the bundled script (undefined under tsx). */
export function bundledWorker(): string | undefined {
  return process.env[WORKER];
}

/** Bundles `script` and the snippet worker into a temporary folder and runs the script there with this one's args. */
export function runAsBundle(script: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'loss-lens-bench-'));
  try {
    const root = repoRoot();
    buildSync({
      entryPoints: { bench: script, snippetWorker: path.join(root, 'src', 'worker', 'snippetWorker.ts') },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outdir: dir,
      logLevel: 'warning',
    });
    const run = spawnSync(process.execPath, [path.join(dir, 'bench.js'), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [BUNDLED]: '1', [WORKER]: path.join(dir, 'snippetWorker.js'), [ROOT]: root },
    });
    process.exitCode = run.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time of `runs` check jobs answered by a snippet worker (the extension's limits), after a warm-up. */
export async function medianInWorker(text: string, runs: number): Promise<number> {
  const bundle = bundledWorker();
  const worker = bundle
    ? new Worker(bundle, { resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS })
    : new Worker(path.join(repoRoot(), 'src', 'worker', 'snippetWorker.ts'), {
        execArgv: ['--require', 'tsx/cjs'],
        resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS,
      });
  let id = 0;
  const check = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const job: SnippetJob = { id: ++id, request: { kind: 'check', text } };
      const t0 = performance.now();
      worker.once('message', (reply: SnippetReply) =>
        reply.type === 'done' ? resolve(performance.now() - t0) : reject(new Error(reply.message)),
      );
      worker.postMessage(job);
    });
  try {
    for (let i = 0; i < 5; i++) await check();
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) walls.push(await check());
    return walls.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  } finally {
    await worker.terminate();
  }
}
