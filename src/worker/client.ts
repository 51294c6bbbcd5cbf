/**
 * The host side of the loss worker: runs a job in a fresh worker thread (dist/worker.js), reports its progress in a
 * cancellable notification, and terminates the worker on cancel. The extension host only waits: reading, parsing and
 * computing happen in the worker, and the answer's typed arrays arrive as transferred buffers, not copies.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/diagnostics';
import type { WorkerJob, WorkerMessage } from './messages';

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

/** The heap and stack a loss worker may use. */
export const WORKER_RESOURCE_LIMITS = {
  maxOldGenerationSizeMb: 2048,
  maxYoungGenerationSizeMb: 64,
  stackSizeMb: 8,
} as const;

/** Where the bundled worker is. */
export function workerFile(context: vscode.ExtensionContext): string {
  return path.join(context.extensionPath, 'dist', 'worker.js');
}

/**
 * Runs one job in a fresh worker. `onProgress` receives the worker's progress; aborting `signal` terminates the worker
 * and rejects with {@link WorkerCancelled}. `transfer` lists buffers of the job to move rather than copy.
 */
export function runWorkerJob(
  file: string,
  job: WorkerJob,
  options: {
    readonly onProgress?: (phase: 'read' | 'compute', fraction: number) => void;
    readonly signal?: AbortSignal;
    readonly transfer?: readonly ArrayBuffer[];
  } = {},
): Promise<WorkerAnswer> {
  return new Promise<WorkerAnswer>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new WorkerCancelled());
      return;
    }
    // A runaway job stops the worker (ERR_WORKER_OUT_OF_MEMORY), never the extension host; tensors are typed
    // arrays outside the JavaScript heap, so the heap limit is about the parse trees and the bookkeeping.
    const worker = new Worker(file, { resourceLimits: WORKER_RESOURCE_LIMITS });
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      action();
    };
    const abort = (): void => {
      void worker.terminate();
      settle(() => reject(new WorkerCancelled()));
    };
    options.signal?.addEventListener('abort', abort);
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'progress':
          options.onProgress?.(message.phase, message.fraction);
          return;
        case 'done':
          settle(() => resolve(message));
          return;
        case 'failed':
          settle(() => reject(new WorkerFailure(message.message, message.diagnostic)));
          return;
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`The Loss Lens worker stopped (exit code ${code}).`))));
    worker.postMessage(job, [...(options.transfer ?? [])]);
  });
}

/**
 * Runs a job with a cancellable progress notification titled `title`. Resolves `undefined` when the user cancels;
 * rejects with {@link WorkerFailure} when the input is at fault.
 */
export async function runWorkerJobWithProgress(
  context: vscode.ExtensionContext,
  job: WorkerJob,
  title: string,
  transfer: readonly ArrayBuffer[] = [],
): Promise<WorkerAnswer | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      // Reading is most of the work: 90 % of the bar, computing the rest.
      let shown = 0;
      const onProgress = (phase: 'read' | 'compute', fraction: number): void => {
        const done = phase === 'read' ? fraction * 90 : 90 + fraction * 10;
        const message =
          phase === 'read'
            ? vscode.l10n.t('Reading and parsing… {0}%', Math.round(fraction * 100))
            : vscode.l10n.t('Computing the loss…');
        progress.report({ increment: Math.max(0, done - shown), message });
        shown = Math.max(shown, done);
      };
      try {
        return await runWorkerJob(workerFile(context), job, { onProgress, signal: controller.signal, transfer });
      } catch (e) {
        if (e instanceof WorkerCancelled) return undefined;
        throw e;
      } finally {
        subscription.dispose();
      }
    },
  );
}
