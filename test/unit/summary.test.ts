/**
 * Summary mode (`{ detail: 'summary' }`) and the summary model (src/core/report/summary.ts): on random inputs every value a
 * summary reports equals full mode's (rtol 1e-6), on torch's large-ish fixtures (scripts/fixtures/gen_large.py) the
 * value and per-sample losses match PyTorch, and the report's rows, computed on demand, match the full breakdown.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { buildReport, decodeNumber } from '../../src/core/report/report';
import { findLoss } from '../../src/core/losses/index';
import type { LossInputs, LossOptions, LossResult } from '../../src/core/losses/types';
import { runTensorFile } from '../../src/core/run';
import { readTensorFileFast } from '../../src/core/stream/reader';
import {
  argsort,
  buildSummaryReport,
  classAggregates,
  confusionMatrix,
  formatSummary,
  lossHistogram,
  summarize,
  summaryToJson,
  worstIndices,
} from '../../src/core/report/summary';
import { withoutSimd } from '../../src/core/losses/simd';
import { tensorFrom, type Tensor } from '../../src/core/tensor';
import { assertClose } from './fixtures';

function close(a: number, b: number, what: string, rtol = 1e-6, atol = 1e-9): void {
  if (Number.isNaN(b)) return assert.ok(Number.isNaN(a), `${what}: ${a} vs nan`);
  if (!Number.isFinite(b)) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${what}: ${a} vs ${b}`);
}

function both(fn: string, inputs: LossInputs, options: LossOptions): { full: LossResult; summary: LossResult } {
  const def = findLoss(fn)!;
  return { full: def.compute(inputs, options), summary: def.compute(inputs, options, { detail: 'summary' }) };
}

/** Everything a summary reports, full mode against summary mode. */
function assertSameResult(full: LossResult, summary: LossResult, inputs: LossInputs): void {
  assert.equal(summary.detail, 'summary');
  assert.deepEqual(summary.output.shape, full.output.shape);
  assertClose(summary.output.data, full.output.data, 'value', 1e-6, 1e-9);
  assertClose(summary.perSample, full.perSample, 'perSample', 1e-6, 1e-9);
  close(summary.reduction.numerator, full.reduction.numerator, 'numerator');
  assert.deepEqual({ ...summary.reduction, numerator: 0 }, { ...full.reduction, numerator: 0 });
  assert.deepEqual(
    summary.warnings.map((w) => w.code),
    full.warnings.map((w) => w.code),
  );
  assert.deepEqual(summary.options, full.options);
  const fc = full.classification;
  const sc = summary.classification;
  if (fc && fc.classDim >= 0) {
    assert.ok(sc);
    assert.deepEqual(Array.from(sc.targetClass), Array.from(fc.targetClass));
    assert.deepEqual(Array.from(sc.predictedClass), Array.from(fc.predictedClass));
    assertClose(sc.targetProbability, fc.targetProbability, 'p(target)', 1e-6, 1e-12);
    assertClose(sc.sampleWeight, fc.sampleWeight, 'weight', 0, 0);
    assert.equal(sc.probabilities.data.length, 0, 'no probabilities kept');
  }
  assert.deepEqual(Object.keys(summary.gradient), [], 'no gradient kept');
  // The aggregates from either mode agree. Summary mode's float32 SIMD kernel (src/core/losses/simd.ts) is within
  // ~2e-7 of full mode, not to the bit, so samples whose losses tie may list in another order: the worst losses agree.
  const a = summarize(full, inputs);
  const b = summarize(summary, inputs);
  assertClose(
    b.worst.map((w) => w.loss),
    a.worst.map((w) => w.loss),
    'worst losses',
    1e-6,
    1e-9,
  );
  // The bins span the losses' range, so losses 1e-16 apart (full mode) or equal (summary mode) bin differently: the
  // histograms hold the same samples between edges that agree.
  const total = (h: { counts: Int32Array }): number => h.counts.reduce((x, y) => x + y, 0);
  assert.equal(total(b.histogram), total(a.histogram));
  assert.equal(b.histogram.nonFinite, a.histogram.nonFinite);
  assert.equal(b.histogram.ignored, a.histogram.ignored);
  assertClose(b.histogram.edges, a.histogram.edges, 'histogram edges', 1e-6, 1e-9);
  assert.deepEqual(b.confusion && Array.from(b.confusion.counts), a.confusion && Array.from(a.confusion.counts));
  if (a.classes && b.classes) assertClose(b.classes.lossSum, a.classes.lossSum, 'class loss sums', 1e-6, 1e-9);
}

