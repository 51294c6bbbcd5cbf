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
import {
  SNIPPET_WORKER_RESOURCE_LIMITS,
  SnippetWorkerClient,
  type SnippetClientOptions,
  type SnippetWorkerLike,
  type SnippetWorkerStats,
} from '../../src/worker/snippetClient';

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

/** A snippet worker thread as the extension starts it: the bundled one beside the bench, else the source under tsx. */
function snippetWorker(): SnippetWorkerLike {
  const bundle = bundledWorker();
  const worker = bundle
    ? new Worker(bundle, { resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS })
    : new Worker(path.join(repoRoot(), 'src', 'worker', 'snippetWorker.ts'), {
        execArgv: ['--require', 'tsx/cjs'],
        resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS,
      });
  return worker as unknown as SnippetWorkerLike;
}

/** Wall times of checks of `text` answered through the extension's client and a snippet worker of its own. */
export class WorkerChecks {
  private readonly client: SnippetWorkerClient;
  constructor(options: SnippetClientOptions = {}) {
    this.client = new SnippetWorkerClient(snippetWorker, options);
  }

  /** One check's wall time, from the request to its answer. */
  async check(text: string): Promise<number> {
    const t0 = performance.now();
    const answer = await this.client.run('bench', { kind: 'check', text });
    if (!answer) throw new Error('the check was superseded');
    return performance.now() - t0;
  }

  /**
   * A check that supersedes a running one, as typing does: `old` is sent, and `text` `afterMs` later; the wall time
   * of `text`'s check, from its request to its answer (the old one's stop included).
   */
  async checkSuperseding(old: string, text: string, afterMs: number): Promise<number> {
    const superseded = this.client.run('bench', { kind: 'check', text: old });
    await new Promise((r) => setTimeout(r, afterMs));
    const took = await this.check(text);
    if ((await superseded) !== undefined) throw new Error('the old check finished before it was superseded');
    return took;
  }

  stats(): SnippetWorkerStats {
    return this.client.stats();
  }

  dispose(): void {
    this.client.dispose();
  }
}

/**
 * `text` after the `k`th keystroke-sized edit: a comment at the end of a top-level line in the middle of the file,
 * different for every `k`, as the editor sends the file after typing. The snippet worker keeps the statements it
 * parsed (`ProgramCache`), so a check of the same text again would measure a parse that typing never gets.
 */
export function typedEdit(text: string, k: number): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => i >= lines.length / 2 && /^[A-Za-z_].*\)$/.test(l));
  if (at < 0) return `${text}\n# edit ${k}\n`;
  lines[at] = `${lines[at]}  # edit ${k}`;
  return lines.join('\n');
}

/**
 * Median of `runs` check jobs answered by a snippet worker (the extension's limits), after `warmUp` checks (V8 settles after about 30), each
 * after an edit ({@link typedEdit}).
 */
export async function medianInWorker(text: string, runs: number, warmUp = 30): Promise<number> {
  const checks = new WorkerChecks();
  try {
    for (let i = 0; i < warmUp; i++) await checks.check(typedEdit(text, i));
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) walls.push(await checks.check(typedEdit(text, warmUp + i)));
    return median(walls);
  } finally {
    checks.dispose();
  }
}

/** The median of some times. */
export function median(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
