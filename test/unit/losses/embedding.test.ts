import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import type { LossDefinition } from '../../../src/core/losses/types';
import { tensorFrom, type DType } from '../../../src/core/tensor';

const t = (values: number[], shape: number[], dtype: DType = 'float64') => tensorFrom(values, shape, dtype);

function loss(name: string): LossDefinition {
  const l = findLoss(name);
  assert.ok(l, name);
  return l;
}

describe('embedding losses', () => {
  describe('cosine_embedding_loss', () => {
    it('reports the cosine similarity of every pair', () => {
      const r = loss('CosineEmbeddingLoss').compute(
        { input1: t([1, 0, 1, 1], [2, 2]), input2: t([1, 0, -1, 1], [2, 2]), target: t([1, -1], [2]) },
        { reduction: 'none' },
      );
      const cos = r.extras!['cosineSimilarity']!;
      assert.deepEqual([...cos.shape], [2]);
      assert.ok(Math.abs(cos.data[0]! - 1) < 1e-9);
      assert.ok(Math.abs(cos.data[1]!) < 1e-12);
      assert.deepEqual(r.options, { margin: 0, size_average: null, reduce: null, reduction: 'none' });
    });

    it('warns that 0 labels are silently ignored yet counted in the mean', () => {
      const r = loss('cosine_embedding_loss').compute(
        { input1: t([1, 0, 0, 1], [2, 2]), input2: t([1, 0, 1, 0], [2, 2]), target: t([1, 0], [2]) },
        {},
      );
      const w = r.warnings.find((d) => d.code === 'warn/zero-one-labels');
      assert.ok(w);
      assert.match(w.explanation!, /neither/);
      assert.match(w.explanation!, /mean/);
      assert.equal(r.perElement.data[1], 0);
      assert.equal(r.reduction.denominator, 2);
      assert.deepEqual(Array.from(r.gradient['input1']!.data.slice(2)), [0, 0]);
    });

    it("refuses 1-D inputs with a 1-D target in PyTorch's words, suggesting a 0-d label", () => {
      assert.throws(
        () =>
          loss('cosine_embedding_loss').compute(
            { input1: t([1, 2, 3], [3]), input2: t([1, 2, 3], [3]), target: t([1, 1, 1], [3]) },
            {},
          ),
        (e: unknown) =>
          e instanceof LossLensError &&
          e.message === '1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3].' &&
          e.diagnostic.code === 'loss/input-dims' &&
          /0-d label/.test(e.diagnostic.hint!),
      );
    });
  });

  describe('triplet_margin_loss', () => {
    const anchor = t([0, 0, 1, 1], [2, 2]);
    const positive = t([3, 4, 1, 1], [2, 2]);
    const negative = t([0, 1, 4, 5], [2, 2]);

    it('reports d(a,p) and d(a,n) per triplet', () => {
      const r = loss('triplet_margin_loss').compute({ anchor, positive, negative }, { eps: 0, reduction: 'none' });
      assert.deepEqual(Array.from(r.extras!['distancePositive']!.data), [5, 0]);
      assert.deepEqual(Array.from(r.extras!['distanceNegative']!.data), [1, 5]);
      assert.deepEqual(Array.from(r.perElement.data), [5, 0]);
      assert.equal(r.extras!['distanceSwap'], undefined);
      assert.deepEqual(r.options, {
        margin: 1,
        p: 2,
        eps: 0,
        swap: false,
        size_average: null,
        reduce: null,
        reduction: 'none',
      });
    });

    it('with swap, reports d(p,n) and which negative distance was used (0.5 on a tie, as min splits the gradient)', () => {
      const r = loss('triplet_margin_loss').compute(
        { anchor, positive, negative },
        { eps: 0, swap: true, reduction: 'none' },
      );
      assert.ok(Math.abs(r.extras!['distanceSwap']!.data[0]! - Math.hypot(3, 3)) < 1e-12);
      // Row 1: d(a,n) = 1 < d(p,n); row 2: anchor == positive, so d(a,n) == d(p,n) = 5.
      assert.deepEqual(Array.from(r.extras!['swapUsed']!.data), [0, 0.5]);
    });

    it('p = 0 has no gradient in PyTorch (the inputs get none)', () => {
      const r = loss('triplet_margin_loss').compute({ anchor, positive, negative }, { p: 0 });
      assert.deepEqual(r.gradient, {});
    });
  });
});
