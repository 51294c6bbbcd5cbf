import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { crossEntropy } from '../../../src/core/losses/cross_entropy';
import { findLoss } from '../../../src/core/losses/index';
import { legacyReduction } from '../../../src/core/losses/reduction';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;

const f32 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float32');
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');
const i64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'int64');

/** Logits [4, 3] used by most tests. */
const LOGITS = f64([2, 0.5, -1, 0.1, 1.2, 0.3, -0.5, -0.2, 1.5, 1, 1, 1], [4, 3]);

function ce(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return crossEntropy.compute({ input, target }, options);
}

function codes(r: LossResult): string[] {
  return r.warnings.map((w) => w.code);
}

function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function thrown(fn: () => unknown): LossLensError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LossLensError, `expected LossLensError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('cross_entropy', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('cross_entropy')?.name, crossEntropy.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('CrossEntropyLoss')?.name, crossEntropy.name); // the registry wraps each loss (versions.ts)
  });

  it('fills in PyTorch defaults', () => {
    const r = ce(LOGITS, i64([0, 1, 2, 0], [4]));
    assert.deepEqual(r.options, {
      weight: null,
      size_average: null,
      ignore_index: -100,
      reduce: null,
      reduction: 'mean',
      label_smoothing: 0,
    });
  });

  describe('reduction denominators', () => {
    const table: { name: string; target: Tensor; options: LossOptions; denominator: number; label: string }[] = [
      { name: 'plain mean', target: i64([0, 1, 2, 0], [4]), options: {}, denominator: 4, label: 'N = 4 samples' },
      {
        name: 'ignored samples leave the denominator',
        target: i64([0, -100, 2, -100], [4]),
        options: {},
        denominator: 2,
        label: '2 samples not equal to ignore_index',
      },
      {
        name: 'weighted mean divides by Σ w[yᵢ]',
        target: i64([0, 1, 2, 0], [4]),
        options: { weight: f64([2, 0.5, 1], [3]) },
        denominator: 2 + 0.5 + 1 + 2,
        label: 'Σ w[yᵢ] over 4 non-ignored samples',
      },
      {
        name: 'weighted mean skips ignored samples',
        target: i64([0, 1, -100, 0], [4]),
        options: { weight: f64([2, 0.5, 1], [3]) },
        denominator: 4.5,
        label: 'Σ w[yᵢ] over 3 non-ignored samples',
      },
      {
        name: 'probability targets divide by N even with weights',
        target: f64([1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5, 0, 0, 1], [4, 3]),
        options: { weight: f64([2, 0.5, 1], [3]) },
        denominator: 4,
        label: 'N = 4 samples',
      },
    ];
    for (const row of table) {
      it(row.name, () => {
        const r = ce(LOGITS, row.target, row.options);
        assert.equal(r.reduction.denominator, row.denominator);
        assert.equal(r.reduction.denominatorLabel, row.label);
        assertClose([r.reduction.numerator / r.reduction.denominator], [r.output.data[0]!], 'value', RTOL);
        let sum = 0;
        for (const v of r.perSample) sum += v;
        assertClose([r.reduction.numerator], [sum], 'numerator', RTOL);
      });
    }
    it('sum and none', () => {
      const sum = ce(LOGITS, i64([0, 1, 2, 0], [4]), { reduction: 'sum' });
      assert.equal(sum.reduction.denominator, 1);
      const none = ce(LOGITS, i64([0, 1, 2, 0], [4]), { reduction: 'none' });
      assert.ok(Number.isNaN(none.reduction.denominator));
      assert.deepEqual(none.output.shape, [4]);
      assert.equal((none.value as number[]).length, 4);
    });
  });

  describe('classification breakdown', () => {
    it('reports probabilities, targets, predictions, weights and the ignored mask', () => {
      const weight = f64([2, 0.5, 1], [3]);
      const r = ce(LOGITS, i64([1, 1, -100, 0], [4]), { weight });
      const c = r.classification!;
      assert.equal(c.classDim, 1);
      assert.equal(c.numClasses, 3);
      assert.deepEqual(c.probabilities.shape, [4, 3]);
      assert.deepEqual([...c.predictedClass], [0, 1, 2, 0]);
      assert.deepEqual([...c.targetClass], [1, 1, -100, 0]);
      assert.deepEqual([...c.ignored], [0, 0, 1, 0]);
      assert.deepEqual([...c.sampleWeight], [0.5, 0.5, 0, 2]);
      const p0 = softmaxRow([2, 0.5, -1]);
      assertClose(Array.from(c.probabilities.data.slice(0, 3)), p0, 'softmax row 0', RTOL);
      assertClose([c.targetProbability[0]!], [p0[1]!], 'p(target)', RTOL);
      assert.ok(Number.isNaN(c.targetProbability[2]!));
      assertClose(Array.from(c.logProbabilities.data.slice(0, 3)), p0.map(Math.log), 'log-softmax row 0', RTOL);
      // Ignored samples contribute nothing and get no gradient; their class still sits in the softmax.
      assert.equal(r.perSample[2], 0);
      assert.deepEqual(Array.from(r.gradient['input']!.data.slice(6, 9)), [0, 0, 0]);
      assertClose([r.perSample[0]!], [-0.5 * Math.log(p0[1]!)], 'weighted loss', RTOL);
    });

    it('lays out [N, C, d] inputs as one row per position', () => {
      // N=1, C=2, d=3: position s has logits (x[0, 0, s], x[0, 1, s]).
      const input = f64([1, 2, 3, 0, 0, 0], [1, 2, 3]);
      const r = ce(input, i64([0, 1, 0], [1, 3]), { reduction: 'none' });
      const c = r.classification!;
      assert.deepEqual(c.probabilities.shape, [3, 2]);
      assertClose(Array.from(c.probabilities.data.slice(2, 4)), softmaxRow([2, 0]), 'position 1', RTOL);
      assert.deepEqual([...c.predictedClass], [0, 0, 0]);
      assert.deepEqual(r.perElement.shape, [1, 3]);
      assertClose(
        Array.from(r.perElement.data),
        [-Math.log(softmaxRow([1, 0])[0]!), -Math.log(softmaxRow([2, 0])[1]!), -Math.log(softmaxRow([3, 0])[0]!)],
        'none',
        RTOL,
      );
    });

    it('treats [C] as one sample with a 0-d target', () => {
      const r = ce(f64([1, 2, 3], [3]), i64([2], []), { reduction: 'none' });
      assert.deepEqual(r.output.shape, []);
      assert.equal(r.classification!.classDim, 0);
      assert.deepEqual(r.classification!.probabilities.shape, [1, 3]);
      assert.equal(r.perSample.length, 1);
    });

    it('keeps logits of ±1e4 exact', () => {
      const r = ce(f32([1e4, -1e4, -1e4, 1e4], [2, 2]), i64([1, 1], [2]), { reduction: 'none' });
      assertClose(Array.from(r.perElement.data), [2e4, 0], 'loss', 0, 0);
      assertClose(Array.from(r.gradient['input']!.data), [1, -1, 0, 0], 'gradient', 0, 0);
    });
  });

  describe('label smoothing split', () => {
    const cases: { name: string; target: Tensor; options: LossOptions }[] = [
      { name: 'indices', target: i64([0, 1, 2, 0], [4]), options: { label_smoothing: 0.2 } },
      {
        name: 'indices, weights and an ignored sample',
        target: i64([0, -100, 2, 1], [4]),
        options: { label_smoothing: 0.1, weight: f64([2, 0.5, 1], [3]) },
      },
      {
        name: 'probabilities with weights',
        target: f64([1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5, 0, 0, 1], [4, 3]),
        options: { label_smoothing: 0.3, weight: f64([2, 0.5, 1], [3]) },
      },
    ];
    for (const row of cases) {
      it(`sums to the loss: ${row.name}`, () => {
        const r = ce(LOGITS, row.target, row.options);
        const ls = r.classification!.labelSmoothing!;
        assert.equal(ls.epsilon, row.options['label_smoothing']);
        let total = 0;
        for (let i = 0; i < 4; i++) {
          assertClose([ls.nllPart[i]! + ls.smoothPart[i]!], [r.perSample[i]!], `sample ${i}`, RTOL, 1e-12);
          total += ls.nllPart[i]! + ls.smoothPart[i]!;
        }
        assertClose([total / r.reduction.denominator], [r.output.data[0]!], 'reduced', RTOL);
      });
    }
    it('is absent without smoothing and for negative ε (with an info notice)', () => {
      assert.equal(ce(LOGITS, i64([0, 1, 2, 0], [4])).classification!.labelSmoothing, undefined);
      const r = ce(LOGITS, i64([0, 1, 2, 0], [4]), { label_smoothing: -0.5 });
      assert.equal(r.classification!.labelSmoothing, undefined);
      assert.ok(codes(r).includes('info/label-smoothing-negative'));
    });
    it('smooths ε/C onto every class: ε = 1 gives the uniform cross-entropy', () => {
      const r = ce(LOGITS, i64([0, 1, 2, 0], [4]), { label_smoothing: 1, reduction: 'none' });
      const expected = [0, 1, 2, 3].map((i) => {
        const row = Array.from(LOGITS.data.slice(i * 3, i * 3 + 3));
        return -softmaxRow(row).reduce((a, p) => a + Math.log(p), 0) / 3;
      });
      assertClose(Array.from(r.perElement.data), expected, 'uniform', RTOL);
    });
  });

  describe('warnings', () => {
    it('is quiet on a clean call', () => {
      assert.deepEqual(codes(ce(LOGITS, i64([0, 1, 2, 0], [4]))), []);
    });
    it('spots softmax applied before the loss', () => {
      const probs = f32([0.7, 0.2, 0.1, 0.1, 0.8, 0.1], [2, 3]);
      const r = ce(probs, i64([0, 1], [2]));
      const w = r.warnings.find((d) => d.code === 'warn/softmax-before-ce');
      assert.ok(w);
      assert.equal(w.severity, 'warning');
      assert.ok(w.hint?.includes('logits'));
    });
    it('explains the nan of every target ignored', () => {
      const r = ce(LOGITS, i64([-100, -100, -100, -100], [4]));
      assert.ok(Number.isNaN(r.output.data[0]!));
      assert.ok(codes(r).includes('warn/all-ignored'));
      assert.ok(Array.from(r.gradient['input']!.data).every((g) => g === 0));
      const sum = ce(LOGITS, i64([-100, -100, -100, -100], [4]), { reduction: 'sum' });
      assert.equal(sum.output.data[0], 0);
      assert.ok(codes(sum).includes('warn/all-ignored'));
    });
    it('says when the weighted mean differs from none().mean()', () => {
      const weight = f64([2, 0.5, 1], [3]);
      const r = ce(LOGITS, i64([0, 1, 2, 0], [4]), { weight });
      const info = r.warnings.find((d) => d.code === 'info/weighted-mean');
      assert.ok(info);
      assert.equal(info.severity, 'info');
      const none = ce(LOGITS, i64([0, 1, 2, 0], [4]), { weight, reduction: 'none' });
      let s = 0;
      for (const v of none.perElement.data) s += v;
      assertClose([info.data!['plainMean'] as number], [s / 4], 'plain mean', RTOL);
      assertClose([info.data!['value'] as number], [r.output.data[0]!], 'weighted mean', RTOL);
      assert.ok(codes(r).includes('info/class-weights'));
      // All-ones weights: nothing to say.
      assert.deepEqual(codes(ce(LOGITS, i64([0, 1, 2, 0], [4]), { weight: f64([1, 1, 1], [3]) })), []);
    });
    it('says when ignored samples change the mean', () => {
      assert.ok(codes(ce(LOGITS, i64([0, -100, 2, 0], [4]))).includes('info/ignored-mean'));
    });
    it('warns on an empty batch mean', () => {
      const r = ce(f32([], [0, 3]), i64([], [0]));
      assert.ok(Number.isNaN(r.output.data[0]!));
      assert.ok(codes(r).includes('warn/empty-mean'));
    });
    it("passes on PyTorch's deprecation warning for size_average/reduce", () => {
      const r = ce(LOGITS, i64([0, 1, 2, 0], [4]), { size_average: false });
      assert.equal(r.reduction.reduction, 'sum');
      assert.ok(r.warnings.some((w) => w.code === 'warn/legacy-reduction-args'));
    });
  });

  describe('legacy size_average/reduce', () => {
    const table: [unknown, unknown, string | undefined][] = [
      [null, null, undefined],
      [true, null, 'mean'],
      [false, null, 'sum'],
      [null, false, 'none'],
      [false, false, 'none'],
      [true, true, 'mean'],
      [false, true, 'sum'],
    ];
    for (const [sizeAverage, reduce, expected] of table) {
      it(`size_average=${String(sizeAverage)}, reduce=${String(reduce)} → ${String(expected)}`, () => {
        assert.equal(legacyReduction(sizeAverage, reduce)?.reduction, expected);
      });
    }
  });

  describe('errors carry PyTorch text, a code, data and the fix', () => {
    const table: {
      name: string;
      input: Tensor;
      target: Tensor;
      options?: LossOptions;
      code: string;
      message: string;
      hint: RegExp;
    }[] = [
      {
        name: 'classes in the last dimension',
        input: f32(new Array(30).fill(0), [2, 5, 3]),
        target: i64(new Array(10).fill(0), [2, 5]),
        code: 'loss/target-size',
        message: 'Expected target size [2, 3], got [2, 5]',
        hint: /permute\(0, 2, 1\)/,
      },
      {
        name: '[N, 1] targets',
        input: LOGITS,
        target: i64([0, 1, 2, 0], [4, 1]),
        code: 'loss/multi-target',
        message: '0D or 1D target tensor expected, multi-target not supported',
        hint: /squeeze\(1\)/,
      },
      {
        name: 'one-hot Long targets',
        input: LOGITS,
        target: i64([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], [4, 3]),
        code: 'loss/target-dtype',
        message: 'Expected floating point type for target with class probabilities, got Long',
        hint: /argmax\(dim=1\).*\.float\(\)/,
      },
      {
        name: 'float class indices',
        input: LOGITS,
        target: f32([0, 1, 2, 0], [4]),
        code: 'loss/target-dtype',
        message: 'expected scalar type Long but found Float',
        hint: /\.long\(\)/,
      },
      {
        name: '1-based labels',
        input: LOGITS,
        target: i64([1, 2, 3, 1], [4]),
        code: 'loss/index-out-of-bounds',
        message: 'IndexError: Target 3 is out of bounds.',
        hint: /1-based/,
      },
      {
        name: 'batch mismatch',
        input: LOGITS,
        target: i64([0, 1], [2]),
        code: 'loss/batch-size',
        message: 'ValueError: Expected input batch_size (4) to match target batch_size (2).',
        hint: /target\.shape\[0\]/,
      },
      {
        name: 'wrong weight length',
        input: LOGITS,
        target: i64([0, 1, 2, 0], [4]),
        options: { weight: f64([1, 2], [2]) },
        code: 'loss/weight-size',
        message:
          'weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]',
        hint: /length 3/,
      },
      {
        name: 'ignore_index with probabilities',
        input: LOGITS,
        target: f64(new Array(12).fill(1 / 3), [4, 3]),
        options: { ignore_index: 0 },
        code: 'loss/ignore-index-probabilities',
        message: 'ignore_index is not supported for floating point target',
        hint: /ignore_index/,
      },
      {
        name: 'label smoothing above 1',
        input: LOGITS,
        target: i64([0, 1, 2, 0], [4]),
        options: { label_smoothing: 1.5 },
        code: 'loss/label-smoothing-range',
        message: 'label_smoothing must be between 0.0 and 1.0. Got: 1.5',
        hint: /0\.1/,
      },
      {
        name: 'integer logits',
        input: i64([1, 2, 3, 4], [2, 2]),
        target: i64([1, 0], [2]),
        code: 'loss/input-dtype',
        message: `"log_softmax_lastdim_kernel_impl" not implemented for 'Long'`,
        hint: /\.float\(\)/,
      },
    ];
    for (const row of table) {
      it(row.name, () => {
        const e = thrown(() => ce(row.input, row.target, row.options ?? {}));
        assert.equal(e.message, row.message);
        assert.equal(e.diagnostic.code, row.code);
        assert.equal(e.diagnostic.severity, 'error');
        assert.ok(e.diagnostic.explanation);
        assert.match(e.diagnostic.hint ?? '', row.hint);
        assert.ok(e.diagnostic.data && Object.keys(e.diagnostic.data).length > 0, 'data');
      });
    }
  });
});
