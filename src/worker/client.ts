/**
 * The host side of the loss worker in the extension: the kept worker thread on dist/worker.js (src/worker/lossClient.ts
 * runs the jobs), and a job's progress in a cancellable notification; cancelling terminates the worker. The extension
 * host only waits: reading, parsing and computing happen in the worker, and the answer's typed arrays arrive as
 * transferred buffers, not copies.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { LossWorkerClient, WorkerCancelled, type LossWorkerLike, type WorkerAnswer } from './lossClient';
import type { WorkerJob } from './messages';

export { WorkerCancelled, WorkerFailure, type WorkerAnswer } from './lossClient';

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
 * The extension's loss-worker client: a kept worker thread on dist/worker.js. A runaway job stops the worker
 * (ERR_WORKER_OUT_OF_MEMORY), never the extension host; tensors are typed arrays outside the JavaScript heap, so the
 * heap limit is about the parse trees and the bookkeeping.
 */
export function createLossWorkerClient(context: vscode.ExtensionContext): LossWorkerClient {
  const file = workerFile(context);
  return new LossWorkerClient(
    () => new Worker(file, { resourceLimits: WORKER_RESOURCE_LIMITS }) as unknown as LossWorkerLike,
  );
}

/**
 * Runs a job with a cancellable progress notification titled `title`. Resolves `undefined` when the user cancels;
 * rejects with {@link WorkerFailure} when the input is at fault.
 */
export async function runWorkerJobWithProgress(
  client: LossWorkerClient,
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
        return await client.run(job, { onProgress, signal: controller.signal, transfer });
      } catch (e) {
        if (e instanceof WorkerCancelled) return undefined;
        throw e;
      } finally {
        subscription.dispose();
      }
    },
  );
}