/** Random logits with some large magnitudes (the log-sum-exp must stay stable). */
const logits = (n: number, c: number, extra: readonly number[] = []): fc.Arbitrary<Tensor> =>
  fc
    .array(
      fc.oneof(
        { weight: 9, arbitrary: fc.double({ min: -8, max: 8, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(-1e4, 1e4, 0) },
      ),
      {
        minLength: n * c * extra.reduce((p, d) => p * d, 1),
        maxLength: n * c * extra.reduce((p, d) => p * d, 1),
      },
    )
    .map((v) => tensorFrom(v, [n, c, ...extra], 'float32'));

describe('summary mode equals full mode', () => {
  it('cross_entropy: class indices, weights, ignore_index, label smoothing, spatial dims, every reduction', () => {
    const shapes = fc.record({
      n: fc.integer({ min: 1, max: 6 }),
      c: fc.integer({ min: 2, max: 7 }),
      spatial: fc.constantFrom([], [3], [2, 2]),
    });
    fc.assert(
      fc.property(
        shapes.chain(({ n, c, spatial }) =>
          fc.record({
            input: logits(n, c, spatial),
            target: fc
              .array(
                fc.oneof(
                  { weight: 5, arbitrary: fc.integer({ min: 0, max: c - 1 }) },
                  { weight: 1, arbitrary: fc.constant(-100) },
                ),
                {
                  minLength: n * spatial.reduce((p, d) => p * d, 1),
                  maxLength: n * spatial.reduce((p, d) => p * d, 1),
                },
              )
              .map((v) => tensorFrom(v, [n, ...spatial], 'int64')),
            weight: fc.option(
              fc
                .array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: c, maxLength: c })
                .map((w) => tensorFrom(w, [c], 'float32')),
            ),
            reduction: fc.constantFrom('mean', 'sum', 'none'),
            smoothing: fc.constantFrom(0, 0, 0.1, 0.3),
          }),
        ),
        ({ input, target, weight, reduction, smoothing }) => {
          const inputs = { input, target };
          const options = { reduction, label_smoothing: smoothing, ...(weight ? { weight } : {}) };
          const { full, summary } = both('cross_entropy', inputs, options);
          assertSameResult(full, summary, inputs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cross_entropy: the same numbers (rtol 1e-6), predictions and warnings on rows with nan, ±inf, ties and softmax output, any target kind', () => {
    // Summary mode scans a row differently (one comparison per element, the first nan only when the sum is nan, the
    // softmax check only below 1.001), so the rows that exercise each shortcut are drawn on purpose.
    const rows = [
      [1.00005, 0, 0],
      [0.2, 0.3, 0.5],
      [Number.NaN, 1, 2],
      [5, Number.NaN, 5],
      [-Infinity, -Infinity, -Infinity],
      [Infinity, 1, 0],
      [2, 7, 7],
    ];
    // Every row is softmax output but the last two: the warning must not come, in either mode.
    for (const picked of [rows, rows.slice(0, 2)]) {
      const input = tensorFrom(picked.flat(), [picked.length, 3], 'float32');
      const target = tensorFrom(
        picked.map((_, i) => i % 3),
        [picked.length],
        'int64',
      );
      const { full, summary } = both('cross_entropy', { input, target }, {});
      assertClose(summary.perSample, full.perSample, 'perSample', 1e-6, 1e-12);
      assert.deepEqual(
        Array.from(summary.classification!.predictedClass),
        Array.from(full.classification!.predictedClass),
      );
      assert.deepEqual(
        summary.warnings.map((w) => w.code),
        full.warnings.map((w) => w.code),
      );
    }
    assert.ok(
      both(
        'cross_entropy',
        { input: tensorFrom(rows.slice(0, 2).flat(), [2, 3], 'float32'), target: tensorFrom([0, 1], [2], 'int64') },
        {},
      ).summary.warnings.some((w) => w.code === 'warn/softmax-before-ce'),
    );
    const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, 1, 0.5, 0.25, 1.00005, -0);
    const value = fc.oneof(
      { weight: 3, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
      { weight: 2, arbitrary: special },
    );
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 1, max: 5 }),
            c: fc.integer({ min: 1, max: 6 }),
            spatial: fc.constantFrom([], [3]),
          })
          .chain(({ n, c, spatial }) => {
            const positions = n * spatial.reduce((p, d) => p * d, 1);
            return fc.record({
              input: fc.oneof(
                fc.array(value, { minLength: positions * c, maxLength: positions * c }),
                // Softmax output: every row ≥ 0 summing to 1 (within the check's 1e-4 or not).
                fc
                  .array(fc.double({ min: 0, max: 1, noNaN: true }), {
                    minLength: positions * c,
                    maxLength: positions * c,
                  })
                  .map((v) => {
                    for (let i = 0; i < positions; i++) {
                      let sum = 0;
                      for (let k = 0; k < c; k++) sum += v[i * c + k]!;
                      for (let k = 0; k < c; k++) v[i * c + k] = sum > 0 ? v[i * c + k]! / sum : 1 / c;
                    }
                    return v;
                  }),
              ),
              indices: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: positions, maxLength: positions }),
              probabilities: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
                minLength: positions * c,
                maxLength: positions * c,
              }),
              useProbabilities: fc.boolean(),
              smoothing: fc.constantFrom(0, 0.2),
              n: fc.constant(n),
              c: fc.constant(c),
              spatial: fc.constant(spatial),
            });
          }),
        ({ input, indices, probabilities, useProbabilities, smoothing, n, c, spatial }) => {
          // A [N, C] input's rows are samples; with spatial dims the values are laid out [N, C, d].
          const x = tensorFrom(input, [n, c, ...spatial], 'float32');
          const target = useProbabilities
            ? tensorFrom(probabilities, [n, c, ...spatial], 'float32')
            : tensorFrom(indices, [n, ...spatial], 'int64');
          const inputs = { input: x, target };
          const { full, summary } = both('cross_entropy', inputs, { label_smoothing: smoothing });
          assertClose(summary.perSample, full.perSample, 'perSample', 1e-6, 1e-12);
          assertClose(summary.output.data, full.output.data, 'value', 1e-6, 1e-12);
          assert.deepEqual(
            Array.from(summary.classification!.predictedClass),
            Array.from(full.classification!.predictedClass),
          );
          assertClose(
            summary.classification!.targetProbability,
            full.classification!.targetProbability,
            'p(target)',
            1e-6,
            1e-12,
          );
          assert.deepEqual(
            Array.from(summary.classification!.sampleWeight),
            Array.from(full.classification!.sampleWeight),
          );
          assert.deepEqual(
            summary.warnings.map((w) => w.code),
            full.warnings.map((w) => w.code),
          );
          assert.equal(summary.classification!.probabilities.data.length, 0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('cross_entropy without WebAssembly SIMD: [N, C] rows with index or probability targets, weights, smoothing', () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 9 }) }).chain(({ n, c }) =>
          fc.record({
            input: logits(n, c),
            indices: fc
              .array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n })
              .map((v) => tensorFrom(v, [n], 'int64')),
            probabilities: fc
              .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n * c, maxLength: n * c })
              .map((v) => tensorFrom(v, [n, c], 'float32')),
            useProbabilities: fc.boolean(),
            weight: fc.option(
              fc
                .array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: c, maxLength: c })
                .map((w) => tensorFrom(w, [c], 'float32')),
            ),
            smoothing: fc.constantFrom(0, 0.15),
          }),
        ),
        ({ input, indices, probabilities, useProbabilities, weight, smoothing }) => {
          const inputs = { input, target: useProbabilities ? probabilities : indices };
          const options = { label_smoothing: smoothing, ...(weight ? { weight } : {}) };
          const { full, summary } = withoutSimd(() => both('cross_entropy', inputs, options));
          assertSameResult(full, summary, inputs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('nll_loss', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.record({
            input: logits(n, 5),
            target: fc
              .array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n })
              .map((v) => tensorFrom(v, [n], 'int64')),
            reduction: fc.constantFrom('mean', 'sum', 'none'),
          }),
        ),
        ({ input, target, reduction }) => {
          const { full, summary } = both('nll_loss', { input, target }, { reduction });
          assertSameResult(full, summary, { input, target });
        },
      ),
      { numRuns: 200 },
    );
  });

  for (const fn of ['binary_cross_entropy_with_logits', 'binary_cross_entropy', 'mse_loss']) {
    it(fn, () => {
      fc.assert(
        fc.property(
          fc.constantFrom([7], [3, 4], [2, 3, 5]).chain((shape) => {
            const n = shape.reduce((p, d) => p * d, 1);
            const values = (min: number, max: number): fc.Arbitrary<Tensor> =>
              fc
                .array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n })
                .map((v) => tensorFrom(v, shape, 'float32'));
            return fc.record({
              input: fn === 'binary_cross_entropy' ? values(0, 1) : values(-6, 6),
              target:
                fn === 'mse_loss'
                  ? values(-3, 3)
                  : fc
                      .array(fc.constantFrom(0, 1, 0.25), { minLength: n, maxLength: n })
                      .map((v) => tensorFrom(v, shape, 'float32')),
              posWeight: fc.option(
                fc
                  .double({ min: 0.5, max: 4, noNaN: true })
                  .map((p) =>
                    tensorFrom(Array(shape[shape.length - 1]).fill(p), [shape[shape.length - 1]!], 'float32'),
                  ),
              ),
              reduction: fc.constantFrom('mean', 'sum', 'none'),
            });
          }),
          ({ input, target, posWeight, reduction }) => {
            const options: LossOptions = {
              reduction,
              ...(posWeight && fn === 'binary_cross_entropy_with_logits' ? { pos_weight: posWeight } : {}),
            };
            const { full, summary } = both(fn, { input, target }, options);
            assertSameResult(full, summary, { input, target });
            if (fn !== 'mse_loss') {
              const s = summarize(summary, { input, target });
              close(s.positives!.lossSum + s.negatives!.lossSum, full.reduction.numerator, 'positive + negative');
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

describe('summary mode on segmentation maps: the class-plane SIMD kernel and the JavaScript loops', () => {
  // A [N, C, d…] map with class indices goes through the class-plane kernel (four adjacent positions per vector; the
  // last vector of a block is padded when d₁·…·d_k is not a multiple of 4); without WebAssembly SIMD, through the
  // JavaScript loops. Both must give full mode's numbers, predictions and warnings.
  const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, 1, 0.5, 1e4, -1e4, -0);
  const value = fc.oneof(
    { weight: 12, arbitrary: fc.double({ min: -9, max: 9, noNaN: true }) },
    { weight: 1, arbitrary: special },
  );
  const cases = fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 23 }),
      spatial: fc.constantFrom<number[]>([5], [3, 3], [7, 5], [1, 13], [4, 4], [2, 1, 3]),
      // ignore_index outside the classes, or naming one (whose positions the kernel computes, then count 0)
      ignore: fc.constantFrom(-7, -7, 0),
    })
    .chain(({ n, c, spatial, ignore }) => {
      const positions = n * spatial.reduce((p, d) => p * d, 1);
      return fc.record({
        input: fc
          .array(value, { minLength: positions * c, maxLength: positions * c })
          .map((v) => tensorFrom(v, [n, c, ...spatial], 'float32')),
        target: fc
          .array(
            fc.oneof(
              { weight: 6, arbitrary: fc.integer({ min: 0, max: c - 1 }) },
              { weight: 1, arbitrary: fc.constant(ignore) },
            ),
            { minLength: positions, maxLength: positions },
          )
          .map((v) => tensorFrom(v, [n, ...spatial], 'int64')),
        ignore: fc.constant(ignore),
        weight: fc.option(
          fc
            .array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: c, maxLength: c })
            .map((w) => tensorFrom(w, [c], 'float32')),
        ),
        reduction: fc.constantFrom('mean', 'sum', 'none'),
        smoothing: fc.constantFrom(0, 0, 0.2),
      });
    });

  for (const [label, run] of [
    ['with the SIMD kernel', <T>(f: () => T): T => f()],
    ['without WebAssembly SIMD', withoutSimd],
  ] as const) {
    it(`${label}: odd shapes, ignore_index, weights, nan and ±inf logits, label smoothing, every reduction`, () => {
      fc.assert(
        fc.property(cases, ({ input, target, weight, reduction, smoothing, ignore }) => {
          const inputs = { input, target };
          const options = {
            reduction,
            ignore_index: ignore,
            label_smoothing: smoothing,
            ...(weight ? { weight } : {}),
          };
          const { full, summary } = run(() => both('cross_entropy', inputs, options));
          assertSameResult(full, summary, inputs);
        }),
        { numRuns: 250 },
      );
    });

    it(`${label}: a map of several blocks per image, softmax output detected, ties to the first class`, () => {
      // 3 classes: blocks of 10,920 positions, so a 105 × 105 image (11,025 positions, not a multiple of 4) takes two.
      let seed = 11;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const [N, C, H, W] = [2, 3, 105, 105];
      const S = H * W;
      const logits = Array.from({ length: N * C * S }, () => Math.round((random() - 0.5) * 16) / 2);
      logits[(1 * C + 2) * S + S - 1] = NaN;
      logits[(0 * C + 1) * S + 10999] = Infinity;
      const targets = Array.from({ length: N * S }, (_, i) => (i % 97 === 0 ? -100 : Math.floor(random() * C)));
      const inputs = {
        input: tensorFrom(logits, [N, C, H, W], 'float32'),
        target: tensorFrom(targets, [N, H, W], 'int64'),
      };
      const { full, summary } = run(() => both('cross_entropy', inputs, { label_smoothing: 0.1 }));
      assertSameResult(full, summary, inputs);
      // Softmax output instead of logits: the warning comes in either mode.
      const probabilities = Array.from({ length: N * C * S }, () => 0);
      for (let i = 0; i < N * S; i++) {
        const n = Math.floor(i / S);
        const s = i % S;
        const a = random();
        const b = random() * (1 - a);
        [a, b, 1 - a - b].forEach((p, c) => (probabilities[(n * C + c) * S + s] = p));
      }
      const soft = { input: tensorFrom(probabilities, [N, C, H, W], 'float32'), target: inputs.target };
      const both2 = run(() => both('cross_entropy', soft, {}));
      assertSameResult(both2.full, both2.summary, soft);
      assert.ok(both2.summary.warnings.some((w) => w.code === 'warn/softmax-before-ce'));
    });
  }
});

