import * as assert from 'node:assert/strict';
import type { TorchContext } from '../../../src/core/torch/api';
import { check, loadFixture } from './replay';

/**
 * Cases where PyTorch's vectorised float32 kernels use their own approximations (GELU's erf), so the library
 * agrees to float32 accuracy rather than to the last bit; the tolerance is widened for them only.
 */
const APPROXIMATE = new Set(['F-gelu']);

for (const version of ['2.x', '1.13'] as const) {
  const fixture = loadFixture(version);
  const ctx: TorchContext = { maxElements: 1e7, numpyMajor: version === '2.x' ? 2 : 1, torchVersion: version };
  describe(`torch library against PyTorch ${fixture.torch} / NumPy ${fixture.numpy}`, () => {
    for (const c of fixture.cases) {
      it(c.id, () => {
        const difference = check(ctx, c, undefined, APPROXIMATE.has(c.id) ? 1e-5 : undefined);
        assert.equal(difference, undefined, difference);
      });
    }
  });
}
