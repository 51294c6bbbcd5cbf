/**
 * Tensor reprs against PyTorch 1.13 and 2.14 (expectations from scripts/fixtures/gen_print.py).
 */
import * as assert from 'node:assert/strict';
import type { DType } from '../../../src/core/tensor';
import {
  DEFAULT_TORCH_PRINT_OPTIONS,
  setPrintOptions,
  torchRepr,
  torchSizeRepr,
  type SetPrintOptionsArgs,
} from '../../../src/core/torch/print/tensor-repr';
import { nnModuleRepr } from '../../../src/core/torch/print/module-repr';
import { decodeData, loadOracles } from './oracle';

for (const oracle of loadOracles()) {
  const version = oracle.versions.torch.startsWith('1.') ? '1.13' : '2.x';
  describe(`torchRepr matches ${oracle.label}`, () => {
    for (const c of [...oracle.torch, ...oracle.torch_default_dtype]) {
      it(c.id, () => {
        const printOptions = setPrintOptions(DEFAULT_TORCH_PRINT_OPTIONS, c.print_options as SetPrintOptionsArgs);
        const defaultDtype = 'default_dtype' in c ? (c.default_dtype as 'float64') : 'float32';
        const got = torchRepr(
          { dtype: c.tensor.dtype as DType, shape: c.tensor.shape, data: decodeData(c.tensor) },
          {
            version,
            printOptions,
            requiresGrad: c.requires_grad,
            gradFn: c.grad_fn,
            parameter: c.parameter,
            defaultDtype,
          },
        );
        assert.equal(got, c.repr);
      });
    }
    for (const c of oracle.modules) {
      it(`print(module): ${c.id}`, () => {
        assert.equal(nnModuleRepr(c.module, version), c.repr);
      });
    }
    it('torch.Size', () => {
      for (const c of oracle.torch_size) {
        assert.equal(torchSizeRepr(c.shape), c.repr);
        assert.equal(torchSizeRepr(c.shape), c.str);
      }
    });
  });
}

describe('setPrintOptions', () => {
  it('resets sci_mode when it is not passed, as torch does', () => {
    const sci = setPrintOptions(DEFAULT_TORCH_PRINT_OPTIONS, { sci_mode: true });
    assert.equal(sci.sciMode, true);
    assert.equal(setPrintOptions(sci, { precision: 2 }).sciMode, null);
  });
  it('applies the profile before explicit fields', () => {
    const o = setPrintOptions(DEFAULT_TORCH_PRINT_OPTIONS, { profile: 'short', precision: 6 });
    assert.deepEqual([o.precision, o.edgeitems, o.threshold], [6, 2, 1000]);
    assert.equal(setPrintOptions(o, { profile: 'full' }).threshold, Infinity);
  });
});
