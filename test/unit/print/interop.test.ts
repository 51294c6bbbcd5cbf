/**
 * Python's round() and how Python formatting meets tensors and NumPy scalars (`f"{loss:.4f}"`, `'%s' % loss`,
 * `[np.float32(x)]`), against both oracles (expectations from scripts/fixtures/gen_print.py).
 */
import * as assert from 'node:assert/strict';
import { PyFormatError } from '../../../src/core/runtime/format/errors';
import { formatSpec } from '../../../src/core/runtime/format/format-spec';
import { percentFormat } from '../../../src/core/runtime/format/percent';
import { pyFloatRepr } from '../../../src/core/runtime/format/py-repr';
import { pyRound, pyRoundToInt } from '../../../src/core/runtime/format/round';
import { numpyScalarRepr, numpyScalarStr } from '../../../src/core/torch/print/ndarray-repr';
import { torchRepr } from '../../../src/core/torch/print/tensor-repr';
import { decodeNumber, loadOracles } from './oracle';

for (const oracle of loadOracles()) {
  const numpyMajor = oracle.versions.numpy.startsWith('1.') ? 1 : 2;
  const version = oracle.versions.torch.startsWith('1.') ? '1.13' : '2.x';
  describe(`round() and tensor/NumPy formatting match ${oracle.label}`, () => {
    it('round(x) and round(x, n)', () => {
      const failures: string[] = [];
      for (const c of oracle.round) {
        const x = decodeNumber(c.value);
        const what = `round(${pyFloatRepr(x)}${c.ndigits === null ? '' : ', ' + c.ndigits})`;
        try {
          const got = c.ndigits === null ? pyRoundToInt(x).toString() : pyFloatRepr(pyRound(x, c.ndigits));
          if (c.error || got !== c.out) failures.push(`${what}: ${got}, Python ${c.out ?? c.error?.message}`);
        } catch (e) {
          const err = e as PyFormatError;
          if (!c.error || err.pyType !== c.error.type || err.message !== c.error.message) {
            failures.push(`${what}: raised ${err.message}, Python ${c.out ?? c.error?.message}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });

    it('format(tensor, spec), %-formatting of tensors and NumPy scalars', () => {
      const failures: string[] = [];
      for (const c of oracle.interop) {
        const v = decodeNumber(c.value);
        const t = { dtype: 'float32' as const, shape: [], data: [v] };
        const hooks = {
          str: () => torchRepr(t, { version }),
          repr: () => torchRepr(t, { version }),
          toFloat: () => v,
        };
        let got: string;
        switch (c.kind) {
          // a 0-d tensor and a NumPy float scalar format as a Python float: f"{loss}" is the float's repr, not
          // tensor(…), and f"{np.float32(x)}" is the float64 repr, not str(np.float32(x))
          case 'tensor_format':
          case 'numpy_format':
            got = formatSpec(v, c.spec!);
            break;
          case 'tensor_percent_s':
            got = percentFormat('%s', { single: t }, hooks);
            break;
          case 'tensor_percent_f':
            got = percentFormat('%.4f', { single: t }, hooks);
            break;
          case 'tensor_in_list':
            got = '[' + torchRepr(t, { version }) + ']';
            break;
          case 'numpy_percent_s':
            got = numpyScalarStr(v, 'float32', numpyMajor);
            break;
          case 'numpy_percent_r':
          case 'numpy_in_list':
            got = numpyScalarRepr(v, 'float32', numpyMajor);
            if (c.kind === 'numpy_in_list') got = '[' + got + ']';
            break;
          default:
            throw new Error(`unknown interop case ${c.kind}`);
        }
        if (got !== c.out) failures.push(`${c.kind} ${c.value} ${c.spec ?? ''}: ${got} vs ${c.out}`);
      }
      assert.deepEqual(failures, []);
    });
  });
}
