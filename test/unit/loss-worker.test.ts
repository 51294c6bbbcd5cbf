/**
 * The loss worker's lifecycle (src/worker/lossClient.ts with src/worker/lossWorker.ts in a real thread): one kept
 * worker answers job after job with identical answers and reuses its read buffers; a cancelled or failed job
 * terminates its worker and the next job runs in a fresh one; a job that comes while the kept worker is busy runs in
 * a one-off worker; an idle kept worker is terminated.
 */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  LossWorkerClient,
  WorkerCancelled,
  WorkerFailure,
  type LossWorkerLike,
  type WorkerAnswer,
} from '../../src/worker/lossClient';
import type { WorkerJob, WorkerMessage } from '../../src/worker/messages';
import { logits, writeNpy } from './npy-write';
import { WorkerStopped } from '../../src/worker/stopped';

/** A worker thread on the TypeScript source (tsx), as the bundle runs in the extension. */
function realWorker(): LossWorkerLike {
  return new Worker(path.join(__dirname, '..', '..', 'src', 'worker', 'lossWorker.ts'), {
    execArgv: ['--require', 'tsx/cjs'],
  }) as unknown as LossWorkerLike;
}

/** What must be identical between two answers to the same job. */
function essence(answer: WorkerAnswer): unknown {
  return {
    results: answer.results.map((r) => ({ value: r.value, output: Array.from(r.output.data) })),
    summaries: answer.summaries,
    diagnostics: answer.diagnostics,
  };
}

describe('loss worker lifecycle (real thread)', function () {
  this.timeout(60_000);
  let dir: string;
  let job: WorkerJob;
  let client: LossWorkerClient;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-worker-'));
    const input = path.join(dir, 'logits.npy');
    const target = path.join(dir, 'target.npy');
    writeNpy(input, '<f4', [400, 1000], logits(400 * 1000, 3));
    writeNpy(
      target,
      '<i8',
      [400],
      Array.from({ length: 400 }, (_, i) => (i * 37) % 1000),
    );
    job = { source: { kind: 'npy', input, target }, loss: 'cross_entropy', returnInputs: false };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    client = new LossWorkerClient(realWorker);
  });
  afterEach(() => client.dispose());

  it('runs a second job on the same worker with an identical answer, reading into the first job’s buffer', async () => {
    const first = await client.run(job);
    const second = await client.run(job);
    assert.deepEqual(essence(second), essence(first));
    assert.equal(first.results[0]!.fn, 'cross_entropy');
    assert.ok(Number.isFinite(first.results[0]!.value));
    assert.deepEqual(first.readBuffers, { reused: 0, allocated: 1 });
    assert.deepEqual(second.readBuffers, { reused: 1, allocated: 0 }, 'the kept worker reused its read buffer');
    assert.deepEqual(client.stats(), { spawned: 1, reused: 1, oneOff: 0, terminated: 0 });
  });

  it('hands the first computation its input tensors, still intact after later jobs on the same worker', async () => {
    const first = await client.run({ ...job, returnInputs: true });
    const held = first.inputs!.input!.data as Float32Array;
    const copy = Float32Array.from(held);
    await client.run(job);
    await client.run(job);
    assert.deepEqual(held, copy);
    assert.equal(client.stats().spawned, 1);
  });

  it('terminates the worker on cancel and answers the next job in a fresh one', async () => {
    const controller = new AbortController();
    const cancelled = client.run(job, { signal: controller.signal });
    controller.abort();
    await assert.rejects(cancelled, WorkerCancelled);
    assert.equal(client.stats().terminated, 1);
    const after = await client.run(job);
    assert.equal(client.stats().spawned, 2);
    const fresh = new LossWorkerClient(realWorker);
    try {
      assert.deepEqual(essence(after), essence(await fresh.run(job)));
    } finally {
      fresh.dispose();
    }
  });

  it('terminates the worker after a failed job and answers the next job in a fresh one', async () => {
    const missing: WorkerJob = { ...job, source: { kind: 'npy', input: path.join(dir, 'missing.npy') } };
    await assert.rejects(client.run(missing), WorkerFailure);
    assert.deepEqual(client.stats(), { spawned: 1, reused: 0, oneOff: 0, terminated: 1 });
    const answer = await client.run(job);
    assert.ok(Number.isFinite(answer.results[0]!.value));
    assert.equal(client.stats().spawned, 2);
  });

  it('runs a job that comes while the kept worker is busy in a one-off worker, with the same answer', async () => {
    const [a, b] = await Promise.all([client.run(job), client.run(job)]);
    assert.deepEqual(essence(a), essence(b));
    assert.deepEqual(client.stats(), { spawned: 2, reused: 0, oneOff: 1, terminated: 1 });
    await client.run(job);
    assert.equal(client.stats().reused, 1, 'the kept worker takes the next job');
  });
});

/** A worker that answers only when the test says so. */
class FakeWorker extends EventEmitter implements LossWorkerLike {
  readonly jobs: WorkerJob[] = [];
  terminated = false;
  postMessage(job: WorkerJob): void {
    this.jobs.push(job);
  }
  answer(): void {
    const done: WorkerMessage = {
      type: 'done',
      file: { options: {} },
      results: [],
      summaries: [],
      diagnostics: [],
      readMs: 0,
      computeMs: 0,
    };
    this.emit('message', done);
  }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }
}

describe('loss worker lifecycle (fake worker)', () => {
  const job: WorkerJob = { source: { kind: 'npy', input: 'x.npy' }, returnInputs: false };

  it('terminates the kept worker once it has been idle for idleMs, and starts a fresh one for the next job', async () => {
    const workers: FakeWorker[] = [];
    const client = new LossWorkerClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    }, 20);
    const first = client.run(job);
    workers[0]!.answer();
    await first;
    assert.equal(workers[0]!.terminated, false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(workers[0]!.terminated, true);
    const second = client.run(job);
    assert.equal(workers.length, 2);
    workers[1]!.answer();
    await second;
    client.dispose();
    assert.equal(workers[1]!.terminated, true);
  });

  it('fails only the running job when its worker dies, and rejects running jobs on dispose', async () => {
    const workers: FakeWorker[] = [];
    const client = new LossWorkerClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    const dying = client.run(job);
    workers[0]!.emit('exit', 1);
    await assert.rejects(dying, (e: unknown) => e instanceof WorkerStopped && e.worker === 'loss' && e.exitCode === 1);
    await assert.rejects(dying, /exit code 1/);
    const pending = client.run(job);
    assert.equal(workers.length, 2);
    client.dispose();
    await assert.rejects(pending, WorkerCancelled);
    assert.equal(workers[1]!.terminated, true);
    await assert.rejects(client.run(job), WorkerCancelled);
  });

  it('ignores progress and answers that arrive after a job was cancelled', async () => {
    const workers: FakeWorker[] = [];
    const client = new LossWorkerClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    const progress: number[] = [];
    const controller = new AbortController();
    const running = client.run(job, { signal: controller.signal, onProgress: (_, f) => progress.push(f) });
    workers[0]!.emit('message', { type: 'progress', phase: 'read', fraction: 0.5 });
    controller.abort();
    workers[0]!.emit('message', { type: 'progress', phase: 'read', fraction: 0.9 });
    workers[0]!.answer();
    await assert.rejects(running, WorkerCancelled);
    assert.deepEqual(progress, [0.5]);
    client.dispose();
  });
});
