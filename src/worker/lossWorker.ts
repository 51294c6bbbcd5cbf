/**
 * The loss worker (bundled as dist/worker.js): reads a large tensor file, parses it straight into typed arrays,
 * computes the loss in summary mode and posts the result back with its buffers transferred. The extension host only
 * waits, so it never blocks on a big input. One job per worker; the host terminates it to cancel.
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { LossLensError } from '../core/diagnostics';
import type { TensorFile } from '../core/json/tensorFile';
import type { LossInputs, LossResult } from '../core/losses/types';
import { resolveTensorSources } from '../core/io/index';
import { runLoss } from '../core/run';
import { readTensorFileFrom } from '../core/stream/reader';
import { summarize, summaryTransferables, toSummaryResult } from '../core/report/summary';
import { npyTensorFile, readTensorFileFromDisk, tensorFileFromFiles } from '../files';
import { DEFAULT_MAX_FILE_BYTES, readRegularFileSync, resolveNamedFile, type FileLimits } from '../safeFile';
import { handOverInputs } from './handOver';
import type { WorkerJob, WorkerMessage, WorkerSource } from './messages';

const port = parentPort;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** Progress posts at most every 2 % (a 140 MB file is read in 35 chunks). */
function progressReporter(phase: 'read' | 'compute'): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    if (fraction - last < 0.02 && fraction < 1) return;
    last = fraction;
    post({ type: 'progress', phase, fraction });
  };
}

/** The job's limits, or the command line's defaults: named files beside or below the JSON file. */
function limitsOf(job: WorkerJob): FileLimits {
  if (job.limits) return job.limits;
  const source = job.source;
  const root =
    source.kind === 'json' || source.kind === 'jsonBytes' ? path.dirname(path.resolve(source.path)) : undefined;
  return { maxBytes: DEFAULT_MAX_FILE_BYTES, ...(root !== undefined ? { root } : {}) };
}

function readSource(source: WorkerSource, limits: FileLimits): TensorFile {
  const progress = progressReporter('read');
  switch (source.kind) {
    case 'json':
      // Shared buffers: the host can hold the tensors without a copy (src/worker/handOver.ts).
      return readTensorFileFromDisk(source.path, (done, total) => progress(total > 0 ? done / total : 1), limits, {
        shared: true,
      });
    case 'jsonBytes': {
      const bytes = source.bytes;
      let offset = 0;
      const parsed = readTensorFileFrom(
        (into) => {
          const n = Math.min(into.length, bytes.length - offset);
          into.set(bytes.subarray(offset, offset + n));
          offset += n;
          progress(bytes.length > 0 ? offset / bytes.length : 1);
          return n;
        },
        { sizeHint: bytes.length, shared: true },
      );
      return resolveTensorSources(parsed, (p) =>
        readRegularFileSync(resolveNamedFile(source.path, p, limits.root), limits.maxBytes),
      );
    }
    case 'npy':
      return npyTensorFile(source.input, source.target, limits);
    case 'tensorFiles':
      return tensorFileFromFiles(source.input, source.target, limits);
  }
}

/** Every buffer behind a result's and the inputs' typed arrays, once each. */
function buffersOf(results: readonly LossResult[], inputs: LossInputs | undefined): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (view: ArrayBufferView | undefined): void => {
    if (view && view.buffer instanceof ArrayBuffer && view.buffer.byteLength > 0) buffers.add(view.buffer);
  };
  for (const r of results) {
    add(r.perSample);
    add(r.output.data);
    add(r.perElement.data);
    const c = r.classification;
    if (c) {
      for (const a of [c.targetClass, c.targetProbability, c.predictedClass, c.sampleWeight, c.ignored]) add(a);
      add(c.labelSmoothing?.nllPart);
      add(c.labelSmoothing?.smoothPart);
    }
    add(r.summary?.logSumExp);
    add(r.summary?.perLabel);
  }
  for (const t of Object.values(inputs ?? {})) add(t.data);
  return [...buffers];
}

function run(job: WorkerJob): void {
  const started = performance.now();
  let file: TensorFile;
  try {
    file = readSource(job.source, limitsOf(job));
  } catch (e) {
    if (e instanceof LossLensError) post({ type: 'failed', message: e.message, diagnostic: e.diagnostic });
    else post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const read = performance.now();
  const info = {
    ...(file.loss !== undefined ? { loss: file.loss } : {}),
    ...(file.lossRange ? { lossRange: file.lossRange } : {}),
    ...(file.classes ? { classes: file.classes } : {}),
    options: file.options,
  };
  const loss = job.loss ?? file.loss;
  if (loss === undefined) {
    post({
      type: 'done',
      file: info,
      results: [],
      summaries: [],
      diagnostics: [],
      readMs: read - started,
      computeMs: 0,
    });
    return;
  }
  post({ type: 'progress', phase: 'compute', fraction: 0 });
  const torchVersion = file.torchVersion ?? job.torchVersion;
  const outcome = runLoss(
    {
      loss,
      inputs: file.inputs,
      options: job.options ?? file.options,
      ...(file.lossRange ? { range: file.lossRange } : {}),
    },
    { detail: 'summary', ...(torchVersion ? { torchVersion } : {}) },
  );
  // A loss without a summary path computed in full: keep only what a summary shows.
  const results = outcome.results.map(toSummaryResult);
  const summaries = results.map((r) => summarize(r, file.inputs));
  const inputs = job.returnInputs ? handOverInputs(file.inputs) : undefined;
  post(
    {
      type: 'done',
      file: info,
      results,
      summaries,
      diagnostics: outcome.diagnostics,
      ...(inputs ? { inputs } : {}),
      readMs: read - started,
      computeMs: performance.now() - read,
    },
    [...new Set([...buffersOf(results, inputs), ...summaries.flatMap(summaryTransferables)])],
  );
}

port?.once('message', (job: WorkerJob) => {
  try {
    run(job);
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
  port.close();
});
