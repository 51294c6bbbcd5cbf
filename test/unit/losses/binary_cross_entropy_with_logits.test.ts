import * as assert from 'node:assert/strict';
import { binaryCrossEntropyWithLogits } from '../../../src/core/losses/binary_cross_entropy_with_logits';
import { findLoss } from '../../../src/core/losses/index';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');
const softplus = (x: number): number => Math.log1p(Math.exp(x));

function bcewl(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return binaryCrossEntropyWithLogits.compute({ input, target }, options);
}

describe('binary_cross_entropy_with_logits', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('binary_cross_entropy_with_logits')?.name, binaryCrossEntropyWithLogits.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('BCEWithLogitsLoss')?.name, binaryCrossEntropyWithLogits.name); // the registry wraps each loss (versions.ts)
  });

  it('pos_weight broadcasts over the last dimension and multiplies only the positive term', () => {
    const x = f64([0.5, -1, 2, -0.3], [2, 2]);
    const y = f64([1, 0, 1, 1], [2, 2]);
    const r = bcewl(x, y, { reduction: 'none', pos_weight: f64([3, 10], [2]) });
    const pos = Array.from(r.extras!['positiveTerm']!.data);
    const neg = Array.from(r.extras!['negativeTerm']!.data);
    assertClose(pos, [3 * softplus(-0.5), 0, 3 * softplus(-2), 10 * softplus(0.3)], 'positive', RTOL);
    assertClose(neg, [0, softplus(-1), 0, 0], 'negative', RTOL);
    assertClose(
      Array.from(r.perElement.data),
      pos.map((p, k) => p + neg[k]!),
      'sum',
      RTOL,
    );
    assert.ok(r.warnings.some((w) => w.code === 'info/pos-weight'));
  });

  it('reports sigmoid probabilities and 0.5-threshold predictions', () => {
    const r = bcewl(f64([0, 3, -3], [3]), f64([1, 1, 0], [3]));
    const c = r.classification!;
    assertClose(
      Array.from(c.probabilities.data),
      [0.5, 1 / (1 + Math.exp(-3)), 1 / (1 + Math.exp(3))],
      'sigmoid',
      RTOL,
    );
    assertClose(Array.from(c.logProbabilities.data), [-Math.log(2), -softplus(-3), -softplus(3)], 'log sigmoid', RTOL);
    assert.deepEqual([...c.predictedClass], [0, 1, 0]);
  });

  it('stays exact for logits of ±1e4', () => {
    const r = bcewl(f64([1e4, -1e4, 1e4, -1e4], [4]), f64([1, 1, 0, 0], [4]), { reduction: 'none' });
    assert.deepEqual(Array.from(r.perElement.data), [0, 1e4, 1e4, 0]);
  });

  it('warns when probabilities are passed as logits', () => {
    const r = bcewl(f64([0.9, 0.1, 0.7], [3]), f64([1, 0, 1], [3]));
    const w = r.warnings.find((d) => d.code === 'warn/probabilities-to-logits-loss');
    assert.ok(w);
    assert.match(w.hint ?? '', /sigmoid/);
    assert.equal(
      bcewl(f64([2.1, -0.4, 0.7], [3]), f64([1, 0, 1], [3])).warnings.some(
        (d) => d.code === 'warn/probabilities-to-logits-loss',
      ),
      false,
    );
  });

  it('builds the loss in the target dtype and the gradient in the input dtype', () => {
    const r = bcewl(tensorFrom([0.5, -1], [2], 'float32'), f64([1, 0], [2]));
    assert.equal(r.output.dtype, 'float64');
    assert.equal(r.gradient['input']!.dtype, 'float32');
  });
});
