/**
 * ndarray and NumPy scalar reprs against NumPy 1.24 and 2.x (expectations from scripts/fixtures/gen_print.py).
 */
import * as assert from 'node:assert/strict';
import {
  DEFAULT_NUMPY_PRINT_OPTIONS,
  ndarrayRepr,
  ndarrayStr,
  numpyScalarRepr,
  numpyScalarStr,
  setNumpyPrintOptions,
  stringArrayRepr,
  stringArrayStr,
  type NumpyDType,
  type SetNumpyPrintOptionsArgs,
} from '../../../src/core/torch/print/ndarray-repr';
import { decodeData, decodeNumber, loadOracles } from './oracle';

for (const oracle of loadOracles()) {
  const numpyMajor = oracle.versions.numpy.startsWith('1.') ? 1 : 2;
  describe(`ndarray printing matches ${oracle.label}`, () => {
    for (const c of oracle.numpy) {
      it(c.id, () => {
        const a = { dtype: c.array.dtype as NumpyDType, shape: c.array.shape, data: decodeData(c.array) };
        assert.equal(ndarrayRepr(a, { numpyMajor }), c.repr, 'repr');
        assert.equal(ndarrayStr(a, { numpyMajor }), c.str, 'str');
      });
    }
    for (const c of oracle.numpy_options) {
      it(`with np.set_printoptions: ${c.id}`, () => {
        const a = { dtype: c.array.dtype as NumpyDType, shape: c.array.shape, data: decodeData(c.array) };
        const printOptions = setNumpyPrintOptions(DEFAULT_NUMPY_PRINT_OPTIONS, c.options as SetNumpyPrintOptionsArgs);
        assert.equal(ndarrayRepr(a, { numpyMajor, printOptions }), c.repr, 'repr');
        assert.equal(ndarrayStr(a, { numpyMajor, printOptions }), c.str, 'str');
      });
    }
    for (const c of oracle.string_arrays) {
      it(`string array: ${c.id}`, () => {
        assert.equal(stringArrayRepr(c, { numpyMajor }), c.repr, 'repr');
        assert.equal(stringArrayStr(c, { numpyMajor }), c.str, 'str');
      });
    }
    it('NumPy scalars', () => {
      for (const c of oracle.numpy_scalars) {
        const v = decodeNumber(c.value);
        const dtype = c.dtype as NumpyDType;
        assert.equal(numpyScalarRepr(v, dtype, numpyMajor), c.repr, `repr ${c.dtype}(${c.value})`);
        assert.equal(numpyScalarStr(v, dtype, numpyMajor), c.str, `str ${c.dtype}(${c.value})`);
      }
    });
  });
}
