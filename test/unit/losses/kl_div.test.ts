import * as assert from 'node:assert/strict';
import { findLoss } from '../../../src/core/losses/index';
import { KL_MEAN_WARNING, klDiv } from '../../../src/core/losses/kl_div';
import type { LossOptions, LossResult } from '../../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import { assertClose } from '../fixtures';

const RTOL = 1e-6;
const f64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float64');

const Q = [0.2, 0.5, 0.3, 0.6, 0.3, 0.1];
const P = [0.1, 0.6, 0.3, 0.5, 0.25, 0.25];
const LOG_Q = f64(Q.map(Math.log), [2, 3]);
const TARGET = f64(P, [2, 3]);
const KL_ROWS = [0, 1].map((r) =>
  [0, 1, 2].reduce((s, c) => s + P[r * 3 + c]! * Math.log(P[r * 3 + c]! / Q[r * 3 + c]!), 0),
);

function kl(input: Tensor, target: Tensor, options: LossOptions = {}): LossResult {
  return klDiv.compute({ input, target }, options);
}

describe('kl_div', () => {
  it('is registered under its functional and module names', () => {
    assert.equal(findLoss('kl_div')?.name, klDiv.name); // the registry wraps each loss (versions.ts)
    assert.equal(findLoss('KLDivLoss')?.name, klDiv.name); // the registry wraps each loss (versions.ts)
  });

  const table: { reduction: string; value: number; denominator: number; label: string }[] = [
    {
      reduction: 'batchmean',
      value: (KL_ROWS[0]! + KL_ROWS[1]!) / 2,
      denominator: 2,
      label: 'batch size input.shape[0] = 2',
    },
    { reduction: 'sum', value: KL_ROWS[0]! + KL_ROWS[1]!, denominator: 1, label: '1' },
    {
      reduction: 'mean',
      value: (KL_ROWS[0]! + KL_ROWS[1]!) / 6,
      denominator: 6,
      label: 'N = 6 elements (batch × classes)',
    },
  ];
  for (const row of table) {
    it(`${row.reduction}: value, denominator and per-sample KL`, () => {
      const r = kl(LOG_Q, TARGET, { reduction: row.reduction });
      assertClose([r.output.data[0]!], [row.value], 'value', RTOL);
      assert.equal(r.reduction.denominator, row.denominator);
      assert.equal(r.reduction.denominatorLabel, row.label);
      assertClose(Array.from(r.perSample), KL_ROWS, 'per-sample KL', RTOL);
    });
  }

  it("emits PyTorch's own 'mean' warning plus what batchmean would give", () => {
    const r = kl(LOG_Q, TARGET);
    const w = r.warnings.find((d) => d.code === 'warn/kl-mean');
    assert.ok(w);
    assert.equal(w.message, KL_MEAN_WARNING);
    const info = r.warnings.find((d) => d.code === 'info/kl-batchmean-value');
    assertClose([info!.data!['batchmean'] as number], [(KL_ROWS[0]! + KL_ROWS[1]!) / 2], 'batchmean', RTOL);
    assert.equal(kl(LOG_Q, TARGET, { reduction: 'batchmean' }).warnings.length, 0);
  });

  it('splits each term into t·log t and −t·x, with log_target giving the same value', () => {
    const r = kl(LOG_Q, TARGET, { reduction: 'none' });
    const a = r.extras!['targetTerm']!.data;
    const b = r.extras!['crossTerm']!.data;
    for (let k = 0; k < 6; k++) assertClose([a[k]! + b[k]!], [r.perElement.data[k]!], `term ${k}`, RTOL);
    const logT = kl(LOG_Q, f64(P.map(Math.log), [2, 3]), { reduction: 'none', log_target: true });
    assertClose(Array.from(logT.perElement.data), Array.from(r.perElement.data), 'log_target', RTOL);
  });

  it('gives zero for zero targets and nan for negative ones (with a warning)', () => {
    const r = kl(f64([-1, -1, -1], [3]), f64([0, -0.5, 0.5], [3]), { reduction: 'none' });
    assert.equal(r.perElement.data[0], 0);
    assert.ok(Number.isNaN(r.perElement.data[1]!));
    assert.ok(r.warnings.some((w) => w.code === 'warn/kl-negative-target'));
  });

  it('warns when the input is probabilities instead of log-probabilities', () => {
    const r = kl(f64(Q, [2, 3]), TARGET, { reduction: 'batchmean' });
    assert.ok(r.warnings.some((w) => w.code === 'warn/kl-input-not-log-probs'));
    const unnormalised = kl(f64([-1, -1, -1, -2, -2, -2], [2, 3]), TARGET, { reduction: 'batchmean' });
    assert.ok(unnormalised.warnings.some((w) => w.code === 'warn/kl-input-not-log-probs'));
  });

  it('sums the gradient back over broadcast dimensions', () => {
    const r = kl(f64(Q.slice(0, 3).map(Math.log), [3]), TARGET, { reduction: 'sum' });
    assert.deepEqual(r.output.shape, []);
    assertClose(
      Array.from(r.gradient['input']!.data),
      [-(P[0]! + P[3]!), -(P[1]! + P[4]!), -(P[2]! + P[5]!)],
      'gradient',
      RTOL,
    );
  });
});
