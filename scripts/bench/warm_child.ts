/**
 * The Loss Lens side of scripts/bench/warm.ts, bundled by esbuild (as dist/worker.js is) and run in its own Node
 * process:
 *
 *   node --expose-gc warm-child.cjs time ROWS.json N   each row N times, best of N, one process (warm); prints JSON
 *   node warm-child.cjs time-worker ROWS.json N WORKER.cjs
 *                                                      the same rows through the extension's worker (WORKER.cjs) in
 *                                                      a worker thread, timed from the post to the first page of rows
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
 * One run of a row is what the extension does for a large input: the worker's job code itself (src/worker/job.ts:
 * the read, the streaming JSON reader or the .npy/.pt/.safetensors readers into the worker's pool of read buffers,
 * `runLoss` in summary mode, `toSummaryResult`, `summarize`, the answer, then the pool settled as
 * src/worker/lossWorker.ts settles it after posting), then the host's `buildSummaryReport` and the table's first page
 * of rows. A row's first run is the panel's first computation (its input tensors handed over and held); the timed
 * runs are the what-if recomputations after it in the same warm process, as the kept worker runs them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ReadBufferPool } from '../../src/core/io/bufferPool';
import type { LossInputs, LossOptions } from '../../src/core/losses/types';
import { buildSummaryReport } from '../../src/core/report/summary';
import { readNpyFromDisk } from '../../src/files';
import { computeJob, settleJob } from '../../src/worker/job';
import { SpareBuffers } from '../../src/worker/spares';
import type { WorkerJob, WorkerMessage, WorkerSource } from '../../src/worker/messages';

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

/** The worker job a row is: its files as the extension names them, its options with their tensors read. */
function jobOf(row: WarmRow, folder: string, returnInputs: boolean): WorkerJob {
  const at = (name: string): string => path.join(folder, name);
  const options: Record<string, LossOptions[string]> = { ...row.options };
  for (const [name, file] of Object.entries(row.tensorOptions ?? {})) options[name] = readNpyFromDisk(at(file));
  const source: WorkerSource =
    row.form === 'json'
      ? { kind: 'json', path: at(row.input) }
      : row.form === 'npy'
        ? { kind: 'tensorFiles', input: { path: at(row.input), key: '' }, target: { path: at(row.target!), key: '' } }
        : {
            kind: 'tensorFiles',
            input: { path: at(row.input), key: 'input' },
            target: { path: at(row.input), key: 'target' },
          };
  return {
    source,
    loss: row.loss,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    returnInputs,
  };
}

/**
 * One run of a row as the extension's worker runs a job (src/worker/job.ts: the same read into the worker's pool of
 * buffers, loss, summary and answer, then the same settle of the pool once the answer is out), then the host's report
 * model and first page, built with `hostInputs` (the tensors the panel's first computation handed over).
 */
function once(row: WarmRow, folder: string, worker: WorkerState, hostInputs: LossInputs, returnInputs: boolean): Once {
  const { pool, spares } = worker;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const buffers = pool.lease();
  const outcome = computeJob(jobOf(row, folder, returnInputs), buffers, undefined, spares);
  const answer = outcome.message;
  if (answer.type !== 'done') throw new Error(`${row.name}: ${answer.message}`);
  const summary = answer.summaries[0];
  if (!summary) throw new Error(`${row.name}: ${answer.diagnostics.map((d) => d.message).join('; ')}`);
  const inputs = answer.inputs ?? hostInputs;
  const model = buildSummaryReport(summary, { inputs });
  model.rows(0, 50);
  // The worker settles right after posting the answer (its transferred buffers then detached: kept out all the same).
  settleJob(pool, buffers, outcome);
  const used = process.cpuUsage(cpu);
  const totalMs = performance.now() - start;
  // After the answer is posted, as the worker does: not in the figure (the host has its answer by then), timed apart.
  const prepared = performance.now();
  spares.prepare();
  worker.prepareMs.push(performance.now() - prepared);
  return { value: summary.value ?? NaN, readMs: answer.readMs, totalMs, cpuMs: (used.user + used.system) / 1000 };
}

/** What the loss worker keeps between jobs: its pool of read buffers and its output spares. */
interface WorkerState {
  readonly pool: ReadBufferPool;
  readonly spares: SpareBuffers;
  /** Milliseconds each preparation of the spares took (after a job, outside its figure). */
  readonly prepareMs: number[];
}

/**
 * Each row in one warm worker: first the panel's computation (`returnInputs`, its tensors then held as the host holds
 * them), then `repeats` what-if recomputations, best of them. The pool is the worker's, kept across rows.
 */
