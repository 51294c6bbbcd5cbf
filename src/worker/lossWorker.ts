/**
 * The loss worker (bundled as dist/worker.js): reads a large tensor file, parses it straight into typed arrays,
 * computes the loss in summary mode and posts the result back with its buffers transferred (src/worker/job.ts). The
 * extension host only waits, so it never blocks on a big input. The worker is long-lived: it runs one job at a time,
 * as many as the host sends (src/worker/lossClient.ts), and reads binary files into a pool of buffers kept between
 * jobs, so that a recomputation does not pay the page faults of fresh memory again; the large per-sample outputs,
 * which leave with the answer, go into spares mapped after the previous answer was posted (./spares.ts). It keeps the
 * last JSON file it parsed while the file keeps its size, times and inode (`KeptJsonFile` in ./job.ts): computing it
 * again, or a what-if change of it, then reads and parses nothing. The host terminates it to cancel.
 */
import { parentPort } from 'node:worker_threads';
import { ReadBufferPool } from '../core/io/bufferPool';
import { computeJob, KeptJsonFile, settleJob, type JobOutcome } from './job';
import type { WorkerJob, WorkerMessage } from './messages';
import { SpareBuffers } from './spares';

const port = parentPort;
const pool = new ReadBufferPool();
const spares = new SpareBuffers();
const kept = new KeptJsonFile();

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

port?.on('message', (job: WorkerJob) => {
  const buffers = pool.lease();
  let outcome: JobOutcome | undefined;
  try {
    outcome = computeJob(job, buffers, (phase, fraction) => post({ type: 'progress', phase, fraction }), spares, kept);
    post(outcome.message, outcome.transfer);
  } catch (e) {
    // Posting failed (a value that cannot be cloned): nothing was sent, so nothing the answer reaches is reused.
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    // Posted: the transferred buffers are detached, the rest of the answer was copied to the host.
    settleJob(pool, buffers, outcome);
  }
  try {
    // While the host shows the answer: the next job's output memory, mapped now.
    spares.prepare();
  } catch {
    // Out of memory for spares: the next job allocates its outputs as it goes.
  }
});
