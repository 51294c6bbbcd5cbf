import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import type { LossDefinition, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';

const ctc: LossDefinition = findLoss('CTCLoss')!;
const long = (values: number[], shape: number[] = [values.length]) => tensorFrom(values, shape, 'int64');

/** Deterministic log-softmax rows [T, N, C]. */
function logProbs(T: number, N: number, C: number, seed = 1): Tensor {
  const data = new Float64Array(T * N * C);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 16807) % 2147483647;
    data[i] = (s / 2147483647) * 4 - 2;
  }
  for (let row = 0; row < T * N; row++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, data[row * C + c]!);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(data[row * C + c]! - m);
    for (let c = 0; c < C; c++) data[row * C + c] = data[row * C + c]! - m - Math.log(z);
  }
  return { dtype: 'float64', shape: [T, N, C], data };
}

const codes = (r: LossResult) => r.warnings.map((w) => w.code);

describe('ctc_loss', () => {
  const inputs = {
    log_probs: logProbs(5, 2, 4),
    targets: long([1, 2, 2, 3, 1, 0], [2, 3]),
    input_lengths: long([5, 4]),
    target_lengths: long([3, 2]),
  };

  it("explains reduction='mean': each loss over its target length, then the batch mean", () => {
    const none = ctc.compute(inputs, { reduction: 'none' });
    const mean = ctc.compute(inputs, {});
    const [a, b] = Array.from(none.perElement.data);
    assert.ok(Math.abs((mean.value as number) - (a! / 3 + b! / 2) / 2) < 1e-12);
    assert.equal(mean.reduction.denominator, 2);
    assert.ok(Math.abs(mean.reduction.numerator - (a! / 3 + b! / 2)) < 1e-12);
    assert.match(mean.reduction.denominatorLabel, /target length/);
    assert.match(mean.reduction.why, /target length/);
    assert.deepEqual(Array.from(mean.extras!['targetLengthDivisor']!.data), [3, 2]);
    assert.deepEqual(Array.from(mean.perSample), [a, b]);
    assert.deepEqual(mean.options, { blank: 0, reduction: 'mean', zero_infinity: false });
  });

  it('frame posteriors sum to 1 over the classes inside each input length, and the gradient is 0 beyond it', () => {
    const r = ctc.compute(inputs, { reduction: 'sum' });
    const post = r.extras!['framePosterior']!.data;
    const C = 4;
    for (let t = 0; t < 5; t++) {
      for (let b = 0; b < 2; b++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += post[(t * 2 + b) * C + c]!;
        if (t < [5, 4][b]!) assert.ok(Math.abs(s - 1) < 1e-9, `t=${t} b=${b}: ${s}`);
      }
    }
    const g = r.gradient['log_probs']!.data;
    for (let c = 0; c < C; c++) assert.equal(g[(4 * 2 + 1) * C + c], 0);
  });

  it('warns about impossible alignments, or reports them zeroed with zero_infinity', () => {
    const bad = { ...inputs, targets: long([1, 1, 1, 3, 1, 0], [2, 3]), input_lengths: long([4, 4]) };
    const r = ctc.compute(bad, { reduction: 'none' });
    assert.equal(r.perElement.data[0], Infinity);
    const w = r.warnings.find((d) => d.code === 'warn/ctc-infinite-loss');
    assert.ok(w);
    assert.match(w.explanation!, /need at least 5/);
    const z = ctc.compute(bad, { reduction: 'none', zero_infinity: true });
    assert.equal(z.perElement.data[0], 0);
    assert.ok(codes(z).includes('info/ctc-zeroed-infinity'));
  });

  it('flags blank labels inside targets and log_probs that are probabilities', () => {
    const withBlank = ctc.compute({ ...inputs, targets: long([1, 0, 2, 3, 1, 0], [2, 3]) }, {});
    assert.ok(codes(withBlank).includes('warn/ctc-blank-in-target'));
    const probs: Tensor = { ...inputs.log_probs, data: inputs.log_probs.data.map((v) => Math.exp(v)) };
    const r = ctc.compute({ ...inputs, log_probs: probs }, {});
    const w = r.warnings.find((d) => d.code === 'warn/ctc-not-log-probs');
    assert.ok(w);
    assert.match(w.message, /probabilities/);
    assert.deepEqual(codes(ctc.compute(inputs, {})), []);
  });

  it('gives zero-length inputs their defined value (PyTorch 1.13 reads uninitialised memory there)', () => {
    const r = ctc.compute(
      { ...inputs, input_lengths: long([0, 0]), target_lengths: long([0, 2]) },
      { reduction: 'none' },
    );
    assert.deepEqual(Array.from(r.perElement.data), [0, Infinity]);
    assert.ok(codes(r).includes('warn/ctc-zero-input-length'));
  });

  it('refuses class indices outside the alphabet (PyTorch would read out of bounds)', () => {
    assert.throws(
      () => ctc.compute({ ...inputs, targets: long([1, 2, 7, 3, 1, 0], [2, 3]) }, {}),
      (e: unknown) =>
        e instanceof LossLensError &&
        e.diagnostic.code === 'loss/ctc-target-range' &&
        e.diagnostic.data!['value'] === 7,
    );
  });

  it('handles unbatched [T, C] log_probs with a 0-d loss', () => {
    const lp = logProbs(5, 1, 4);
    const r = ctc.compute(
      {
        log_probs: { ...lp, shape: [5, 4] },
        targets: long([1, 2]),
        input_lengths: long([5], []),
        target_lengths: long([2], []),
      },
      { reduction: 'none' },
    );
    assert.deepEqual([...r.output.shape], []);
    assert.deepEqual([...r.gradient['log_probs']!.shape], [5, 4]);
  });

  it('computes a realistic batch (T=200, N=16, C=30, S=40) to a finite value (speed: npm run bench:micro)', () => {
    const T = 200;
    const N = 16;
    const S = 40;
    const targets = Array.from({ length: N * S }, (_, i) => 1 + (i % 29));
    const r = ctc.compute(
      {
        log_probs: logProbs(T, N, 30),
        targets: long(targets, [N, S]),
        input_lengths: long(new Array<number>(N).fill(T)),
        target_lengths: long(new Array<number>(N).fill(S)),
      },
      {},
    );
    assert.ok(Number.isFinite(r.value as number));
  });
});