describe('summary mode against PyTorch (test/fixtures/large)', () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'large');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<
    string,
    { value: number | null; perSample: number[] }
  >;
  // "torch" lists the oracles that labelled the file alike (1.13 and 2.14): the default 2.x and 1.13 both apply.
  for (const [name, want] of Object.entries(expected).filter(([key]) => key !== 'torch')) {
    it(name, () => {
      const file = readTensorFileFast(fs.readFileSync(path.join(dir, name)));
      const outcome = runTensorFile(file, {}, { detail: 'summary' });
      const result = outcome.results[0];
      assert.ok(result, outcome.diagnostics.map((d) => d.message).join('; '));
      assert.equal(result.detail, 'summary');
      if (want.value !== null) close(result.output.data[0]!, want.value, 'value', 1e-5, 1e-6);
      assertClose(result.perSample, want.perSample, 'perSample', 1e-5, 1e-5);
      const full = runTensorFile(file).results[0]!;
      assertSameResult(full, result, file.inputs);
    });
  }
});

describe('summary report', () => {
  const input = tensorFrom(
    Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i) * 4),
    [6, 5],
    'float32',
  );
  const target = tensorFrom([0, 4, 2, -100, 1, 3], [6], 'int64');
  const inputs = { input, target };
  const def = findLoss('cross_entropy')!;
  const full = def.compute(inputs, {});
  const summary = summarize(def.compute(inputs, {}, { detail: 'summary' }), inputs);

  it("computes a row's probabilities when its page is asked for, equal to the full breakdown", () => {
    const model = buildSummaryReport(summary, { inputs, id: 'r' });
    const fullModel = buildReport(full, { inputs, id: 'r' });
    const rows = model.rows(0, 6);
    const fullRows = fullModel.rows(0, 6);
    for (let i = 0; i < 6; i++) {
      assertClose(
        rows[i]!.probabilities!.map(decodeNumber),
        fullRows[i]!.probabilities!.map(decodeNumber),
        `p[${i}]`,
        1e-6,
        1e-9,
      );
      assert.equal(rows[i]!.target, fullRows[i]!.target);
      assert.equal(rows[i]!.predicted, fullRows[i]!.predicted);
      close(decodeNumber(rows[i]!.loss), decodeNumber(fullRows[i]!.loss), `loss[${i}]`);
      if (!rows[i]!.ignored)
        close(decodeNumber(rows[i]!.negLogP!), decodeNumber(fullRows[i]!.negLogP!), `-log p[${i}]`, 1e-6, 1e-7);
    }
    assert.deepEqual(
      model.rows(0, 6, { key: 'loss', descending: true }).map((r) => r.index),
      fullModel.rows(0, 6, { key: 'loss', descending: true }).map((r) => r.index),
    );
    close(decodeNumber(model.report.value!), decodeNumber(fullModel.report.value!), 'value');
    assert.equal(model.report.valueText, fullModel.report.valueText);
    // Summary mode's float32 kernel is within ~2e-7 of full mode: the statistics agree to that tolerance.
    const { max, mean, ...rest } = model.report.stats;
    const { max: fullMax, mean: fullMean, ...fullRest } = fullModel.report.stats;
    assert.deepEqual(rest, fullRest);
    close(decodeNumber(max!), decodeNumber(fullMax!), 'max');
    close(decodeNumber(mean!), decodeNumber(fullMean!), 'mean');
    assert.ok(model.report.large);
    assert.equal(model.report.large.worst[0]!.index, fullModel.report.stats.worstIndex);
  });

  it('lists the worst samples, a histogram of every non-ignored sample, the confusion matrix and class aggregates', () => {
    assert.equal(summary.worst.length, 6);
    for (let k = 1; k < summary.worst.length; k++) assert.ok(summary.worst[k - 1]!.loss >= summary.worst[k]!.loss);
    assert.equal(
      Array.from(summary.histogram.counts).reduce((a, b) => a + b, 0),
      5,
    );
    assert.equal(summary.histogram.ignored, 1);
    const confusion = summary.confusion!;
    assert.equal(
      Array.from(confusion.counts).reduce((a, b) => a + b, 0),
      5,
    );
    assert.equal(confusion.samples, 5);
    const agg = summary.classes!;
    assert.deepEqual(Array.from(agg.count), [1, 1, 1, 1, 1]);
    const text = formatSummary(summary);
    assert.match(text, /worst 6 samples/);
    assert.match(text, /value: \d\.\d{4}/);
    assert.equal(JSON.parse(JSON.stringify(summaryToJson(summary))).worst.length, 6);
  });

  it('folds classes beyond the most frequent into "other" in the confusion matrix', () => {
    const n = 200;
    const C = 100;
    const big = tensorFrom(
      Array.from({ length: n * C }, (_, i) => Math.cos(i * 0.37) * 3),
      [n, C],
      'float32',
    );
    const labels = tensorFrom(
      Array.from({ length: n }, (_, i) => (i * 7) % C),
      [n],
      'int64',
    );
    const s = summarize(findLoss('cross_entropy')!.compute({ input: big, target: labels }, {}, { detail: 'summary' }), {
      input: big,
      target: labels,
    });
    assert.equal(s.confusion!.classes.length, 24);
    assert.equal(s.confusion!.classes[23], -1);
    assert.equal(
      Array.from(s.confusion!.counts).reduce((a, b) => a + b, 0),
      n,
    );
  });
});

