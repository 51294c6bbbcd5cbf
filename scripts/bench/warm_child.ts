/**
 * The Loss Lens side of scripts/bench/warm.ts, bundled by esbuild (as dist/worker.js is) and run in its own Node
 * process:
 *
 *   node --expose-gc warm-child.cjs time ROWS.json N   each row N times, best of N, one process (warm); prints JSON
 *   node --expose-gc warm-child.cjs memory FILE.json   one summary of a JSON tensor file in a fresh process: the
 *                                                      resident set before (Node + the bundle, after a GC) and at its
 *                                                      peak (the kernel's maxRSS); prints JSON
 *   node --expose-gc warm-child.cjs memory-worker FILE.json WORKER.cjs
 *                                                      the same through the extension's own worker (WORKER.cjs, the
 *                                                      bundle of src/worker/lossWorker.ts) in a worker thread, as the
 *                                                      host runs a panel's first computation: the job posted with
 *                                                      returnInputs, the answer and its input tensors received and
 *                                                      held; the resident set before the worker starts, once it idles,
 *                                                      and at the peak; prints JSON
 *   node warm-child.cjs noop                           loads the bundle and exits (start-up cost)
 *
 * One run of a row is what the extension does for a large input: the worker's read (the streaming JSON reader, or
 * the .npy/.pt/.safetensors readers), `runLoss` in summary mode, `toSummaryResult` and `summarize`
 * (src/worker/lossWorker.ts), then the host's `buildSummaryReport` and the table's first page of rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LossOptions } from '../../src/core/losses/types';
import { runLoss } from '../../src/core/run';
import { buildSummaryReport, summarize, toSummaryResult } from '../../src/core/report/summary';
import type { Tensor } from '../../src/core/tensor';
import { readNpyFromDisk, readTensorFileFromDisk, tensorFileFromFiles } from '../../src/files';
import type { WorkerJob, WorkerMessage } from '../../src/worker/messages';

/** One benchmark row, as scripts/bench/warm.ts writes it (file names relative to ROWS.json). */
export interface WarmRow {
  readonly name: string;
  readonly loss: string;
  readonly form: 'npy' | 'json' | 'pt' | 'safetensors';
  readonly input: string;
  readonly target?: string;
  readonly options?: Readonly<Record<string, number | string | boolean>>;
  readonly tensorOptions?: Readonly<Record<string, string>>;
}

/** What one run measured. */
interface Once {
  readonly value: number;
  readonly readMs: number;
  readonly totalMs: number;
  /** This process's CPU time (user + system) for the run: less disturbed than wall time on a shared machine. */
  readonly cpuMs: number;
}

/** One run of a row. */
function once(row: WarmRow, folder: string): Once {
  const at = (name: string): string => path.join(folder, name);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const options: Record<string, LossOptions[string]> = { ...row.options };
  for (const [name, file] of Object.entries(row.tensorOptions ?? {})) options[name] = readNpyFromDisk(at(file));
  let inputs: Readonly<Record<string, Tensor>>;
  if (row.form === 'json') {
    const file = readTensorFileFromDisk(at(row.input));
    inputs = file.inputs;
    Object.assign(options, file.options);
  } else if (row.form === 'npy') {
    inputs = tensorFileFromFiles({ path: at(row.input) }, { path: at(row.target!) }).inputs;
  } else {
    inputs = tensorFileFromFiles({ path: at(row.input), key: 'input' }, { path: at(row.input), key: 'target' }).inputs;
  }
  const read = performance.now();
  const outcome = runLoss({ loss: row.loss, inputs, options }, { detail: 'summary' });
  const result = outcome.results[0];
  if (!result) throw new Error(`${row.name}: ${outcome.diagnostics.map((d) => d.message).join('; ')}`);
  const summary = summarize(toSummaryResult(result), inputs);
  const model = buildSummaryReport(summary, { inputs });
  model.rows(0, 50);
  const used = process.cpuUsage(cpu);
  return {
    value: summary.value ?? NaN,
    readMs: read - start,
    totalMs: performance.now() - start,
    cpuMs: (used.user + used.system) / 1000,
  };
}

function time(rowsFile: string, repeats: number): void {
  const folder = path.dirname(path.resolve(rowsFile));
  const rows = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as WarmRow[];
  const out = rows.map((row) => {
    let best: Once | undefined;
    let bestCpu = Infinity;
    for (let r = 0; r < repeats; r++) {
      const run = once(row, folder);
      if (!best || run.totalMs < best.totalMs) best = run;
      bestCpu = Math.min(bestCpu, run.cpuMs);
    }
    return {
      name: row.name,
      form: row.form,
      ms: best!.totalMs,
      cpuMs: bestCpu,
      readMs: best!.readMs,
      value: best!.value,
    };
  });
  process.stdout.write(`${JSON.stringify({ node: process.version, rows: out })}\n`);
}

function memory(file: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const row: WarmRow = { name: path.basename(file), loss: 'cross_entropy', form: 'json', input: path.basename(file) };
  const run = once(row, path.dirname(path.resolve(file)));
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `${JSON.stringify({ fileBytes: fs.statSync(file).size, baseline, peak, value: run.value, ms: run.totalMs })}\n`,
  );
}

/** The extension's path: src/worker/lossWorker.ts in a worker thread, the answer with its inputs held here. */
async function memoryWorker(file: string, workerBundle: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const worker = new Worker(path.resolve(workerBundle));
  await new Promise<void>((resolve) => worker.once('online', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const idle = process.memoryUsage().rss;
  const start = performance.now();
  const answer = await new Promise<WorkerMessage & { type: 'done' }>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') resolve(m);
      else if (m.type === 'failed') reject(new Error(m.message));
    });
    worker.once('error', reject);
    const job: WorkerJob = {
      source: { kind: 'json', path: path.resolve(file) },
      loss: 'cross_entropy',
      returnInputs: true,
    };
    worker.postMessage(job);
  });
  const ms = performance.now() - start;
  const peak = process.resourceUsage().maxRSS * 1024;
  await worker.terminate();
  const inputs = Object.values(answer.inputs ?? {});
  process.stdout.write(
    `${JSON.stringify({
      fileBytes: fs.statSync(file).size,
      baseline,
      idle,
      peak,
      value: answer.results[0]?.output.data[0],
      inputBytes: inputs.reduce((n, t) => n + t.data.byteLength, 0),
      inputBufferBytes: inputs.reduce((n, t) => n + t.data.buffer.byteLength, 0),
      ms,
    })}\n`,
  );
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'time') time(a!, Number(b));
else if (mode === 'memory') memory(a!);
else if (mode === 'memory-worker') void memoryWorker(a!, b!);
else if (mode !== 'noop') {
  throw new Error(
    `usage: warm-child.cjs time ROWS.json N | memory FILE.json | memory-worker FILE.json WORKER.cjs | noop`,
  );
}
