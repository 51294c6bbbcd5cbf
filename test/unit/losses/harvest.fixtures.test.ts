/**
 * PyTorch's own loss tests, harvested (scripts/fixtures/gen_harvest.py): the sample inputs and error inputs of every
 * loss OpInfo of torch.testing._internal.common_methods_invocations, labelled by PyTorch 1.13 and by 2.14 and run
 * under the matching torchVersion. Values, reduction='none' outputs and gradients at rtol 1e-5, PyTorch's error texts
 * verbatim.
 *
 * One documented exception: linear_cross_entropy's float32 gradient of linear_weight is a sum over the batch that
 * PyTorch accumulates in float32, so it is compared at rtol 1e-4 (Loss Lens accumulates in float64).
 */
import { loadFixtures, versionsOf } from '../fixtures';
import { runCase } from './run-torch-fixtures';

const cases = loadFixtures('harvest');
const runs = cases.flatMap((c) => (c.torch ?? []).map((oracle, i) => ({ c, oracle, version: versionsOf(c)[i]! })));

describe(`PyTorch's own loss tests (OpInfo samples and error inputs; ${runs.length} runs)`, () => {
  for (const { c, oracle, version } of runs) {
    const float32Linear = c.fn === 'linear_cross_entropy' && c.inputs['input']?.dtype === 'float32';
    it(`${c.fn}: ${c.id} [torch ${oracle}]`, () => {
      runCase(c, version, float32Linear ? 1e-4 : 1e-5);
    });
  }
});
