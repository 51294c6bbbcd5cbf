import * as assert from 'node:assert/strict';
import type { LossInputs, LossResult, Reduction } from '../../src/core/losses/types';
import { findLoss } from '../../src/core/losses/index';
import {
  buildReport,
  decodeNumber,
  formatNumber,
  inputElementIndex,
  MAX_HEATMAP_CELLS,
  MAX_PAGE_SIZE,
  optionText,
  toCsv,
  toJson,
  toPytorchSnippet,
  type JsonNumber,
  type ReportRow,
} from '../../src/core/report/report';
import { float64, tensorFrom, type Tensor } from '../../src/core/tensor';

/**
 * A cross-entropy LossResult built by hand for [N, C] logits and class-index targets, with optional class weights
 * and ignore_index. Only what the report reads is filled; the arithmetic is plain softmax/log written out here.
 */
function handCrossEntropy(
  logits: number[][],
  targets: number[],
  opts: { weight?: number[]; ignoreIndex?: number; reduction?: Reduction; dtype?: 'float32' | 'float64' } = {},
): { result: LossResult; inputs: LossInputs } {
  const n = logits.length;
  const c = logits[0]!.length;
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const reduction = opts.reduction ?? 'mean';
  const probs: number[] = [];
  const logProbs: number[] = [];
  const perSample = new Float64Array(n);
  const targetProbability = new Float64Array(n);
  const predicted = new Int32Array(n);
  const sampleWeight = new Float64Array(n);
  const ignored = new Uint8Array(n);
  const grad: number[] = [];
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const row = logits[i]!;
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    const p = row.map((x) => Math.exp(x - lse));
    probs.push(...p);
    logProbs.push(...row.map((x) => x - lse));
    predicted[i] = row.indexOf(max);
    const t = targets[i]!;
    ignored[i] = t === ignoreIndex ? 1 : 0;
    const w = ignored[i] ? 0 : (opts.weight?.[t] ?? 1);
    sampleWeight[i] = w;
    weightSum += w;
    targetProbability[i] = ignored[i] ? NaN : p[t]!;
    perSample[i] = ignored[i] ? 0 : -w * (row[t]! - lse);
  }
  const numerator = perSample.reduce((s, v) => s + v, 0);
  const denominator = reduction === 'mean' ? weightSum : reduction === 'sum' ? 1 : NaN;
  const value = reduction === 'none' ? NaN : numerator / denominator;
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    for (let k = 0; k < c; k++) {
      const g = ignored[i] ? 0 : sampleWeight[i]! * (probs[i * c + k]! - (k === t ? 1 : 0));
      grad.push(reduction === 'mean' ? g / denominator : g);
    }
  }
  const inputs = {
    input: tensorFrom(logits.flat(), [n, c], opts.dtype ?? 'float32'),
    target: tensorFrom(targets, [n], 'int64'),
  };
  const output: Tensor = reduction === 'none' ? float64(Array.from(perSample), [n]) : float64([value], []);
  const result: LossResult = {
    fn: 'cross_entropy',
    value: reduction === 'none' ? Array.from(perSample) : value,
    output,
    perElement: float64(Array.from(perSample), [n]),
    perSample,
    reduction: {
      reduction,
      numerator,
      denominator,
      denominatorLabel: `Σ w[yᵢ] = ${weightSum}`,
      why: 'weighted mean',
    },
    classification: {
      classDim: 1,
      numClasses: c,
      probabilities: float64(probs, [n, c]),
      logProbabilities: float64(logProbs, [n, c]),
      targetClass: Int32Array.from(targets),
      targetProbability,
      predictedClass: predicted,
      sampleWeight,
      ignored,
    },
    gradient: { input: float64(grad, [n, c]) },
    warnings: [],
    options: {
      weight: opts.weight ? tensorFrom(opts.weight, [c], 'float32') : null,
      ignore_index: ignoreIndex,
      reduction,
      label_smoothing: 0,
    },
  };
  return { result, inputs };
}

const num = (v: JsonNumber | undefined): number => decodeNumber(v ?? 'nan');
const sum = (values: number[]): number => values.reduce((s, v) => s + v, 0);

