/**
 * A worker thread that ended while it ran a job: it exited, or it failed (Node's own error, such as its heap limit).
 * The message is English (for the log); the extension shows it in the display language from `exitCode`/`failure`
 * (src/providers/localize.ts `errorText`). No `vscode` here.
 */
export class WorkerStopped extends Error {
  constructor(
    /** Which worker: the loss worker (large inputs) or the snippet worker (checks, hovers, selections). */
    readonly worker: 'loss' | 'snippet',
    /** The thread's exit code when it exited; `undefined` when it failed. */
    readonly exitCode: number | undefined,
    /** Node's error when it failed. */
    readonly failure?: Error,
  ) {
    const name = worker === 'snippet' ? 'The Loss Lens snippet worker' : 'The Loss Lens worker';
    super(exitCode !== undefined ? `${name} stopped (exit code ${exitCode}).` : `${name} failed: ${failure?.message}`);
    this.name = 'WorkerStopped';
  }
}