function time(rowsFile: string, repeats: number): void {
  const folder = path.dirname(path.resolve(rowsFile));
  const rows = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as WarmRow[];
  const worker: WorkerState = { pool: new ReadBufferPool(), spares: new SpareBuffers(), prepareMs: [] };
  const out = rows.map((row) => {
    const holder: { inputs: LossInputs } = { inputs: {} };
    const first = onceFirst(row, folder, worker, holder);
    worker.prepareMs.length = 0;
    let best: Once | undefined;
    let bestCpu = Infinity;
    for (let r = 0; r < repeats; r++) {
      const run = once(row, folder, worker, holder.inputs, false);
      if (!best || run.totalMs < best.totalMs) best = run;
      bestCpu = Math.min(bestCpu, run.cpuMs);
    }
    return {
      name: row.name,
      form: row.form,
      ms: best!.totalMs,
      cpuMs: bestCpu,
      readMs: best!.readMs,
      firstMs: first.totalMs,
      prepareMs: Math.max(0, ...worker.prepareMs),
      value: best!.value,
    };
  });
  process.stdout.write(
    `${JSON.stringify({ node: process.version, rows: out, pool: worker.pool.stats(), spares: worker.spares.stats() })}\n`,
  );
}

/** The panel's first computation of a row: its input tensors handed over and kept in `holder`, as the host keeps them. */
function onceFirst(row: WarmRow, folder: string, worker: WorkerState, holder: { inputs: LossInputs }): Once {
  const buffers = worker.pool.lease();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const outcome = computeJob(jobOf(row, folder, true), buffers, undefined, worker.spares);
  if (outcome.message.type !== 'done') throw new Error(`${row.name}: ${outcome.message.message}`);
  holder.inputs = outcome.message.inputs ?? {};
  const summary = outcome.message.summaries[0]!;
  buildSummaryReport(summary, { inputs: holder.inputs }).rows(0, 50);
  settleJob(worker.pool, buffers, outcome);
  const used = process.cpuUsage(cpu);
  const totalMs = performance.now() - start;
  worker.spares.prepare();
  return {
    value: summary.value ?? NaN,
    readMs: outcome.message.readMs,
    totalMs,
    cpuMs: (used.user + used.system) / 1000,
  };
}

function memory(file: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  const row: WarmRow = { name: path.basename(file), loss: 'cross_entropy', form: 'json', input: path.basename(file) };
  const fresh: WorkerState = { pool: new ReadBufferPool(), spares: new SpareBuffers(), prepareMs: [] };
  const run = onceFirst(row, path.dirname(path.resolve(file)), fresh, { inputs: {} });
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

/** One job in the worker thread: posted, answered (its buffers transferred here), as the extension host runs it. */
function postJob(worker: Worker, job: WorkerJob): Promise<WorkerMessage & { type: 'done' }> {
  return new Promise((resolve, reject) => {
    const listen = (m: WorkerMessage): void => {
      if (m.type === 'progress') return;
      worker.off('message', listen);
      if (m.type === 'done') resolve(m);
      else reject(new Error(m.message));
    };
    worker.on('message', listen);
    worker.postMessage(job);
  });
}

/**
 * {@link time} through the extension's own worker (WORKER.cjs, the bundle of src/worker/lossWorker.ts) in a worker
 * thread, kept for all the rows as the extension keeps it: each row's first computation, then `repeats` what-if jobs,
 * each timed from the post to the host's first page of rows (the answer's arrays transferred to this thread, as they
 * are to the extension host, so the worker's fresh memory is what it is there). Best of them.
 */
async function timeWorker(rowsFile: string, repeats: number, workerBundle: string): Promise<void> {
  const folder = path.dirname(path.resolve(rowsFile));
  const rows = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as WarmRow[];
  const worker = new Worker(path.resolve(workerBundle));
  const out = [];
  for (const row of rows) {
    const first = await postJob(worker, jobOf(row, folder, true));
    const inputs = first.inputs ?? {};
    let best = Infinity;
    let value = NaN;
    for (let r = 0; r < repeats; r++) {
      // Let the worker map its spares after the previous answer, as the time a person takes between two what-ifs does.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const start = performance.now();
      const answer = await postJob(worker, jobOf(row, folder, false));
      const summary = answer.summaries[0]!;
      buildSummaryReport(summary, { inputs }).rows(0, 50);
      best = Math.min(best, performance.now() - start);
      value = summary.value ?? NaN;
    }
    out.push({ name: row.name, form: row.form, ms: best, value });
  }
  await worker.terminate();
  process.stdout.write(`${JSON.stringify({ rows: out })}\n`);
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'time') time(a!, Number(b));
else if (mode === 'time-worker') void timeWorker(a!, Number(b), c!);
else if (mode === 'memory') memory(a!);
else if (mode === 'memory-worker') void memoryWorker(a!, b!);
else if (mode !== 'noop') {
  throw new Error(
    `usage: warm-child.cjs time ROWS.json N | time-worker ROWS.json N WORKER.cjs | memory FILE.json | ` +
      `memory-worker FILE.json WORKER.cjs | noop`,
  );
}
