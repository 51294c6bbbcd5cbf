/**
 * The host side of the loss worker, without `vscode` (unit-tested in mocha): one long-lived worker thread runs the
 * jobs one at a time and keeps its pool of read buffers between them (src/worker/lossWorker.ts), so a what-if
 * recomputation reads into memory a previous job already mapped. A job that comes while the kept worker is busy runs
 * in a one-off worker, terminated after its answer, so one slow file never queues another. Cancelling a job
 * terminates its worker, and so does a failed job (a fresh worker starts for the next job); a worker that dies fails
 * only its own job. The kept worker is terminated after `idleMs` without a job, which gives its pool's memory back.
 * The host only posts and waits: nothing here blocks on the worker.
 */
import type { Diagnostic } from '../core/diagnostics';
import type { WorkerJob, WorkerMessage } from './messages';
import { WorkerStopped } from './stopped';

/** The worker's answer to a job. */
export type WorkerAnswer = Extract<WorkerMessage, { type: 'done' }>;

/** The job was cancelled (the worker was terminated). */
export class WorkerCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'WorkerCancelled';
  }
}

/** The worker could not read or parse the input; `diagnostic` is set when the file is at fault (with its place). */
export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly diagnostic?: Diagnostic,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

/** The part of `node:worker_threads`' Worker the client uses (a fake in the unit tests). */
export interface LossWorkerLike {
  postMessage(job: WorkerJob, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: WorkerMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/** How a job is run. */
export interface LossJobOptions {
  readonly onProgress?: (phase: 'read' | 'compute', fraction: number) => void;
  /** Aborting it terminates the job's worker; the job rejects with {@link WorkerCancelled}. */
  readonly signal?: AbortSignal;
  /** Buffers of the job to move rather than copy. */
  readonly transfer?: readonly ArrayBuffer[];
}

/** What the client has done, for the tests and the log. */
export interface LossWorkerStats {
  /** Workers started (kept or one-off). */
  spawned: number;
  /** Jobs run on the kept worker after its first (a warm worker, its pool kept). */
  reused: number;
  /** Jobs run on a one-off worker because the kept one was busy. */
  oneOff: number;
  /** Workers terminated: cancelled, failed, idle, one-off done, or disposed. */
  terminated: number;
}

/** The kept worker stops after this long without a job. */
export const DEFAULT_IDLE_MS = 120_000;

interface Slot {
  readonly worker: LossWorkerLike;
  readonly kept: boolean;
  jobs: number;
  /** Settles the job running now: an answer, a failure, or the worker's end. */
  current?: (message: WorkerMessage | { readonly type: 'died'; readonly error: Error }) => void;
}

/** Runs loss jobs in a kept worker thread (or a one-off one when it is busy). */
export class LossWorkerClient {
  private kept: Slot | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly live = new Set<Slot>();
  private readonly counts: LossWorkerStats = { spawned: 0, reused: 0, oneOff: 0, terminated: 0 };

  /** `createWorker` starts a worker thread on the bundled dist/worker.js (with resource limits). */
  constructor(
    private readonly createWorker: () => LossWorkerLike,
    private readonly idleMs: number = DEFAULT_IDLE_MS,
  ) {}

  /** Runs `job`; rejects with {@link WorkerCancelled}, {@link WorkerFailure} or the worker's own error. */
  run(job: WorkerJob, options: LossJobOptions = {}): Promise<WorkerAnswer> {
    return new Promise<WorkerAnswer>((resolve, reject) => {
      if (this.disposed || options.signal?.aborted) {
        reject(new WorkerCancelled());
        return;
      }
      const slot = this.slotForJob();
      let settled = false;
      const finish = (stop: boolean, action: () => void): void => {
        if (settled) return;
        settled = true;
        slot.current = undefined;
        options.signal?.removeEventListener('abort', abort);
        if (stop || !slot.kept) this.stop(slot);
        else this.armIdle();
        action();
      };
      const abort = (): void => finish(true, () => reject(new WorkerCancelled()));
      options.signal?.addEventListener('abort', abort);
      slot.current = (message) => {
        switch (message.type) {
          case 'progress':
            options.onProgress?.(message.phase, message.fraction);
            return;
          case 'done':
            finish(false, () => resolve(message));
            return;
          case 'failed':
            // A fresh worker for the next job: nothing of a failed job's state is carried over.
            finish(true, () => reject(new WorkerFailure(message.message, message.diagnostic)));
            return;
          case 'died':
            finish(true, () => reject(message.error));
            return;
        }
      };
      try {
        slot.worker.postMessage(job, [...(options.transfer ?? [])]);
      } catch (e) {
        finish(true, () => reject(e instanceof Error ? e : new Error(String(e))));
      }
    });
  }

  /** A snapshot of what the client has done. */
  stats(): LossWorkerStats {
    return { ...this.counts };
  }

  /** Terminates every worker; running jobs reject with {@link WorkerCancelled}. */
  dispose(): void {
    this.disposed = true;
    for (const slot of [...this.live]) {
      const current = slot.current;
      this.stop(slot);
      current?.({ type: 'died', error: new WorkerCancelled() });
    }
  }

  private slotForJob(): Slot {
    this.disarmIdle();
    if (this.kept && !this.kept.current) {
      if (this.kept.jobs > 0) this.counts.reused++;
      this.kept.jobs++;
      return this.kept;
    }
    const kept = this.kept === undefined;
    if (!kept) this.counts.oneOff++;
    const slot = this.spawn(kept);
    if (kept) this.kept = slot;
    slot.jobs++;
    return slot;
  }

  private spawn(kept: boolean): Slot {
    const worker = this.createWorker();
    this.counts.spawned++;
    const slot: Slot = { worker, kept, jobs: 0 };
    this.live.add(slot);
    worker.on('message', (message) => slot.current?.(message));
    const died = (error: Error): void => {
      if (!this.live.has(slot)) return; // a worker we terminated on purpose
      this.forget(slot);
      slot.current?.({ type: 'died', error });
    };
    worker.on('error', (error) => died(new WorkerStopped('loss', undefined, error)));
    worker.on('exit', (code) => died(new WorkerStopped('loss', code)));
    return slot;
  }

  private forget(slot: Slot): void {
    this.live.delete(slot);
    if (this.kept === slot) {
      this.kept = undefined;
      this.disarmIdle();
    }
  }

  private stop(slot: Slot): void {
    if (!this.live.has(slot)) return;
    this.forget(slot);
    this.counts.terminated++;
    void slot.worker.terminate();
  }

  private armIdle(): void {
    this.disarmIdle();
    const slot = this.kept;
    if (!slot || this.idleMs === Infinity) return;
    this.idleTimer = setTimeout(() => {
      if (this.kept === slot && !slot.current) this.stop(slot);
    }, this.idleMs);
    // An idle worker must not keep a process (the CLI's tests, a bench) alive.
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  private disarmIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
