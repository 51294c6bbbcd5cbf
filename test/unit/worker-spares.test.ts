/**
 * The loss worker's output spares (src/worker/spares.ts): buffers of the sizes the last job asked for, zero-filled and
 * mapped after its answer, each handed out once; and a segmentation summary computed into them gives the same
 * answer, number for number, as one computed into fresh arrays.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReadBufferPool } from '../../src/core/io/bufferPool';
import { runLoss } from '../../src/core/run';
import type { Tensor } from '../../src/core/tensor';
import { computeJob, settleJob } from '../../src/worker/job';
import type { WorkerJob } from '../../src/worker/messages';
import { MIN_SPARE_BYTES, SpareBuffers } from '../../src/worker/spares';
import { logits, writeNpy } from './npy-write';

describe('loss worker output spares', () => {
  it('hands a job the spares prepared for its sizes, zero-filled, each once', () => {
    const spares = new SpareBuffers();
    const size = 2 * MIN_SPARE_BYTES;
    const first = new Uint8Array(spares.take(size));
    first.fill(7);
    spares.take(size);
    assert.deepEqual(spares.stats(), { fromSpares: 0, fresh: 2, prepared: 0 });
    spares.prepare();
    assert.equal(spares.stats().prepared, 2);
    assert.equal(spares.heldBytes, 2 * size);
    const a = new Uint8Array(spares.take(size));
    const b = new Uint8Array(spares.take(size));
    const c = new Uint8Array(spares.take(size));
    assert.deepEqual(spares.stats(), { fromSpares: 2, fresh: 3, prepared: 2 });
    assert.notEqual(a.buffer, b.buffer);
    for (const bytes of [a, b, c]) {
      assert.equal(bytes.length, size);
      assert.ok(
        bytes.every((v) => v === 0),
        'zero-filled, as a fresh array',
      );
      assert.notEqual(bytes.buffer, first.buffer, 'a buffer once handed out is never handed out again');
    }
  });

  it('keeps small outputs out, drops spares of sizes the last job did not ask for, and stays under its cap', () => {
    const spares = new SpareBuffers(3 * MIN_SPARE_BYTES);
    spares.take(MIN_SPARE_BYTES - 1);
    spares.take(2 * MIN_SPARE_BYTES);
    spares.take(2 * MIN_SPARE_BYTES);
    spares.prepare();
    assert.equal(spares.heldBytes, 2 * MIN_SPARE_BYTES, 'one of the two fits under the cap; the small one is not kept');
    spares.take(MIN_SPARE_BYTES);
    spares.prepare();
    assert.equal(spares.heldBytes, MIN_SPARE_BYTES, 'only the size the last job asked for');
  });

  describe('a segmentation summary in spares', () => {
    let dir: string;
    let job: WorkerJob;
    const [N, C, H, W] = [2, 5, 128, 128];
    const classes = Array.from({ length: N * H * W }, (_, i) => (i % 97 === 0 ? -100 : (i * 3 + (i >> 6)) % C));
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-spares-'));
      const input = path.join(dir, 'seg-input.npy');
      const target = path.join(dir, 'seg-target.npy');
      writeNpy(input, '<f4', [N, C, H, W], logits(N * C * H * W, 9));
      writeNpy(target, '<i8', [N, H, W], classes);
      job = { source: { kind: 'npy', input, target }, loss: 'cross_entropy', returnInputs: false };
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('gives the same answer as fresh arrays, job after job, with the outputs taken from spares', () => {
      const pool = new ReadBufferPool();
      const spares = new SpareBuffers();
      const answers = [];
      for (const outputs of [undefined, spares, spares, spares]) {
        const lease = pool.lease();
        const outcome = computeJob(job, lease, undefined, outputs);
        settleJob(pool, lease, outcome);
        outputs?.prepare();
        assert.equal(outcome.message.type, 'done');
        if (outcome.message.type === 'done') answers.push(outcome.message);
      }
      const [fresh, ...rest] = answers;
      for (const answer of rest) {
        assert.deepEqual(answer.results, fresh!.results);
        assert.deepEqual(answer.summaries, fresh!.summaries);
      }
      // 131,072 bytes per int32/float32 array, 262,144 per float64 one: the float64 ones (the loss, log Σ exp, p[y]
      // and the sample weights) come from spares once prepared.
      const { fromSpares, fresh: allocated } = spares.stats();
      assert.equal(allocated, 4);
      assert.equal(fromSpares, 8);
    });

    it('with label smoothing and class weights too (their parts in spares), the same result as fresh arrays', () => {
      const input = { dtype: 'float32', shape: [N, C, H, W], data: logits(N * C * H * W, 11) } as Tensor;
      const target = { dtype: 'int64', shape: [N, H, W], data: Float64Array.from(classes) } as Tensor;
      const weight = { dtype: 'float32', shape: [C], data: Float32Array.from([1, 0.5, 2, 1.5, 0.25]) } as Tensor;
      const options = { weight, label_smoothing: 0.1 };
      const spares = new SpareBuffers();
      const run = (outputs?: SpareBuffers) =>
        runLoss(
          { loss: 'cross_entropy', inputs: { input, target }, options },
          { detail: 'summary', ...(outputs ? { outputs } : {}) },
        ).results[0]!;
      const fresh = run();
      run(spares);
      spares.prepare();
      const fromSpares = run(spares);
      assert.ok(spares.stats().fromSpares >= 6);
      assert.deepEqual(fromSpares, fresh);
    });
  });
});
