import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import { nllLoss } from '../../../src/core/losses/nll_loss';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');
const i64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'int64');

/** log_softmax of three rows. */
const LOG_PROBS = f64(
  [
    Math.log(0.7),
    Math.log(0.2),
    Math.log(0.1),
    Math.log(0.1),
    Math.log(0.6),
    Math.log(0.3),
    Math.log(0.25),
    Math.log(0.25),
    Math.log(0.5),
  ],
  [3, 3],
);

function nll(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return nllLoss.compute({ input, target }, options);
}

describe('nll_loss', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('nll_loss')?.name, nllLoss.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('NLLLoss')?.name, nllLoss.name); // the registry wraps each loss (versions.ts)
  });

  const table: { name: string; target: number[]; options: LossOptions; value: number; denominator: number }[] = [
    {
      name: 'mean',
      target: [0, 1, 2],
      options: {},
      value: -(Math.log(0.7) + Math.log(0.6) + Math.log(0.5)) / 3,
      denominator: 3,
    },
    {
      name: 'sum',
      target: [0, 1, 2],
      options: { reduction: 'sum' },
      value: -(Math.log(0.7) + Math.log(0.6) + Math.log(0.5)),
      denominator: 1,
    },
    {
      name: 'weighted mean',
      target: [0, 1, 2],
      options: { weight: f64([1, 2, 4], [3]) },
      value: -(Math.log(0.7) + 2 * Math.log(0.6) + 4 * Math.log(0.5)) / 7,
      denominator: 7,
    },
    {
      name: 'ignore_index',
      target: [0, 1, 1],
      options: { ignore_index: 1 },
      value: -Math.log(0.7),
      denominator: 1,
    },
  ];
  for (const row of table) {
    it(`${row.name}: value and denominator`, () => {
      const r = nll(LOG_PROBS, i64(row.target, [3]), row.options);
      assertClose([r.output.data[0]!], [row.value], 'value', RTOL);
      assert.equal(r.reduction.denominator, row.denominator);
    });
  }

  it('picks −w[y]·input[y] and puts the gradient only there', () => {
    const r = nll(LOG_PROBS, i64([0, 1, 2], [3]), { reduction: 'none', weight: f64([1, 2, 4], [3]) });
    assertClose(Array.from(r.perElement.data), [-Math.log(0.7), -2 * Math.log(0.6), -4 * Math.log(0.5)], 'none', RTOL);
    assert.deepEqual(Array.from(r.gradient['input']!.data), [-1, 0, 0, 0, -2, 0, 0, 0, -4]);
    const c = r.classification!;
    assertClose(Array.from(c.probabilities.data.slice(0, 3)), [0.7, 0.2, 0.1], 'exp(input)', RTOL);
    assertClose([c.targetProbability[1]!], [0.6], 'p(target)', RTOL);
    assert.deepEqual([...c.predictedClass], [0, 1, 2]);
    assert.deepEqual([...c.sampleWeight], [1, 2, 4]);
  });

  it('warns when the input is not log-probabilities', () => {
    const logits = f64([2, 0.5, -1, 0.1, 1.2, 0.3], [2, 3]);
    const r = nll(logits, i64([0, 1], [2]));
    assert.ok(r.warnings.some((w) => w.code === 'warn/nll-input-not-log-probs'));
    assert.deepEqual(
      nll(LOG_PROBS, i64([0, 1, 2], [3])).warnings.map((w) => w.code),
      [],
    );
  });

  it('returns nan for every target ignored, with zero gradient and a warning', () => {
    const r = nll(LOG_PROBS, i64([-100, -100, -100], [3]));
    assert.ok(Number.isNaN(r.output.data[0]!));
    assert.ok(Array.from(r.gradient['input']!.data).every((g) => g === 0));
    assert.ok(r.warnings.some((w) => w.code === 'warn/all-ignored'));
  });

  it('rejects a one-hot target with the multi-target text and suggests argmax', () => {
    try {
      nll(LOG_PROBS, i64([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]));
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof LossLensError);
      assert.equal(e.message, '0D or 1D target tensor expected, multi-target not supported');
      assert.equal(e.diagnostic.code, 'loss/multi-target');
      assert.match(e.diagnostic.hint ?? '', /argmax\(dim=1\)/);
    }
  });
});
