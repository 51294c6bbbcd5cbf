import * as assert from 'node:assert/strict';
import { findLoss } from '../../../src/core/losses/index';
import type { LossDefinition } from '../../../src/core/losses/types';
import { tensorFrom, type DType } from '../../../src/core/tensor';

const t = (values: number[], shape: number[], dtype: DType = 'float64') => tensorFrom(values, shape, dtype);

function loss(name: string): LossDefinition {
  const l = findLoss(name);
  assert.ok(l, name);
  return l;
}

describe('likelihood losses', () => {
  describe('poisson_nll_loss', () => {
    it('adds the Stirling term only where target > 1', () => {
      const r = loss('PoissonNLLLoss').compute(
        { input: t([0, 0, 0, 0], [4]), target: t([0, 1, 2, 10], [4]) },
        { full: true, reduction: 'none' },
      );
      const stirling = r.extras!['stirlingTerm']!.data;
      assert.equal(stirling[0], 0);
      assert.equal(stirling[1], 0);
      assert.ok(Math.abs(stirling[2]! - (2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI))) < 1e-12);
      assert.deepEqual(r.options, {
        log_input: true,
        full: true,
        size_average: null,
        eps: 1e-8,
        reduce: null,
        reduction: 'none',
      });
    });

    it('warns that negative rates give nan with log_input=False', () => {
      const r = loss('poisson_nll_loss').compute(
        { input: t([-1, 2], [2]), target: t([1, 1], [2]) },
        { log_input: false, reduction: 'none' },
      );
      assert.ok(Number.isNaN(r.perElement.data[0]));
      assert.ok(r.warnings.some((w) => w.code === 'warn/poisson-negative-rate'));
    });

    it('warns when input and target broadcast silently', () => {
      const r = loss('poisson_nll_loss').compute({ input: t([1, 2], [2, 1]), target: t([1, 2], [2]) }, {});
      assert.ok(r.warnings.some((w) => w.code === 'warn/silent-broadcast'));
      assert.equal(r.reduction.denominator, 4);
    });
  });

  describe('gaussian_nll_loss', () => {
    it('clamps var at eps, says so, and keeps var’s gradient flowing', () => {
      const r = loss('gaussian_nll_loss').compute(
        { input: t([0, 0], [2]), target: t([1, 1], [2]), var: t([0, 1], [2]) },
        { reduction: 'sum' },
      );
      const info = r.warnings.find((w) => w.code === 'info/var-clamped');
      assert.ok(info);
      assert.equal(info.severity, 'info');
      assert.deepEqual(Array.from(r.extras!['clampedVar']!.data), [1e-6, 1]);
      // d/dvar of 0.5·(log v + 1/v) at v = eps
      assert.ok(Math.abs(r.gradient['var']!.data[0]! - 0.5 * (1 / 1e-6 - 1 / 1e-12)) < 1);
    });

    it('accepts one variance per sample ([N] or [N,1]) and returns var’s gradient in its shape', () => {
      const inputs = { input: t([1, 2, 3, 4], [2, 2]), target: t([0, 0, 0, 0], [2, 2]) };
      const a = loss('gaussian_nll_loss').compute({ ...inputs, var: t([1, 2], [2]) }, {});
      const b = loss('gaussian_nll_loss').compute({ ...inputs, var: t([1, 2], [2, 1]) }, {});
      assert.equal(a.value, b.value);
      assert.deepEqual([...a.gradient['var']!.shape], [2]);
      assert.deepEqual([...b.gradient['var']!.shape], [2, 1]);
      assert.deepEqual([...a.extras!['logVarTerm']!.shape], [2, 2]);
    });
  });
});