describe('report', () => {
  describe('cross_entropy from the real loss', () => {
    const ce = findLoss('cross_entropy');
    (ce ? it : it.skip)('shows the one-hot example as PyTorch prints it: tensor(0.5514)', () => {
      const inputs = {
        input: tensorFrom([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], 'float32'),
        target: tensorFrom([0, 1, 2], [3], 'int64'),
      };
      const result = ce!.compute(inputs, {});
      const { report } = buildReport(result, { inputs, classNames: ['cat', 'dog', 'bird'] });
      // PyTorch 1.13: F.cross_entropy(torch.eye(3), torch.tensor([0, 1, 2])) → tensor(0.5514)
      assert.equal(report.valueText, '0.5514');
      assert.equal(formatNumber(report.value!, 4), '0.5514');
      assert.ok(Math.abs(num(report.value!) - 0.5514) < 5e-5);
      assert.equal(report.formula, 'ℓᵢ = −log softmax(xᵢ)[yᵢ]');
      assert.deepEqual(report.classNames, ['cat', 'dog', 'bird']);
    });
  });

  describe('hand-built cross_entropy with weights and an ignored sample', () => {
    const logits = [
      [2.0, 0.5, -1.0],
      [0.1, 1.2, 0.3],
      [-0.5, 0.2, 2.2],
      [1.0, 1.0, 1.0],
    ];
    const targets = [0, 1, 2, -100];
    const weight = [1.0, 2.0, 0.5];
    const { result, inputs } = handCrossEntropy(logits, targets, { weight });
    const model = buildReport(result, { id: 'r1', inputs, classNames: ['cat', 'dog', 'bird'] });
    const { report } = model;
    const rows = model.rows(0, 10);

    it('carries the value, the reduction spelled out and the formula', () => {
      assert.equal(report.id, 'r1');
      assert.equal(num(report.value!), result.output.data[0]);
      assert.equal(report.valueText, formatNumber(result.output.data[0]!));
      assert.equal(num(report.reduction.numerator), result.reduction.numerator);
      assert.equal(num(report.reduction.denominator!), 1.0 + 2.0 + 0.5);
      assert.match(report.reduction.expression, / \/ 3\.5000 = /);
      assert.equal(report.formula, 'ℓᵢ = −w[yᵢ]·log softmax(xᵢ)[yᵢ]');
      assert.equal(report.kind, 'classification');
      assert.equal(report.inputsLabel, 'logits');
    });

    it('has one row per sample with logits, probabilities, p(target), −log p, weight and shares', () => {
      assert.equal(rows.length, 4);
      for (const row of rows) {
        const i = row.index;
        assert.deepEqual(row.inputs, Array.from(inputs.input!.data.subarray(i * 3, i * 3 + 3)));
        assert.ok(Math.abs(sum(row.probabilities!.map(num)) - 1) < 1e-12);
        assert.equal(row.target, targets[i]);
        assert.equal(num(row.weight), result.classification!.sampleWeight[i]);
        assert.equal(num(row.loss), result.perSample[i]);
      }
      const [first] = rows;
      assert.ok(Math.abs(num(first!.negLogP) - -Math.log(num(first!.pTarget))) < 1e-12);
      assert.equal(rows[3]!.ignored, true);
      assert.ok(Number.isNaN(num(rows[3]!.pTarget)));
      // Shares sum to 1 and contributions sum to the reported value.
      assert.ok(Math.abs(sum(rows.map((r) => num(r.share))) - 1) < 1e-12);
      assert.ok(Math.abs(sum(rows.map((r) => num(r.contribution))) - num(report.value!)) < 1e-12);
      assert.equal(report.stats.ignoredCount, 1);
      assert.equal(report.stats.worstIndex, result.perSample.indexOf(Math.max(...result.perSample)));
    });

    it('lists class weights and each class contribution', () => {
      const classes = report.classes!;
      assert.deepEqual(classes.weights, [1, 2, 0.5]);
      assert.deepEqual(
        classes.rows.map((r) => [r.name, num(r.count), num(r.weightSum)]),
        [
          ['cat', 1, 1],
          ['dog', 1, 2],
          ['bird', 1, 0.5],
        ],
      );
      assert.ok(Math.abs(sum(classes.rows.map((r) => num(r.contribution))) - num(report.value!)) < 1e-12);
      assert.equal(num(classes.rows[1]!.lossSum), result.perSample[1]);
    });

    it('lays the gradient out as a [samples, classes] heat map', () => {
      const [g] = report.gradients;
      assert.equal(g!.name, 'input');
      assert.equal(g!.bySampleAndClass, true);
      assert.deepEqual([g!.rows, g!.cols], [4, 3]);
      assert.deepEqual(g!.values.map(num), Array.from(result.gradient.input!.data));
      assert.equal(g!.absMax, Math.max(...Array.from(result.gradient.input!.data, Math.abs)));
      assert.deepEqual(rows[0]!.gradient, Array.from(result.gradient.input!.data.subarray(0, 3)));
    });

    it('is JSON-safe: a JSON round trip changes nothing', () => {
      assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
      assert.deepEqual(JSON.parse(JSON.stringify(rows)), rows);
    });

    it('exports every row as JSON and CSV', () => {
      const json = JSON.parse(toJson(model)) as { rows: ReportRow[]; value: number; schema: string };
      assert.equal(json.schema, 'loss-lens/report@1');
      assert.equal(json.rows.length, 4);
      assert.equal(json.value, report.value);
      const lines = toCsv(model).trimEnd().split('\n');
      assert.equal(lines.length, 5);
      const header = lines[0]!.split(',');
      assert.deepEqual(header.slice(0, 6), [
        'index',
        'position',
        'target',
        'target_name',
        'predicted',
        'predicted_name',
      ]);
      assert.ok(header.includes('loss') && header.includes('logits') && header.includes('gradient'));
      const first = lines[1]!.split(',');
      assert.equal(first[header.indexOf('target_name')], 'cat');
      assert.equal(Number(first[header.indexOf('loss')]), result.perSample[0]);
    });
  });

  it('keeps NaN and ±inf through JSON as "nan", "inf", "-inf"', () => {
    const { result, inputs } = handCrossEntropy(
      [
        [0, 1],
        [1, 0],
      ],
      [0, 1],
    );
    const broken: LossResult = {
      ...result,
      perSample: Float64Array.from([Infinity, NaN]),
      output: float64([Infinity], []),
    };
    const { report, rows } = buildReport(broken, { inputs });
    assert.equal(report.value, 'inf');
    assert.equal(report.valueText, 'inf');
    const page = rows(0, 2);
    assert.equal(page[0]!.loss, 'inf');
    assert.equal(page[1]!.loss, 'nan');
    assert.deepEqual(JSON.parse(JSON.stringify({ report, page })), { report, page });
  });

  it('shows a tensor option as its first 57 characters, however large the tensor', () => {
    // Values k + 0.5 print as Python floats do ('0.5', '1.5', …); the expected text is written out here in full.
    const cases: Array<[number[], number[][] | number[]]> = [
      [[3], [0.5, 1.5, 2.5]],
      [[12], Array.from({ length: 12 }, (_, k) => k + 0.5)],
      [[32000], Array.from({ length: 32000 }, (_, k) => k + 0.5)],
      [
        [2, 3],
        [
          [0.5, 1.5, 2.5],
          [3.5, 4.5, 5.5],
        ],
      ],
      [[40, 3], Array.from({ length: 40 }, (_, r) => [3 * r + 0.5, 3 * r + 1.5, 3 * r + 2.5])],
    ];
    for (const [shape, nested] of cases) {
      const full = JSON.stringify(nested).replace(/,/g, ', ');
      const expected = `tensor(${full.length > 60 ? `${full.slice(0, 57)}...` : full})`;
      const t: Tensor = { dtype: 'float32', shape, data: Float32Array.from(nested.flat()) };
      assert.equal(optionText(t), expected, `shape [${shape.join(', ')}]`);
    }
  });

  it('pages rows, caps the page size and sorts on the host', () => {
    const n = 1234;
    const logits = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(2 * i)]);
    const targets = Array.from({ length: n }, (_, i) => i % 3);
    const { result, inputs } = handCrossEntropy(logits, targets);
    const model = buildReport(result, { inputs });
    assert.equal(model.report.sampleCount, n);
    assert.deepEqual(
      model.rows(100, 5).map((r) => r.index),
      [100, 101, 102, 103, 104],
    );
    assert.equal(model.rows(0, 10_000).length, MAX_PAGE_SIZE);
    assert.equal(model.rows(n - 2, 10).length, 2);
    assert.equal(model.rows(n + 5, 10).length, 0);
    const byLoss = [
      ...model.rows(0, MAX_PAGE_SIZE, { key: 'loss', descending: true }),
      ...model.rows(MAX_PAGE_SIZE, MAX_PAGE_SIZE, { key: 'loss', descending: true }),
    ];
    const losses = byLoss.map((r) => num(r.loss));
    for (let k = 1; k < losses.length; k++) assert.ok(losses[k - 1]! >= losses[k]!, `sorted at ${k}`);
    assert.equal(losses[0], Math.max(...result.perSample));
    const ascending = model.rows(0, 3, { key: 'pTarget', descending: false }).map((r) => num(r.pTarget));
    assert.equal(ascending[0], Math.min(...result.classification!.targetProbability));
  });

  it('downsamples a large gradient to a bounded heat map that keeps the largest |g|', () => {
    const n = 3000;
    const logits = Array.from({ length: n }, (_, i) => [i % 7, (i * 3) % 5, 1]);
    const targets = Array.from({ length: n }, (_, i) => i % 3);
    const { result, inputs } = handCrossEntropy(logits, targets, { reduction: 'sum' });
    const [g] = buildReport(result, { inputs }).report.gradients;
    assert.ok(g!.rows * g!.cols <= MAX_HEATMAP_CELLS);
    assert.ok(g!.rowStep > 1);
    const maxAbs = Math.max(...Array.from(result.gradient.input!.data, Math.abs));
    assert.equal(g!.absMax, maxAbs);
  });

  it('addresses samples of [N, C, d] inputs along the class axis', () => {
    // input [2, 3, 2]: sample s = (n, d) flattened; class c of sample s lives at (n*3 + c)*2 + d.
    assert.equal(inputElementIndex([2, 3, 2], 1, 4, 0, 0), 0);
    assert.equal(inputElementIndex([2, 3, 2], 1, 4, 1, 0), 1);
    assert.equal(inputElementIndex([2, 3, 2], 1, 4, 0, 2), 4);
    assert.equal(inputElementIndex([2, 3, 2], 1, 4, 3, 1), 9);
    // Elementwise [2, 3]: element k of sample s is s*3 + k.
    assert.equal(inputElementIndex([2, 3], -1, 2, 1, 2), 5);
  });

  it('describes an elementwise loss per sample, with per-label totals for BCE', () => {
    const x = [0.9, 0.2, 0.6, 0.35];
    const y = [1, 0, 1, 0];
    const terms = x.map((p, k) => -(y[k]! * Math.log(p) + (1 - y[k]!) * Math.log(1 - p)));
    const perSample = Float64Array.from([terms[0]! + terms[1]!, terms[2]! + terms[3]!]);
    const numerator = sum(terms);
    const inputs = { input: tensorFrom(x, [2, 2], 'float64'), target: tensorFrom(y, [2, 2], 'float64') };
    const result: LossResult = {
      fn: 'binary_cross_entropy',
      value: numerator / 4,
      output: float64([numerator / 4], []),
      perElement: float64(terms, [2, 2]),
      perSample,
      reduction: { reduction: 'mean', numerator, denominator: 4, denominatorLabel: 'N = 4 elements', why: 'mean' },
      gradient: { input: float64([1, 2, 3, 4], [2, 2]) },
      extras: { positiveTerm: float64([terms[0]!, 0, terms[2]!, 0], [2, 2]) },
      warnings: [
        { severity: 'warning', code: 'warn/x', message: 'careful', line: 1, column: 1, endLine: 1, endColumn: 1 },
      ],
      options: { weight: null, reduction: 'mean' },
    };
    const model = buildReport(result, { inputs, classNames: ['cat', 'dog'] });
    const { report } = model;
    assert.equal(report.kind, 'elementwise');
    assert.equal(report.inputsLabel, 'probabilities');
    const [row] = model.rows(1, 1);
    assert.deepEqual(row!.inputs, [0.6, 0.35]);
    assert.deepEqual(row!.targetValues, [1, 0]);
    assert.deepEqual(row!.elementLoss, [terms[2], terms[3]]);
    assert.deepEqual(row!.terms, { positiveTerm: [terms[2], 0] });
    assert.deepEqual(
      report.bce!.perLabel.map((l) => [l.name, num(l.total)]),
      [
        ['cat', terms[0]! + terms[2]!],
        ['dog', terms[1]! + terms[3]!],
      ],
    );
    assert.equal(report.bce!.positives.count, 2);
    assert.deepEqual(report.warnings, [{ severity: 'warning', code: 'warn/x', message: 'careful' }]);
    assert.equal(report.gradients[0]!.bySampleAndClass, false);
  });

  it("spells out reduction='none' without a denominator", () => {
    const { result, inputs } = handCrossEntropy(
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
      { reduction: 'none' },
    );
    const { report } = buildReport(result, { inputs });
    assert.equal(report.value, null);
    assert.equal(report.reduction.denominator, null);
    assert.match(report.valueText, /^\[/);
    assert.match(report.reduction.expression, /^Σ = /);
  });

  it('neutralises spreadsheet formulas and quotes commas in class names in the CSV', () => {
    const { result, inputs } = handCrossEntropy(
      [
        [1, 0],
        [0, 1],
      ],
      [0, 1],
    );
    const csv = toCsv(buildReport(result, { inputs, classNames: ['=HYPERLINK("x")', 'a,b'] }));
    const line = csv.split('\n')[1]!;
    assert.ok(line.includes(`"'=HYPERLINK(""x"")"`), line);
    assert.ok(csv.split('\n')[2]!.includes('"a,b"'));
  });

  describe('toPytorchSnippet', () => {
    it('writes a runnable call with dtypes, keyword options and gradients', () => {
      const inputs = {
        input: tensorFrom([0.1, -2, 3.5, 1e-7], [2, 2], 'float32'),
        target: tensorFrom([1, 0], [2], 'int64'),
      };
      const snippet = toPytorchSnippet(
        'cross_entropy',
        inputs,
        {
          weight: tensorFrom([1, 2], [2], 'float32'),
          size_average: null,
          ignore_index: -100,
          reduction: 'sum',
          label_smoothing: 0.05,
        },
        { order: ['input', 'target'] },
      );
      const lines = snippet.split('\n');
      assert.equal(lines[0], 'import torch');
      assert.ok(lines.includes('import torch.nn.functional as F'));
      // float32 values print as the shortest decimal that reads back identically, not as 0.10000000149011612.
      assert.ok(
        lines.includes('input = torch.tensor([[0.1, -2.], [3.5, 1e-7]], dtype=torch.float32, requires_grad=True)'),
        snippet,
      );
      assert.ok(lines.includes('target = torch.tensor([1, 0], dtype=torch.int64)'));
      assert.ok(lines.includes('weight = torch.tensor([1., 2.], dtype=torch.float32)'));
      assert.ok(
        lines.includes(
          "loss = F.cross_entropy(input, target, weight=weight, ignore_index=-100, reduction='sum', label_smoothing=0.05)",
        ),
        snippet,
      );
      assert.ok(lines.includes('print(loss)'));
      assert.ok(lines.includes('loss.backward()'));
      assert.ok(lines.includes("print('input.grad', input.grad)"));
    });

    it("sums before backward for reduction='none' and spells None, True, nan and strings the Python way", () => {
      const snippet = toPytorchSnippet(
        'kl_div',
        { input: tensorFrom([NaN, -Infinity], [2], 'float64'), target: tensorFrom([0.5, 0.5], [2], 'float64') },
        { reduction: 'none', log_target: true, weird: "it's" },
      );
      assert.ok(
        snippet.includes(
          "input = torch.tensor([float('nan'), -float('inf')], dtype=torch.float64, requires_grad=True)",
        ),
        snippet,
      );
      assert.ok(snippet.includes("log_target=True, weird='it\\'s'"), snippet);
      assert.ok(snippet.includes('loss.sum().backward()'));
    });
  });
});
