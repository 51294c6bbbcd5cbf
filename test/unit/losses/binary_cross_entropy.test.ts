import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import {
  binaryCrossEntropy,
  broadcastSource,
  rowSums,
  sumToShape,
} from '../../../src/core/losses/binary_cross_entropy';
import { findLoss } from '../../../src/core/losses/index';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;
const f32 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float32');
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');

function bce(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return binaryCrossEntropy.compute({ input, target }, options);
}

function thrown(fn: () => unknown): LossLensError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LossLensError, `expected LossLensError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('binary_cross_entropy', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('binary_cross_entropy')?.name, binaryCrossEntropy.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('BCELoss')?.name, binaryCrossEntropy.name); // the registry wraps each loss (versions.ts)
  });

  it('splits each element into positive and negative terms that add up to the loss', () => {
    const p = f64([0.9, 0.2, 0.6, 0.4], [2, 2]);
    const y = f64([1, 0, 0.5, 1], [2, 2]);
    const r = bce(p, y, { reduction: 'none', weight: f64([2, 1], [2]) });
    const pos = r.extras!['positiveTerm']!.data;
    const neg = r.extras!['negativeTerm']!.data;
    for (let k = 0; k < 4; k++) assertClose([pos[k]! + neg[k]!], [r.perElement.data[k]!], `element ${k}`, RTOL);
    assertClose([pos[0]!], [-2 * Math.log(0.9)], 'positive term', RTOL);
    assertClose([neg[1]!], [-1 * Math.log(0.8)], 'negative term', RTOL);
    // One loss per row.
    assertClose(
      Array.from(r.perSample),
      [r.perElement.data[0]! + r.perElement.data[1]!, r.perElement.data[2]! + r.perElement.data[3]!],
      'rows',
      RTOL,
    );
    const c = r.classification!;
    assert.equal(c.classDim, -1);
    assert.deepEqual([...c.predictedClass], [1, 0, 1, 0]);
    assertClose([c.targetProbability[0]!, c.targetProbability[1]!], [0.9, 0.8], 'p(target label)', RTOL);
    assert.ok(Number.isNaN(c.targetProbability[2]!));
    assert.deepEqual([...c.sampleWeight], [2, 1, 2, 1]);
    assert.ok(r.warnings.some((w) => w.code === 'info/element-weights'));
  });

  it('clamps the log at −100 and says so', () => {
    const r = bce(f32([0, 1, 0, 1], [4]), f32([1, 0, 0, 1], [4]), { reduction: 'none' });
    assertClose(Array.from(r.perElement.data), [100, 100, 0, 0], 'clamped', 0, 0);
    assert.ok(r.warnings.some((w) => w.code === 'info/bce-log-clamp' && w.data?.['clamped'] === 2));
  });

  it('mean divides by the element count', () => {
    const r = bce(f64([0.5, 0.5, 0.5], [3]), f64([1, 0, 1], [3]));
    assert.equal(r.reduction.denominator, 3);
    assert.equal(r.reduction.denominatorLabel, 'N = 3 elements');
    assertClose([r.output.data[0]!], [Math.log(2)], 'value', RTOL);
  });

  it('rejects logits and points to BCEWithLogitsLoss', () => {
    const e = thrown(() => bce(f32([2.5, -1, 0.3], [3]), f32([1, 0, 1], [3])));
    assert.equal(e.message, 'all elements of input should be between 0 and 1');
    assert.equal(e.diagnostic.code, 'loss/bce-input-range');
    assert.match(e.diagnostic.hint ?? '', /BCEWithLogitsLoss/);
    assert.equal(e.diagnostic.data?.['outside'], 2);
    const nan = thrown(() => bce(f32([0.5, NaN], [2]), f32([1, 0], [2])));
    assert.match(nan.diagnostic.explanation ?? '', /nan/);
  });

  it('rejects Long targets with .float() as the fix, and [N, 1] inputs with squeeze', () => {
    const e = thrown(() => bce(f32([0.5, 0.5], [2]), tensorFrom([1, 0], [2], 'int64')));
    assert.equal(e.message, 'Found dtype Long but expected Float');
    assert.match(e.diagnostic.hint ?? '', /target\.float\(\)/);
    const s = thrown(() => bce(f32([0.5, 0.5], [2, 1]), f32([1, 0], [2])));
    assert.equal(e.diagnostic.code, 'loss/target-dtype');
    assert.equal(s.diagnostic.code, 'loss/target-size');
    assert.match(s.diagnostic.hint ?? '', /squeeze\(1\)/);
  });

  it('warns about targets outside [0, 1] (computed in 1.13, rejected later)', () => {
    const r = bce(f32([0.3, 0.6], [2]), f32([2, -1], [2]));
    assert.ok(r.warnings.some((w) => w.code === 'warn/bce-target-range'));
  });

  describe('elementwise helpers', () => {
    it('rowSums sums over the non-batch dimensions', () => {
      assert.deepEqual(Array.from(rowSums([1, 2, 3, 4, 5, 6], [2, 3])), [6, 15]);
      assert.deepEqual(Array.from(rowSums([1, 2], [2])), [1, 2]);
      assert.deepEqual(Array.from(rowSums([7], [])), [7]);
    });
    it('broadcastSource repeats trailing operands without copying', () => {
      const w = f64([1, 2, 3], [3]);
      const s = broadcastSource(w, [2, 3]);
      assert.equal(s.values, w.data);
      assert.equal(s.period, 3);
      const col = broadcastSource(f64([1, 2], [2, 1]), [2, 3]);
      assert.deepEqual(Array.from(col.values), [1, 1, 1, 2, 2, 2]);
    });
    it('sumToShape undoes a broadcast', () => {
      assert.deepEqual(Array.from(sumToShape(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [3])), [5, 7, 9]);
      assert.deepEqual(Array.from(sumToShape(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [2, 1])), [6, 15]);
    });
  });
});
