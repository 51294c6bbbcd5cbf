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

describe('regression losses', () => {
  it('are registered by functional and module name', () => {
    for (const [fn, module] of [
      ['mse_loss', 'MSELoss'],
      ['l1_loss', 'L1Loss'],
      ['smooth_l1_loss', 'SmoothL1Loss'],
      ['huber_loss', 'HuberLoss'],
    ]) {
      assert.equal(loss(fn!).name, fn);
      assert.equal(loss(module!).name, fn);
    }
  });

  it('warns about [N,1] vs [N] broadcasting with PyTorch text and explains the N×N blow-up', () => {
    const r = loss('mse_loss').compute({ input: t([1, 2, 3, 4], [4, 1]), target: t([1, 2, 3, 4], [4]) }, {});
    const w = r.warnings.find((d) => d.code === 'warn/broadcast');
    assert.ok(w);
    assert.equal(w.severity, 'warning');
    assert.equal(
      w.message,
      'Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    );
    assert.match(w.explanation!, /16 pairings instead of 4/);
    assert.ok(w.hint);
    assert.equal(w.data!['broadcast'], '[4, 4]');
    assert.deepEqual([...r.perElement.shape], [4, 4]);
    assert.equal(r.reduction.denominator, 16);
    assert.match(r.reduction.denominatorLabel, /after broadcasting to \[4, 4\]/);
    // Diagonal pairs match, the other 12 are compared with other samples' targets: Σ (i-j)² over 4×4 = 40.
    assert.equal(r.reduction.numerator, 40);
    assert.equal(r.value, 40 / 16);
  });

  it('fills the breakdown: per-sample sums, mean denominator and why, resolved defaults', () => {
    const r = loss('smooth_l1_loss').compute(
      { input: t([0, 2, 0.5, -3], [2, 2]), target: t([0, 0, 0, 0], [2, 2]) },
      {},
    );
    // Terms: 0, 1.5, 0.125, 2.5
    assert.deepEqual(Array.from(r.perSample), [1.5, 2.625]);
    assert.equal(r.reduction.reduction, 'mean');
    assert.equal(r.reduction.numerator, 4.125);
    assert.equal(r.reduction.denominator, 4);
    assert.equal(r.reduction.denominatorLabel, 'N = 4 elements');
    assert.match(r.reduction.why, /smooth-L1/);
    assert.deepEqual(r.options, { size_average: null, reduce: null, reduction: 'mean', beta: 1 });
    assert.deepEqual(Array.from(r.extras!['quadraticZone']!.data), [1, 0, 1, 0]);
    assert.deepEqual(Array.from(r.extras!['difference']!.data), [0, 2, 0.5, -3]);
    assert.deepEqual(Array.from(r.gradient['input']!.data), [0, 0.25, 0.125, -0.25]);
  });

  it("reports reduction='none' as nested values and a NaN denominator", () => {
    const r = loss('l1_loss').compute({ input: t([1, -2], [2]), target: t([0, 0], [2]) }, { reduction: 'none' });
    assert.deepEqual(r.value, [1, 2]);
    assert.ok(Number.isNaN(r.reduction.denominator));
    assert.deepEqual(Array.from(r.gradient['input']!.data), [1, -1]);
  });

  it('picks PyTorch subgradients at the kinks', () => {
    const x = t([0, 1, -1], [3]);
    const zero = t([0, 0, 0], [3]);
    const l1 = loss('l1_loss').compute({ input: x, target: zero }, { reduction: 'sum' });
    assert.deepEqual(Array.from(l1.gradient['input']!.data), [0, 1, -1]);
    const sl1 = loss('smooth_l1_loss').compute(
      { input: x, target: zero },
      { reduction: 'sum', beta: 0 },
      { torchVersion: '1.13' },
    );
    // PyTorch 1.13's backward kernel tests x <= -beta first, so beta=0 gives -1 at x = 0.
    assert.deepEqual(Array.from(sl1.gradient['input']!.data), [-1, 1, -1]);
    // 2.x computes beta=0 as l1_loss: sign(0) = 0.
    const sl1Now = loss('smooth_l1_loss').compute({ input: x, target: zero }, { reduction: 'sum', beta: 0 });
    assert.deepEqual(Array.from(sl1Now.gradient['input']!.data), [0, 1, -1]);
    const huber = loss('huber_loss').compute({ input: x, target: zero }, { reduction: 'sum', delta: 1 });
    assert.deepEqual(Array.from(huber.gradient['input']!.data), [0, 1, -1]);
  });

  it("refuses integer tensors with PyTorch's kernel message, a cause and a fix", () => {
    const ints = t([1, 2], [2], 'int64');
    assert.throws(
      () => loss('mse_loss').compute({ input: ints, target: ints }, {}, { torchVersion: '1.13' }),
      (e: unknown) =>
        e instanceof LossLensError &&
        e.message === `"mse_cpu" not implemented for 'Long'` &&
        e.diagnostic.code === 'loss/dtype-not-implemented' &&
        /float\(\)/.test(e.diagnostic.hint!),
    );
    // 2.x raises the same text as a NotImplementedError.
    assert.throws(() => loss('mse_loss').compute({ input: ints, target: ints }, {}), {
      message: `NotImplementedError: "mse_cpu" not implemented for 'Long'`,
    });
    // l1 computes integers for 'none'/'sum' (int64 sum) and refuses only the mean.
    const sum = loss('l1_loss').compute({ input: ints, target: t([3, 0], [2], 'int64') }, { reduction: 'sum' });
    assert.equal(sum.output.dtype, 'int64');
    assert.equal(sum.value, 4);
  });

  it("rejects unknown keywords and missing tensors with Python's TypeError text", () => {
    assert.throws(() => loss('mse_loss').compute({ input: t([1], [1]), target: t([1], [1]) }, { beta: 1 }), {
      message: "TypeError: mse_loss() got an unexpected keyword argument 'beta'",
    });
    assert.throws(() => loss('huber_loss').compute({ input: t([1], [1]) }, {}), {
      message: "TypeError: huber_loss() missing 1 required positional argument: 'target'",
    });
  });

  it('keeps float32 overflow where PyTorch overflows', () => {
    const r = loss('mse_loss').compute(
      { input: t([1e20], [1], 'float32'), target: t([0], [1], 'float32') },
      { reduction: 'none' },
    );
    assert.equal(r.perElement.data[0], Infinity);
  });

  it('computes a million elements, a per-sample loss per row (speed: npm run bench:micro)', () => {
    const n = 1_000_000;
    const x = new Float64Array(n).map((_, i) => Math.sin(i));
    const r = loss('huber_loss').compute(
      { input: { dtype: 'float64', shape: [1000, 1000], data: x }, target: t([0], [1]) },
      {},
    );
    assert.equal(r.perSample.length, 1000);
  });
});
