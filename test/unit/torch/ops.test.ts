import * as assert from 'node:assert/strict';
import type { TorchContext } from '../../../src/core/torch/api';
import { check, loadFixture } from './replay';

/**
 * Cases where PyTorch's vectorised float32 kernels use their own approximations (GELU's erf), so the library
 * agrees to float32 accuracy rather than to the last bit; the tolerance is widened for them only.
 */
const APPROXIMATE = new Set(['F-gelu']);

/** Cases PyTorch answers but Loss Lens refuses to guess (uninitialised memory): they must raise NotModelled. */
const NOT_MODELLED = new Set(['legacy-float-sizes']);

for (const version of ['2.x', '1.13'] as const) {
  const fixture = loadFixture(version);
  const ctx: TorchContext = { maxElements: 1e7, numpyMajor: version === '2.x' ? 2 : 1, torchVersion: version };
  describe(`torch library against PyTorch ${fixture.torch} / NumPy ${fixture.numpy}`, () => {
    for (const c of fixture.cases) {
      it(c.id, () => {
        const difference = check(ctx, c, undefined, APPROXIMATE.has(c.id) ? 1e-5 : undefined);
        if (NOT_MODELLED.has(c.id)) assert.match(difference ?? '', /^not modelled: /);
        else assert.equal(difference, undefined, difference);
      });
    }
  });
}

describe("torch library: float32 sums and means in PyTorch's order", () => {
  it('matches PyTorch bit for bit on every sum-order case', () => {
    const fixture = loadFixture('2.x');
    const ctx: TorchContext = { maxElements: 1e7, numpyMajor: 2, torchVersion: '2.x' };
    const cases = fixture.cases.filter((c) => c.id.startsWith('sum-order') || c.id.startsWith('mean-order'));
    assert.ok(cases.length > 40);
    for (const c of cases) {
      const counts = { n: 0, exact: 0 };
      assert.equal(check(ctx, c, counts), undefined, c.id);
      assert.equal(
        counts.exact,
        counts.n,
        `${c.id}: ${counts.n - counts.exact} of ${counts.n} values differ in the last bits`,
      );
    }
  });
});

describe('torch library: bit-exact share of the recorded values', () => {
  // Measured: 98.3% (2.x) and 95.2% (1.13, whose softmax kernels sum in another order); a drop means a regression.
  for (const [version, share] of [
    ['2.x', 0.98],
    ['1.13', 0.95],
  ] as const) {
    it(`reproduces at least ${share * 100}% of PyTorch ${version}'s values to the last bit`, () => {
      const fixture = loadFixture(version);
      const ctx: TorchContext = { maxElements: 1e7, numpyMajor: version === '2.x' ? 2 : 1, torchVersion: version };
      const counts = { n: 0, exact: 0 };
      for (const c of fixture.cases) check(ctx, c, counts);
      assert.ok(counts.n > 4000);
      assert.ok(counts.exact / counts.n >= share, `${counts.exact} of ${counts.n} bit-exact`);
    });
  }
});