/** The order argsort defines, by a comparator: by value, ties by index, NaN last in both directions. */
function referenceOrder(values: Float64Array, descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  return Array.from(values, (_, i) => i).sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    if (Number.isNaN(va) || Number.isNaN(vb))
      return Number.isNaN(va) === Number.isNaN(vb) ? a - b : Number.isNaN(va) ? 1 : -1;
    return va === vb ? a - b : va < vb ? -sign : sign;
  });
}

/** A seeded generator (mulberry32), so the large cases are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Doubles that share their high word (sign, exponent, top 20 mantissa bits) and differ in the low word only. */
function sameHighWord(count: number, high: number, random: () => number): Float64Array {
  const values = new Float64Array(count);
  const words = new Uint32Array(values.buffer);
  for (let i = 0; i < count; i++) {
    words[2 * i] = Math.floor(random() * 4294967296);
    words[2 * i + 1] = high;
  }
  return values;
}

describe('worst samples and histogram against plain references', () => {
  const losses = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: 0, max: 5, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, 2.5) },
    ),
    { maxLength: 200 },
  );
  it('worstIndices: the k worst (nan first, then largest; ties by index), skipped samples left out', () => {
    fc.assert(
      fc.property(losses, fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 4 }), (values, k, every) => {
        const skip = every > 0 ? Uint8Array.from(values, (_, i) => (i % every === 0 ? 1 : 0)) : undefined;
        const rank = (v: number): number => (Number.isNaN(v) ? Infinity : v);
        const want = values
          .map((v, i) => ({ v, i }))
          .filter(({ i }) => !skip?.[i])
          .sort((a, b) => {
            const [x, y] = [rank(a.v), rank(b.v)];
            if (Number.isNaN(a.v) !== Number.isNaN(b.v)) return Number.isNaN(a.v) ? -1 : 1;
            return x === y ? a.i - b.i : y - x;
          })
          .slice(0, k)
          .map(({ i }) => i);
        assert.deepEqual(worstIndices(Float64Array.from(values), k, skip), want);
      }),
      { numRuns: 400 },
    );
  });

  it("summarize's one-pass class tables equal confusionMatrix and classAggregates, predictions outside the classes too", () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 40 }), c: fc.integer({ min: 1, max: 30 }) }).chain(({ n, c }) =>
          fc.record({
            input: logits(n, c),
            target: fc
              .array(fc.oneof(fc.integer({ min: 0, max: c - 1 }), fc.constant(-100)), { minLength: n, maxLength: n })
              .map((v) => tensorFrom(v, [n], 'int64')),
            predicted: fc.array(fc.integer({ min: -2, max: c + 1 }), { minLength: n, maxLength: n }),
            weight: fc.option(
              fc
                .array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: c, maxLength: c })
                .map((w) => tensorFrom(w, [c], 'float32')),
            ),
          }),
        ),
        ({ input, target, predicted, weight }) => {
          const inputs = { input, target };
          const result = findLoss('cross_entropy')!.compute(inputs, weight ? { weight } : {}, { detail: 'summary' });
          // Predictions as another model might give them, some outside the classes.
          result.classification!.predictedClass.set(predicted);
          const s = summarize(result, inputs);
          if (!s.confusion) return assert.ok(Array.from(target.data).every((t) => t < 0));
          assert.deepEqual(s.confusion, confusionMatrix(s.classification!));
          assert.deepEqual(s.classes, classAggregates(s.classification!, result.perSample, weight?.data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lossHistogram: every finite, non-ignored loss in the bin its value falls in', () => {
    fc.assert(
      fc.property(losses, fc.integer({ min: 1, max: 40 }), (values, bins) => {
        const ignored = Uint8Array.from(values, (_, i) => (i % 5 === 4 ? 1 : 0));
        const h = lossHistogram(Float64Array.from(values), bins, ignored);
        const kept = values.filter((v, i) => !ignored[i] && Number.isFinite(v));
        assert.equal(
          h.ignored,
          ignored.reduce((a, b) => a + b, 0),
        );
        assert.equal(h.nonFinite, values.length - h.ignored - kept.length);
        if (kept.length === 0) return assert.equal(h.counts.length, 0);
        const [min, max] = [Math.min(...kept), Math.max(...kept)];
        const width = (max - min) / bins;
        const want = new Array<number>(bins).fill(0);
        for (const v of kept) want[width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0]!++;
        assert.deepEqual(Array.from(h.counts), want);
      }),
      { numRuns: 400 },
    );
  });
});

