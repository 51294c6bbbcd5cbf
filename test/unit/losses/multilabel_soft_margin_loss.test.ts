import * as assert from 'node:assert/strict';
import { findLoss } from '../../../src/core/losses/index';
import { multilabelSoftMarginLoss } from '../../../src/core/losses/multilabel_soft_margin_loss';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');
const softplus = (x: number): number => Math.log1p(Math.exp(x));

const X = [1.5, -0.5, 0.2, -2, 0.7, 3];
const Y = [1, 0, 1, 0, 0, 1];
const ROWS = [0, 1].map(
  (r) => [0, 1, 2].reduce((s, c) => s + (Y[r * 3 + c] ? softplus(-X[r * 3 + c]!) : softplus(X[r * 3 + c]!)), 0) / 3,
);

function mlsm(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return multilabelSoftMarginLoss.compute({ input, target }, options);
}

describe('multilabel_soft_margin_loss', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('multilabel_soft_margin_loss')?.name, multilabelSoftMarginLoss.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('MultiLabelSoftMarginLoss')?.name, multilabelSoftMarginLoss.name); // the registry wraps each loss (versions.ts)
  });

  it('averages over the labels of each sample, then over the samples', () => {
    const r = mlsm(f64(X, [2, 3]), f64(Y, [2, 3]));
    assertClose(Array.from(r.perSample), ROWS, 'per sample', RTOL);
    assert.deepEqual(r.perElement.shape, [2]);
    assert.equal(r.reduction.denominator, 2);
    assert.equal(r.reduction.denominatorLabel, 'N = 2 samples (each already averaged over its 3 labels)');
    assertClose([r.output.data[0]!], [(ROWS[0]! + ROWS[1]!) / 2], 'mean', RTOL);
  });

  it('applies class weights to each label term and says so', () => {
    const w = [1, 2, 0.5];
    const r = mlsm(f64(X, [2, 3]), f64(Y, [2, 3]), { weight: f64(w, [3]), reduction: 'none' });
    const pos = r.extras!['positiveTerm']!.data;
    const neg = r.extras!['negativeTerm']!.data;
    for (let row = 0; row < 2; row++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += pos[row * 3 + c]! + neg[row * 3 + c]!;
      assertClose([s / 3], [r.perElement.data[row]!], `row ${row}`, RTOL);
    }
    assertClose([pos[0]!], [softplus(-1.5)], 'w=1 positive term', RTOL);
    assertClose([neg[1]!], [2 * softplus(-0.5)], 'w=2 negative term', RTOL);
    assert.ok(r.warnings.some((d) => d.code === 'info/class-weights'));
  });

  it('warns when probabilities are passed as logits', () => {
    const r = mlsm(f64([0.9, 0.2, 0.6], [1, 3]), f64([1, 0, 1], [1, 3]));
    assert.ok(r.warnings.some((d) => d.code === 'warn/probabilities-to-logits-loss'));
  });
});
