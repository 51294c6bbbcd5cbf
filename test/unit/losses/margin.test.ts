import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import type { LossDefinition, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type DType } from '../../../src/core/tensor';

const t = (values: number[], shape: number[], dtype: DType = 'float64') => tensorFrom(values, shape, dtype);

function loss(name: string): LossDefinition {
  const l = findLoss(name);
  assert.ok(l, name);
  return l;
}

const codes = (r: LossResult) => r.warnings.map((w) => w.code);

describe('margin losses', () => {
  describe('0/1 labels given to ±1 losses', () => {
    it('soft_margin_loss: a 0 label costs log 2 with no gradient', () => {
      const r = loss('soft_margin_loss').compute(
        { input: t([3, -2, 0.5], [3]), target: t([1, 0, 0], [3]) },
        { reduction: 'none' },
      );
      const w = r.warnings.find((d) => d.code === 'warn/zero-one-labels');
      assert.ok(w);
      assert.equal(w.severity, 'warning');
      assert.match(w.explanation!, /log 2/);
      assert.match(w.hint!, /2 \* target - 1/);
      assert.equal(w.data!['zeros'], 2);
      assert.ok(Math.abs(r.perElement.data[1]! - Math.LN2) < 1e-12);
      assert.equal(r.gradient['input']!.data[1], -0);
    });

    it('hinge_embedding_loss: a 0 label adds both terms', () => {
      const r = loss('hinge_embedding_loss').compute(
        { input: t([0.25, 3], [2]), target: t([0, 1], [2]) },
        { reduction: 'none' },
      );
      assert.ok(codes(r).includes('warn/zero-one-labels'));
      assert.match(r.warnings.find((d) => d.code === 'warn/zero-one-labels')!.explanation!, /both terms/);
      // x + max(0, 1 − x) = 0.25 + 0.75
      assert.equal(r.perElement.data[0], 1);
      assert.deepEqual(Array.from(r.extras!['marginTerm']!.data), [0.75, 0]);
      assert.deepEqual(Array.from(r.extras!['inputTerm']!.data), [0.25, 3]);
    });

    it('margin_ranking_loss: a 0 label is the constant margin', () => {
      const r = loss('margin_ranking_loss').compute(
        { input1: t([1, 5], [2]), input2: t([2, 0], [2]), target: t([1, 0], [2]) },
        { margin: 0.5, reduction: 'none' },
      );
      assert.ok(codes(r).includes('warn/zero-one-labels'));
      assert.equal(r.perElement.data[1], 0.5);
      assert.equal(r.gradient['input1']!.data[1], -0);
    });

    it('stays quiet for ±1 labels and flags other values separately', () => {
      const ok = loss('soft_margin_loss').compute({ input: t([1, 2], [2]), target: t([1, -1], [2]) }, {});
      assert.deepEqual(codes(ok), []);
      const two = loss('hinge_embedding_loss').compute({ input: t([1, 2], [2]), target: t([2, -1], [2]) }, {});
      assert.deepEqual(codes(two), ['warn/label-values']);
    });
  });

  it("margin_ranking_loss keeps PyTorch's dimension message, trailing space included", () => {
    assert.throws(
      () =>
        loss('margin_ranking_loss').compute(
          { input1: t([1, 2, 3], [3]), input2: t([1, 2, 3], [3, 1]), target: t([1, 1, 1], [3]) },
          {},
        ),
      (e: unknown) =>
        e instanceof LossLensError &&
        e.message ===
          'margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([3]), input2: torch.Size([3, 1]), target: torch.Size([3]) ',
    );
  });

  it('multi_margin_loss: per-sample hinges divided by C, violations as extras', () => {
    const r = loss('multi_margin_loss').compute(
      { input: t([0.1, 0.2, 0.4, 0.8, 0.5, 0.5, 0, 1], [2, 4]), target: t([3, 0], [2], 'int64') },
      {},
    );
    assert.equal(r.reduction.denominator, 2);
    assert.equal(r.reduction.denominatorLabel, 'N = 2 samples');
    assert.ok(Math.abs(r.perSample[0]! - 0.325) < 1e-12);
    assert.ok(Math.abs(r.perSample[1]! - 0.75) < 1e-12);
    assert.deepEqual([...r.extras!['marginViolations']!.shape], [2, 4]);
    assert.equal(r.extras!['marginViolations']!.data[3], 0, 'the target class has no violation');
  });

  it('multi_margin_loss refuses a weight too short for a target class (PyTorch reads past its end)', () => {
    assert.throws(
      () =>
        loss('multi_margin_loss').compute(
          { input: t([0, 0, 0, 0], [1, 4]), target: t([3], [1], 'int64') },
          { weight: t([1, 1], [2]) },
        ),
      (e: unknown) => e instanceof LossLensError && e.diagnostic.code === 'loss/weight-size',
    );
  });

  it('multilabel_margin_loss flags multi-hot targets', () => {
    const r = loss('multilabel_margin_loss').compute(
      { input: t([0.1, 0.2, 0.4, 0.8], [1, 4]), target: t([0, 1, 1, 0], [1, 4], 'int64') },
      {},
    );
    const w = r.warnings.find((d) => d.code === 'warn/multilabel-multi-hot');
    assert.ok(w);
    assert.match(w.hint!, /multilabel_soft_margin_loss/);
    assert.deepEqual(Array.from(r.extras!['isTarget']!.data), [1, 1, 0, 0]);
  });

  it('an empty batch with mean/sum says PyTorch returns an uninitialised value', () => {
    const r = loss('multi_margin_loss').compute({ input: t([], [0, 3]), target: t([], [0], 'int64') }, {});
    assert.ok(Number.isNaN(r.value as number));
    assert.ok(codes(r).includes('warn/empty-batch-undefined'));
  });
});