describe('argsort (the row order of a large summary)', () => {
  it('orders like the comparator sort: ties by index, nan last, −0 equal to 0, both directions', () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, 1, -1, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1e308),
      fc.integer({ min: -3, max: 3 }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), fc.boolean(), (list, descending) => {
        const values = Float64Array.from(list);
        assert.deepEqual(Array.from(argsort(values, descending)), referenceOrder(values, descending));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders large inputs like the comparator sort: every radix pass, skipped digits, long runs of equal high words', () => {
    const random = seeded(9);
    // Large enough for every digit of every pass and for runs far beyond insertion's reach; small enough that the
    // comparator reference stays cheap on a busy machine.
    const n = 20_000;
    const cases: Record<string, Float64Array> = {
      'random doubles of every sign and scale': Float64Array.from(
        { length: n },
        () => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
      ),
      // float32 losses widened to doubles: the low word's lower digits are all zero, so their passes are skipped.
      'float32 values': Float64Array.from(new Float32Array(Array.from({ length: n }, () => random() * 8))),
      'few distinct values, −0, ±inf and NaN': Float64Array.from(
        { length: n },
        () => [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 2 ** -1074][Math.floor(random() * 9)]!,
      ),
      // Runs far longer than insertion handles, ordered by the low word's own radix passes.
      'long runs of equal high words': Float64Array.from(
        [...sameHighWord(n / 2, 0x3ff80000, random), ...sameHighWord(n / 2, 0xbff80000, random)].map((v, i) =>
          i % 97 === 0 ? NaN : v,
        ),
      ),
      'all equal': new Float64Array(n).fill(0.25),
    };
    for (const [name, values] of Object.entries(cases)) {
      for (const descending of [false, true]) {
        const order = argsort(values, descending);
        const expected = referenceOrder(values, descending);
        assert.equal(order.length, expected.length);
        const first = expected.findIndex((i, k) => order[k] !== i);
        assert.equal(first, -1, `${name}, ${descending ? 'descending' : 'ascending'}: differs at position ${first}`);
      }
    }
  });

  it('sorts 2²⁰ samples in order, ties by index (speed: npm run bench:micro)', () => {
    const values = Float64Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
    const order = argsort(values, true);
    const seen = new Uint8Array(values.length);
    for (const i of order) seen[i] = 1;
    assert.equal(seen.indexOf(0), -1, 'every index once');
    let misplaced = -1;
    for (let k = 1; k < order.length && misplaced < 0; k++) {
      const previous = values[order[k - 1]!]!;
      const current = values[order[k]!]!;
      if (!(previous > current || (previous === current && order[k - 1]! < order[k]!))) misplaced = k;
    }
    assert.equal(misplaced, -1, `out of order at position ${misplaced}`);
  });
});
