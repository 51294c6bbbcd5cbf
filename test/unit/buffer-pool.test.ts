/**
 * The loss worker's pool of read buffers (src/core/io/bufferPool.ts) and the job code that uses it
 * (src/worker/job.ts): a settled job's read buffers are reused by the next job, and a buffer the answer still
 * reaches (input tensors handed to the host), or one transferred away, is never handed out again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MIN_POOLED_BYTES, ReadBufferPool, reachableBuffers } from '../../src/core/io/bufferPool';
import { tensorFileFromFiles } from '../../src/files';
import { computeJob, settleJob } from '../../src/worker/job';
import type { WorkerJob } from '../../src/worker/messages';
import { logits, writeNpy } from './npy-write';

const ROWS = 512;
const CLASSES = 600; // 1.2 MB of float32: a large file, viewed in place by the .npy reader, and pooled
const limits = { maxBytes: 1 << 30 };

describe('read buffer pool', () => {
  let dir: string;
  let fileA: string;
  let fileB: string;
  let targetFile: string;
  const valuesA = logits(ROWS * CLASSES, 1);
  const valuesB = logits(ROWS * CLASSES, 2);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-pool-'));
    fileA = path.join(dir, 'a.npy');
    fileB = path.join(dir, 'b.npy');
    targetFile = path.join(dir, 'target.npy');
    writeNpy(fileA, '<f4', [ROWS, CLASSES], valuesA);
    writeNpy(fileB, '<f4', [ROWS, CLASSES], valuesB);
    writeNpy(
      targetFile,
      '<i8',
      [ROWS],
      Array.from({ length: ROWS }, (_, i) => (i * 7) % CLASSES),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (file: string, lease: ReturnType<ReadBufferPool['lease']>): Float32Array =>
    tensorFileFromFiles({ path: file }, undefined, limits, lease).inputs.input!.data as Float32Array;

  it("reads a file into the buffer a settled job read into (the same memory), with the new file's values", () => {
    const pool = new ReadBufferPool();
    const first = pool.lease();
    const a = read(fileA, first);
    const bufferA = a.buffer;
    assert.deepEqual(a.subarray(0, 5), valuesA.subarray(0, 5));
    pool.settle(first, undefined);
    assert.equal(pool.heldBytes, bufferA.byteLength);
    const second = pool.lease();
    const b = read(fileB, second);
    assert.equal(b.buffer, bufferA, 'the pooled buffer is reused');
    assert.deepEqual(b, valuesB);
    assert.equal(second.reused, 1);
    assert.equal(pool.stats().reused, 1);
    assert.equal(pool.heldBytes, 0, 'a buffer on loan is not in the pool');
  });

  it('never reuses a buffer the answer still reaches: the held tensor keeps its values', () => {
    const pool = new ReadBufferPool();
    const first = pool.lease();
    const a = read(fileA, first);
    // The answer hands the tensor to the host (a panel's first computation), nested as a real answer nests it.
    const answer = { type: 'done', inputs: { input: { dtype: 'float32', shape: [ROWS, CLASSES], data: a } } };
    pool.settle(first, answer);
    assert.equal(pool.stats().heldByAnswer, 1);
    const second = pool.lease();
    const b = read(fileB, second);
    assert.notEqual(b.buffer, a.buffer);
    assert.deepEqual(a, valuesA, 'the tensor the host holds is unchanged after the next read');
    assert.deepEqual(b, valuesB);
  });

  it('never reuses a buffer transferred to another thread (detached)', () => {
    const pool = new ReadBufferPool();
    const first = pool.lease();
    const a = read(fileA, first);
    const moved = a.buffer as ArrayBuffer;
    structuredClone(moved, { transfer: [moved] });
    pool.settle(first, undefined);
    assert.equal(pool.stats().detached, 1);
    assert.equal(pool.heldBytes, 0);
    const second = pool.lease();
    assert.deepEqual(read(fileB, second), valuesB);
    assert.equal(second.allocated, 1);
  });

  it('hands a pooled buffer only to a read that nearly fills it, and keeps small reads out', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    const big = lease.take(4 * MIN_POOLED_BYTES);
    lease.take(MIN_POOLED_BYTES - 1);
    pool.settle(lease, undefined);
    assert.equal(pool.heldBytes, big.byteLength, 'only the large buffer is pooled');
    const next = pool.lease();
    assert.notEqual(next.take(2 * MIN_POOLED_BYTES), big, 'half of it would be wasted (and not moved to the host)');
    assert.equal(next.take(4 * MIN_POOLED_BYTES - 100), big, 'a read that fills it');
  });

  it('stays under its cap, dropping the oldest buffers', () => {
    const pool = new ReadBufferPool(3 * MIN_POOLED_BYTES);
    const lease = pool.lease();
    const old = lease.take(2 * MIN_POOLED_BYTES);
    const recent = lease.take(2 * MIN_POOLED_BYTES);
    pool.settle(lease, undefined);
    assert.equal(pool.heldBytes, 2 * MIN_POOLED_BYTES);
    assert.equal(pool.stats().evicted, 1);
    const next = pool.lease();
    assert.equal(next.take(2 * MIN_POOLED_BYTES), recent);
    assert.notEqual(next.take(2 * MIN_POOLED_BYTES), old);
  });

  it('settles a lease once, and a settled lease takes nothing', () => {
    const pool = new ReadBufferPool();
    const lease = pool.lease();
    pool.settle(lease, undefined);
    assert.throws(() => pool.settle(lease, undefined));
    assert.throws(() => lease.take(10));
  });

  it('finds the buffers an answer reaches through objects, arrays, maps, sets and views', () => {
    const a = new ArrayBuffer(8);
    const b = new ArrayBuffer(8);
    const c = new SharedArrayBuffer(8);
    const d = new ArrayBuffer(8);
    const cyclic: Record<string, unknown> = { view: new DataView(d) };
    cyclic.self = cyclic;
    const found = reachableBuffers({
      list: [1, 'x', { deep: new Float32Array(a, 4, 1) }],
      map: new Map([['k', new Set([new Uint8Array(b)])]]),
      shared: new Int32Array(c),
      cyclic,
    });
    assert.deepEqual(new Set(found), new Set([a, b, c, d]));
  });

  describe('as the worker runs a job (src/worker/job.ts)', () => {
    const job = (input: string, returnInputs: boolean): WorkerJob => ({
      source: { kind: 'npy', input, target: targetFile },
      loss: 'cross_entropy',
      returnInputs,
    });

    it('a what-if recomputation reuses the previous one’s read buffers, with identical answers', () => {
      const pool = new ReadBufferPool();
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const lease = pool.lease();
        const outcome = computeJob(job(fileA, false), lease);
        assert.equal(outcome.message.type, 'done');
        answers.push(outcome.message);
        settleJob(pool, lease, outcome);
      }
      const [first, second, third] = answers as Extract<(typeof answers)[number], { type: 'done' }>[];
      assert.deepEqual(first!.readBuffers, { reused: 0, allocated: 1 });
      assert.deepEqual(second!.readBuffers, { reused: 1, allocated: 0 });
      assert.deepEqual(third!.readBuffers, { reused: 1, allocated: 0 });
      for (const later of [second!, third!]) {
        assert.deepEqual(later.results[0]!.output.data, first!.results[0]!.output.data);
        assert.deepEqual(later.summaries, first!.summaries);
      }
    });

    it('reuses a large int64 target’s decoded array too (a segmentation map), with identical answers', () => {
      const [N, C, H, W] = [2, 3, 128, 128];
      const input = path.join(dir, 'seg-input.npy');
      const target = path.join(dir, 'seg-target.npy');
      writeNpy(input, '<f4', [N, C, H, W], logits(N * C * H * W, 5));
      const classes = Array.from({ length: N * H * W }, (_, i) => (i * 5 + (i >> 7)) % C);
      writeNpy(target, '<i8', [N, H, W], classes);
      const segJob = (returnInputs: boolean): WorkerJob => ({
        source: { kind: 'npy', input, target },
        loss: 'cross_entropy',
        returnInputs,
      });
      const pool = new ReadBufferPool();
      const firstLease = pool.lease();
      const first = computeJob(segJob(true), firstLease);
      settleJob(pool, firstLease, first);
      assert.equal(first.message.type, 'done');
      if (first.message.type !== 'done') return;
      // Three large buffers: the input file, the target file, the target's int64 values decoded to float64. The
      // answer hands over the decoded target and a copy of the input (under 1 MB, so the reader copied it out of the
      // file's bytes): both files' bytes go back to the pool, the decoded target stays with the host.
      assert.deepEqual(first.message.readBuffers, { reused: 0, allocated: 3 });
      const heldTarget = first.message.inputs!.target!.data;
      assert.deepEqual(Array.from(heldTarget), classes);
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const lease = pool.lease();
        const outcome = computeJob(segJob(false), lease);
        settleJob(pool, lease, outcome);
        assert.equal(outcome.message.type, 'done');
        if (outcome.message.type === 'done') answers.push(outcome.message);
      }
      assert.deepEqual(answers[0]!.readBuffers, { reused: 2, allocated: 1 });
      assert.deepEqual(answers[1]!.readBuffers, { reused: 3, allocated: 0 });
      assert.deepEqual(answers[2]!.readBuffers, { reused: 3, allocated: 0 });
      for (const later of answers) {
        assert.deepEqual(later.results[0]!.output.data, first.message.results[0]!.output.data);
        assert.deepEqual(later.summaries, first.message.summaries);
      }
      assert.deepEqual(Array.from(heldTarget), classes, "the host's target is unchanged");
    });

    it("keeps the first computation's input tensors (handed to the host) out of the pool", () => {
      const pool = new ReadBufferPool();
      const firstLease = pool.lease();
      const firstJob = computeJob(job(fileA, true), firstLease);
      settleJob(pool, firstLease, firstJob);
      assert.equal(firstJob.message.type, 'done');
      const held = firstJob.message.type === 'done' ? firstJob.message.inputs!.input!.data : undefined;
      assert.ok(held instanceof Float32Array);
      assert.equal(pool.heldBytes, 0);
      const lease = pool.lease();
      const whatIf = computeJob(job(fileB, false), lease);
      settleJob(pool, lease, whatIf);
      assert.deepEqual(held, valuesA, "the host's tensor still holds the first file's values");
    });
  });
});
