/**
 * One loss-worker job, as src/worker/lossWorker.ts runs it and `npm run bench:warm` measures it: read the source (the
 * binary files into buffers of the worker's pool), compute the loss in summary mode, summarize, and build the answer
 * with the list of buffers to transfer. Then, once the answer is posted, {@link settleJob} gives the pool back the
 * read buffers the answer does not reach. No `node:worker_threads` here, so the same code runs in process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../core/diagnostics';
import type { BufferLease, ReadBufferPool, ReadBuffers } from '../core/io/bufferPool';
import { resolveTensorSources } from '../core/io/index';
import type { TensorFile } from '../core/json/tensorFile';
import type { LossInputs, LossResult, OutputBuffers } from '../core/losses/types';
import { summarize, summaryTransferables, toSummaryResult } from '../core/report/summary';
import { runLoss } from '../core/run';
import { readTensorFileFrom } from '../core/stream/reader';
import { npyTensorFile, readTensorFileFromDisk, tensorFileFromFiles } from '../files';
import { DEFAULT_MAX_FILE_BYTES, readRegularFileSync, resolveNamedFile, type FileLimits } from '../safeFile';
import { handOverInputs } from './handOver';
import type { WorkerJob, WorkerMessage, WorkerSource } from './messages';

/** A job's answer (`done` or `failed`) and the buffers to transfer with it. */
export interface JobOutcome {
  readonly message: Extract<WorkerMessage, { type: 'done' | 'failed' }>;
  readonly transfer: ArrayBuffer[];
}

/** Progress of a phase, in [0, 1]. */
export type JobProgress = (phase: 'read' | 'compute', fraction: number) => void;

/** Progress reported at most every 2 % (a 140 MB file is read in 35 chunks). */
function throttled(progress: JobProgress, phase: 'read' | 'compute'): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    if (fraction - last < 0.02 && fraction < 1) return;
    last = fraction;
    progress(phase, fraction);
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

