/**
 * The host side of the snippet worker: one long-lived worker thread runs the checker and the evaluator on the
 * user's Python, one job at a time, so the extension host only copies the text out and the answer in. A newer job
 * with the same key (the same document's diagnostics, its hovers, its selection) supersedes the older one: a queued
 * job is dropped; a running one is asked to stop (a flag the interpreter polls), and the worker, still warm, takes the
 * next job once it has stopped. A worker that has not stopped within {@link SnippetClientOptions.graceMs} is
 * terminated and a fresh one starts. Keeping the worker matters: a fresh thread runs the checker's code cold, and
 * V8 takes tens of checks of a large file to compile it fully (`npm run bench:program` prints both). A worker that
 * dies (its heap limit reached) fails only the job it was running. No `vscode` here: unit-tested in mocha.
 */
import { emptyEntries, type EvaluatorEntries } from '../core/entries';
import type { SnippetAnswers, SnippetJob, SnippetReply, SnippetRequest } from './snippetMessages';
import { WorkerStopped } from './stopped';

/** The part of `node:worker_threads`' Worker the client uses (a fake in the unit tests). */
export interface SnippetWorkerLike {
  postMessage(job: SnippetJob): void;
  on(event: 'message', listener: (reply: SnippetReply) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * The heap and stack the snippet worker may use: a runaway evaluation stops the worker, never the host. The young
 * generation is large because a check of a large file allocates tens of megabytes of tokens, syntax tree and values
 * that live for the whole check: with 64 MB they were copied by three scavenges per check of a 5,000-line file, with
 * 128 MB by one (`npm run bench:check` measures the check in this worker).
 */
export const SNIPPET_WORKER_RESOURCE_LIMITS = {
  maxOldGenerationSizeMb: 1024,
  maxYoungGenerationSizeMb: 128,
  stackSizeMb: 8,
} as const;

/** What the client has done, for the test-only probe and the log. */
export interface SnippetWorkerStats {
  /** Jobs sent to a worker. */
  started: number;
  /** Jobs answered. */
  answered: number;
  /** Jobs dropped or stopped because a newer job with the same key came. */
  superseded: number;
  /** Running jobs the worker stopped itself when asked (it stayed, warm). */
  cancelled: number;
  /** Workers terminated to stop a running job that did not stop within the grace period. */
  terminated: number;
  /** Jobs that failed (the worker died, or the evaluator threw). */
  failed: number;
  /** The worker's own evaluator counts, as of its last answer. */
  workerEntries: EvaluatorEntries;
  /** The key of the job running now, if any. */
  running?: string;
}

interface Pending {
  readonly id: number;
  readonly key: string;
  readonly request: SnippetRequest;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** Options of {@link SnippetWorkerClient}. */
export interface SnippetClientOptions {
  /**
   * How long a job asked to stop may take to stop before its worker is terminated. The interpreter polls every
   * 1,024 steps; what it cannot interrupt is one long tensor operation (bounded by the element budget) or the parse.
   * Default 1,000 ms.
   */
  readonly graceMs?: number;
}

/** Runs snippet jobs in a worker, newest per key wins. */
export class SnippetWorkerClient {
  private worker: SnippetWorkerLike | undefined;
  private running: Pending | undefined;
  /** The job the worker was asked to stop and has not yet answered: no other job goes to the worker meanwhile. */
  private stopping: { readonly id: number; readonly timer: ReturnType<typeof setTimeout> } | undefined;
  /** One Int32 shared with every worker this client starts: the id of the job to stop (see `SnippetJob.cancel`). */
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly graceMs: number;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly counts: Omit<SnippetWorkerStats, 'running'> = {
    started: 0,
    answered: 0,
    superseded: 0,
    cancelled: 0,
    terminated: 0,
    failed: 0,
    workerEntries: emptyEntries(),
  };

  /** `createWorker` starts a worker thread on the bundled dist/snippetWorker.js (with resource limits). */
  constructor(
    private readonly createWorker: () => SnippetWorkerLike,
    options: SnippetClientOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 1000;
  }

  /**
   * Runs `request` in the worker. Resolves with the answer, or `undefined` when a newer job with the same `key`
   * superseded it (or the client was disposed). Rejects when the worker died or the evaluator failed.
   */
  run<K extends SnippetRequest['kind']>(
    key: string,
    request: Extract<SnippetRequest, { kind: K }>,
  ): Promise<SnippetAnswers[K] | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    this.supersede(key);
    return new Promise<SnippetAnswers[K] | undefined>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, key, request, resolve: resolve as (a: unknown) => void, reject });
      this.pump();
    });
  }

  /** A snapshot of what the client has done. */
  stats(): SnippetWorkerStats {
    return {
      ...this.counts,
      workerEntries: { ...this.counts.workerEntries },
      ...(this.running ? { running: this.running.key } : {}),
    };
  }

  /** Stops the worker; pending jobs resolve `undefined`. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve(undefined);
    this.running?.resolve(undefined);
    this.running = undefined;
    this.stopWorker();
  }

  private supersede(key: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.key !== key) continue;
      this.queue.splice(i, 1)[0]!.resolve(undefined);
      this.counts.superseded++;
    }
    if (this.running?.key === key) {
      // The worker is busy with text that is already out of date: ask it to stop rather than wait for it, and
      // terminate it only if it does not stop in time.
      const job = this.running;
      job.resolve(undefined);
      this.running = undefined;
      this.counts.superseded++;
      Atomics.store(this.cancelFlag, 0, job.id);
      const timer = setTimeout(() => {
        if (this.stopping?.id !== job.id) return;
        this.counts.terminated++;
        this.stopWorker();
        this.pump();
      }, this.graceMs);
      this.stopping = { id: job.id, timer };
    }
  }

  /** The worker answered (or died): it no longer runs the job it was asked to stop. */
  private stopped(): void {
    if (this.stopping) clearTimeout(this.stopping.timer);
    this.stopping = undefined;
  }

  private stopWorker(): void {
    this.stopped();
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }

  private pump(): void {
    if (this.running || this.stopping || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.counts.started++;
    this.ensureWorker().postMessage({ id: next.id, request: next.request, cancel: this.cancelFlag });
  }

  private ensureWorker(): SnippetWorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    this.worker = worker;
    worker.on('message', (reply) => {
      if (worker !== this.worker) return;
      if (reply.id === this.stopping?.id) {
        // The superseded job's end (stopped early, or finished before it saw the flag): its answer is not wanted.
        if (reply.type === 'cancelled') this.counts.cancelled++;
        this.stopped();
        this.pump();
        return;
      }
      if (reply.id !== this.running?.id) return;
      const job = this.running;
      this.running = undefined;
      this.counts.workerEntries = { ...reply.entries };
      if (reply.type === 'cancelled') {
        // Never asked for (a job is asked to stop only once superseded): a failure of the protocol.
        this.counts.failed++;
        job.reject(new Error('The Loss Lens snippet worker stopped a job no one cancelled.'));
      } else if (reply.type === 'done') {
        this.counts.answered++;
        job.resolve('json' in reply ? JSON.parse(reply.json) : reply.answer);
      } else {
        this.counts.failed++;
        job.reject(new Error(reply.message));
      }
      this.pump();
    });
    const died = (why: WorkerStopped): void => {
      if (worker !== this.worker) return; // a worker we terminated on purpose
      this.worker = undefined;
      this.stopped();
      const job = this.running;
      this.running = undefined;
      if (job) {
        this.counts.failed++;
        job.reject(why);
      }
      this.pump();
    };
    worker.on('error', (error) => died(new WorkerStopped('snippet', undefined, error)));
    worker.on('exit', (code) => died(new WorkerStopped('snippet', code)));
    return worker;
  }
}