/** A file's size, modification and change times and inode, as `fs.statSync` gives them. */
function statStamp(file: string): string {
  const s = fs.statSync(file, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/**
 * Reads a JSON tensor file from disk with its stamp: the file's stat before and after the read, when they agree and
 * the file named no other file (an `{"npy": …}` file could change under an unchanged JSON file).
 */
function readJsonFile(
  file: string,
  limits: FileLimits,
  buffers: BufferLease,
  progress: (fraction: number) => void,
): { file: TensorFile; stamp?: string } {
  const before = statStamp(file);
  let namedFiles = 0;
  // Every file a JSON file names is read into a buffer taken here (src/safeFile.ts readRegularFileSync).
  const counting: ReadBuffers = {
    take: (byteLength) => {
      namedFiles++;
      return buffers.take(byteLength);
    },
  };
  // Shared buffers: the host can hold the tensors without a copy (src/worker/handOver.ts).
  const parsed = readTensorFileFromDisk(
    file,
    (done, total) => progress(total > 0 ? done / total : 1),
    limits,
    { shared: true },
    counting,
  );
  const after = statStamp(file);
  return { file: parsed, ...(namedFiles === 0 && before === after ? { stamp: after } : {}) };
}

/**
 * The last stamped JSON file a worker read, parsed, so that computing it again (the same file, a what-if change)
 * reads and parses nothing while the file keeps its stamp. Its tensors are the ones the host was handed (shared, not
 * copied), and nothing writes to a job's inputs.
 */
export class KeptJsonFile {
  private last: { readonly path: string; readonly stamp: string; readonly file: TensorFile } | undefined;

  /** The file kept for `path` when it still has the stamp it was read at and fits `maxBytes`; else `undefined`. */
  get(path: string, maxBytes: number): { file: TensorFile; stamp: string } | undefined {
    const last = this.last;
    if (!last || last.path !== path) return undefined;
    let stamp: string;
    try {
      stamp = statStamp(path);
    } catch {
      // Gone or unreadable: the read that follows says why.
      this.last = undefined;
      return undefined;
    }
    if (stamp !== last.stamp) {
      this.last = undefined;
      return undefined;
    }
    // A lower size limit since: the read that follows refuses the file with its message.
    if (fs.statSync(path).size > maxBytes) return undefined;
    return { file: last.file, stamp };
  }

  /** Keeps `file`, read from `path` at `stamp`, in place of the last one. */
  set(path: string, stamp: string, file: TensorFile): void {
    this.last = { path, stamp, file };
  }
}

function readSource(
  source: WorkerSource,
  limits: FileLimits,
  buffers: BufferLease,
  onProgress: JobProgress,
  kept: KeptJsonFile | undefined,
): { file: TensorFile; stamp?: string; fromKept?: true } {
  const progress = throttled(onProgress, 'read');
  switch (source.kind) {
    case 'json': {
      const last = kept?.get(source.path, limits.maxBytes);
      if (last) {
        progress(1);
        return { ...last, fromKept: true };
      }
      const read = readJsonFile(source.path, limits, buffers, progress);
      if (read.stamp !== undefined) kept?.set(source.path, read.stamp, read.file);
      return read;
    }
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
      return {
        file: resolveTensorSources(parsed, (p) =>
          readRegularFileSync(resolveNamedFile(source.path, p, limits.root), limits.maxBytes, buffers),
        ),
      };
    }
    case 'npy':
      return { file: npyTensorFile(source.input, source.target, limits, buffers) };
    case 'tensorFiles':
      return { file: tensorFileFromFiles(source.input, source.target, limits, buffers) };
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

function failure(e: unknown): JobOutcome {
  const message: JobOutcome['message'] =
    e instanceof LossLensError
      ? { type: 'failed', message: e.message, diagnostic: e.diagnostic }
      : { type: 'failed', message: e instanceof Error ? e.message : String(e) };
  return { message, transfer: [] };
}

/**
 * Runs `job`: reads its source (binary files into `buffers`), computes (the large per-sample outputs in `outputs`,
 * the worker's spares, when given), summarizes. Never throws: a problem is a `failed` answer. `onProgress` receives
 * the phases' progress.
 */
export function computeJob(
  job: WorkerJob,
  buffers: BufferLease,
  onProgress: JobProgress = () => {},
  outputs?: OutputBuffers,
  kept?: KeptJsonFile,
): JobOutcome {
  try {
    return compute(job, buffers, onProgress, outputs, kept);
  } catch (e) {
    return failure(e);
  }
}

function compute(
  job: WorkerJob,
  buffers: BufferLease,
  onProgress: JobProgress,
  outputs: OutputBuffers | undefined,
  kept: KeptJsonFile | undefined,
): JobOutcome {
  const started = performance.now();
  const { file, stamp, fromKept } = readSource(job.source, limitsOf(job), buffers, onProgress, kept);
  const read = performance.now();
  const info = {
    ...(file.loss !== undefined ? { loss: file.loss } : {}),
    ...(file.lossRange ? { lossRange: file.lossRange } : {}),
    ...(file.classes ? { classes: file.classes } : {}),
    options: file.options,
  };
  const loss = job.loss ?? file.loss;
  if (loss === undefined) {
    const message = {
      type: 'done',
      file: info,
      results: [],
      summaries: [],
      diagnostics: [],
      readMs: read - started,
      computeMs: 0,
    } as const;
    return { message, transfer: [] };
  }
  onProgress('compute', 0);
  const torchVersion = file.torchVersion ?? job.torchVersion;
  const outcome = runLoss(
    {
      loss,
      inputs: file.inputs,
      options: job.options ?? file.options,
      ...(file.lossRange ? { range: file.lossRange } : {}),
    },
    { detail: 'summary', ...(torchVersion ? { torchVersion } : {}), ...(outputs ? { outputs } : {}) },
  );
  // A loss without a summary path computed in full: keep only what a summary shows.
  const results = outcome.results.map(toSummaryResult);
  const summaries = results.map((r) => summarize(r, file.inputs));
  // The host holds these very tensors already (the same file, unchanged): no second copy.
  const held = stamp !== undefined && stamp === job.heldStamp;
  const inputs = job.returnInputs && !held ? handOverInputs(file.inputs) : undefined;
  const message = {
    type: 'done',
    file: info,
    results,
    summaries,
    diagnostics: outcome.diagnostics,
    ...(inputs ? { inputs } : {}),
    ...(stamp !== undefined ? { stamp } : {}),
    ...(fromKept ? { fromKept } : {}),
    readMs: read - started,
    computeMs: performance.now() - read,
    readBuffers: { reused: buffers.reused, allocated: buffers.allocated },
  } as const;
  return {
    message,
    transfer: [...new Set([...buffersOf(results, inputs), ...summaries.flatMap(summaryTransferables)])],
  };
}

/**
 * The job is over and its answer posted (or dropped): the pool takes back the read buffers the answer does not reach
 * (those it reaches may be held by the host; those transferred are detached). Call it only when nothing of the job
 * but `outcome` can be reached.
 */
export function settleJob(pool: ReadBufferPool, buffers: BufferLease, outcome: JobOutcome | undefined): void {
  pool.settle(buffers, outcome?.message);
}
