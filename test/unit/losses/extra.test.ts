/**
 * The losses beyond torch.nn, beyond the torch fixtures: registry names and aliases, the notices they add, texts that
 * only rare inputs produce (and their Chinese), the PyTorch snippet the export writes, and weights from counts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError, type Diagnostic } from '../../../src/core/diagnostics';
import { localizeDiagnostic } from '../../../src/core/i18n/index';
import { EXTRA_PYTHON } from '../../../src/core/losses/extra/python';
import { findLoss, LOSSES } from '../../../src/core/losses/index';
import type { LossInputs, LossOptions } from '../../../src/core/losses/types';
import { toPytorchSnippet } from '../../../src/core/report/report';
import { runTensorFile } from '../../../src/core/run';
import { readTensorFile } from '../../../src/core/json/tensorFile';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';
import {
  classCountsFromTargets,
  classWeightsFromCounts,
  classWeightsFromTargets,
  posWeightFromCounts,
  posWeightFromTargets,
} from '../../../src/core/weights';
import { translationProblems } from '../i18n/checks';

const f32 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float32');
const i64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'int64');
const X = f32([1, 8, 1, 1, 1, 8], [2, 3]);
const Y = i64([1, 2], [2]);

function compute(
  fn: string,
  inputs: LossInputs,
  options: LossOptions = {},
): ReturnType<NonNullable<ReturnType<typeof findLoss>>['compute']> {
  return findLoss(fn)!.compute(inputs, options);
}

function thrown(fn: () => unknown): Diagnostic {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LossLensError, String(e));
    return e.diagnostic;
  }
  throw new Error('expected a LossLensError');
}

/** Every text a person reads is Chinese in zh-cn, with numbers and code carried over. */
function assertChinese(d: Diagnostic): void {
  const zh = localizeDiagnostic(d, 'zh-cn');
  for (const [en, translated] of [
    [d.explanation, zh.explanation],
    [d.hint, zh.hint],
  ] as const) {
    if (en === undefined) continue;
    assert.deepEqual(translationProblems(en, translated ?? ''), [], `${d.code}: ${en}\n → ${translated}`);
  }
}

describe('losses beyond torch.nn', () => {
  it('are registered, in the picker order, with their aliases', () => {
    const names = LOSSES.map((l) => l.name);
    for (const n of ['symmetric_cross_entropy', 'label_smoothing_clamp', 'sigmoid_focal_loss', 'softmax_focal_loss'])
      assert.ok(names.includes(n), n);
    assert.equal(findLoss('focal_loss')?.name, 'sigmoid_focal_loss');
    assert.equal(findLoss('sce')?.name, 'symmetric_cross_entropy');
    assert.equal(findLoss('SCELoss')?.name, 'symmetric_cross_entropy');
    assert.equal(findLoss('LabelSmoothingLoss')?.name, 'label_smoothing_clamp');
    assert.equal(findLoss('FocalLoss')?.name, 'softmax_focal_loss');
  });

  it('compute from JSON files by name, alias included', () => {
    for (const loss of ['symmetric_cross_entropy', 'focal_loss', 'softmax_focal_loss', 'label_smoothing_clamp']) {
      const binary = loss === 'focal_loss';
      const tensors = binary
        ? '"input": [[0.5, -1.5], [2.5, 0.5]], "target": [[1.0, 0.0], [1.0, 0.0]]'
        : '"input": [[1.0, 8.0, 1.0], [1.0, 1.0, 8.0]], "target": [1, 2]';
      const file = readTensorFile(`{"loss": "${loss}", ${tensors}, "options": {"reduction": "mean"}}`);
      const outcome = runTensorFile(file);
      assert.equal(
        outcome.diagnostics.filter((d) => d.severity === 'error').length,
        0,
        JSON.stringify(outcome.diagnostics),
      );
      assert.equal(outcome.results.length, 1);
    }
  });

  it('uses the SCE paper’s defaults: α = 0.1, β = 1, ε = 1e-4, and splits CE and RCE per sample', () => {
    const r = compute('symmetric_cross_entropy', { input: X, target: Y });
    assert.deepEqual(r.options, { alpha: 0.1, beta: 1, eps: 1e-4, pred_min: 1e-7, reduction: 'mean' });
    const ce = compute('cross_entropy', { input: X, target: Y }, { reduction: 'none' });
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs(r.extras!.ce!.data[i]! - ce.perSample[i]!) < 1e-7);
      // RCE = −ln ε·(1 − p_y) while no probability is below pred_min.
      const p = ce.classification!.targetProbability[i]!;
      assert.ok(Math.abs(r.extras!.rce!.data[i]! - -Math.log(1e-4) * (1 - p)) < 1e-5);
      assert.ok(Math.abs(r.perSample[i]! - (0.1 * r.extras!.ce!.data[i]! + r.extras!.rce!.data[i]!)) < 1e-5);
    }
  });

  it('is cross_entropy for focal loss with γ = 0 and no α', () => {
    const focal = compute('softmax_focal_loss', { input: X, target: Y }, { gamma: 0 });
    const ce = compute('cross_entropy', { input: X, target: Y });
    assert.ok(Math.abs(focal.output.data[0]! - ce.output.data[0]!) < 1e-7);
    assert.deepEqual(Array.from(focal.extras!.modulatingFactor!.data), [1, 1]);
  });

  it('keeps torchvision’s default reduction none, and says so', () => {
    const r = compute('sigmoid_focal_loss', { input: f32([0.5, -1], [2]), target: f32([1, 0], [2]) });
    assert.deepEqual(r.output.shape, [2]);
    assert.ok(r.warnings.some((w) => w.code === 'info/focal-default-none'));
    const explicit = compute(
      'sigmoid_focal_loss',
      { input: f32([0.5, -1], [2]), target: f32([1, 0], [2]) },
      { reduction: 'none' },
    );
    assert.ok(!explicit.warnings.some((w) => w.code === 'info/focal-default-none'));
  });

  it('raises newer torchvision’s ValueError for an unknown reduction', () => {
    const d = thrown(() =>
      compute('sigmoid_focal_loss', { input: f32([0.5], [1]), target: f32([1], [1]) }, { reduction: 'avg' }),
    );
    assert.equal(
      d.message,
      "ValueError: Invalid Value for arg 'reduction': 'avg \n Supported reduction modes: 'none', 'mean', 'sum'",
    );
    assertChinese(d);
  });

  it('words every rarer notice and error in Chinese too', () => {
    const diagnostics: Diagnostic[] = [
      ...compute('symmetric_cross_entropy', { input: X, target: Y }, { eps: 0 }).warnings,
      ...compute('symmetric_cross_entropy', { input: X, target: Y }, { eps: 2 }).warnings,
      ...compute('symmetric_cross_entropy', { input: f32([30, 0, 0], [1, 3]), target: i64([0], [1]) }).warnings,
      ...compute(
        'sigmoid_focal_loss',
        { input: f32([0.2, 0.9], [2]), target: f32([1, 0], [2]) },
        { alpha: 2, reduction: 'sum' },
      ).warnings,
      ...compute(
        'softmax_focal_loss',
        { input: f32([0.2, 0.8, 0.5, 0.5], [2, 2]), target: i64([1, 0], [2]) },
        { gamma: -1 },
      ).warnings,
      ...compute('label_smoothing_clamp', { input: X, target: Y }, { epsilon: 1.5 }).warnings,
      thrown(() =>
        compute('symmetric_cross_entropy', {
          input: f32(new Array(12).fill(0.5), [2, 3, 2]),
          target: i64([0, 1, 2, 0], [2, 2]),
        }),
      ),
      thrown(() => compute('softmax_focal_loss', { input: X, target: i64([1], [1]) })),
      thrown(() => compute('softmax_focal_loss', { input: X, target: i64([1, 0, 2, 1, 0, 1], [2, 3]) })),
      thrown(() => compute('softmax_focal_loss', { input: X, target: Y }, { alpha: f32([1, 2], [2]) })),
      thrown(() => compute('softmax_focal_loss', { input: X, target: Y }, { reduction: 'avg' })),
      thrown(() => compute('label_smoothing_clamp', { input: f32([1, 2], [2]), target: i64([1], []) })),
    ];
    const codes = diagnostics.map((d) => d.code);
    for (const code of [
      'warn/sce-eps',
      'info/sce-prob-clamp',
      'warn/focal-alpha-range',
      'warn/probabilities-to-logits-loss',
      'warn/softmax-before-ce',
      'warn/focal-gamma-negative',
      'warn/label-smoothing-range',
      'loss/input-dims',
      'loss/batch-size',
      'loss/target-size',
      'loss/weight-size',
      'loss/invalid-reduction',
    ])
      assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    for (const d of diagnostics) assertChinese(d);
  });

  it('exports a runnable snippet: torchvision’s import, or the reference definition the fixtures check', () => {
    const generator = fs.readFileSync(
      path.join(__dirname, '..', '..', '..', 'scripts', 'fixtures', 'gen_extra.py'),
      'utf8',
    );
    for (const [fn, py] of Object.entries(EXTRA_PYTHON)) {
      const inputs =
        fn === 'sigmoid_focal_loss'
          ? { input: f32([0.5, -1], [2]), target: f32([1, 0], [2]) }
          : { input: X, target: Y };
      const r = compute(fn, inputs);
      const snippet = toPytorchSnippet(fn, inputs, r.options, { order: ['input', 'target'] });
      assert.ok(snippet.includes(`loss = ${py.call}(input, target, `), snippet);
      assert.ok(!snippet.includes(`F.${fn}(`));
      for (const line of py.imports) assert.ok(snippet.includes(line));
      // The definition is the generator's reference, line for line (the return folds its _reduce helper).
      for (const line of (py.definition ?? '')
        .split('\n')
        .filter((l) => !l.includes('return ') && !l.startsWith('def ')))
        assert.ok(generator.includes(line.trim()), `gen_extra.py lacks: ${line.trim()}`);
    }
  });
});

describe('weights from counts', () => {
  it('gives pos_weight 49 for 1000 samples with 20 positives', () => {
    const w = posWeightFromCounts([20], 1000);
    assert.deepEqual(w.weights, [49]);
    assert.deepEqual(w.negatives, [980]);
    assert.equal(w.formula, 'negatives / positives');
  });

  it('counts pos_weight per label from multi-label targets, leaving labels without positives at 1', () => {
    const target = f32([1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0], [4, 3]);
    const w = posWeightFromTargets(target);
    assert.deepEqual(w.counts, [2, 2, 0]);
    assert.deepEqual(w.weights, [1, 1, 1]);
    assert.deepEqual(w.degenerate, [2]);
    const soft = posWeightFromTargets(f32([0.5, 1, 0, 0], [4]));
    assert.deepEqual(soft.weights, [2.5 / 1.5]);
  });

  it('gives inverse-frequency class weights N/(C·n_c), scikit-learn’s balanced', () => {
    const w = classWeightsFromCounts([50, 30, 20]);
    assert.deepEqual(
      w.weights.map((v) => Number(v.toFixed(6))),
      [0.666667, 1.111111, 1.666667],
    );
    // Weighted by the counts they average 1.
    assert.ok(Math.abs((50 * w.weights[0]! + 30 * w.weights[1]! + 20 * w.weights[2]!) / 100 - 1) < 1e-12);
    assert.equal(w.formula, 'N / (C·n_c)');
  });

  it('counts class indices (ignore_index left out) and probability targets', () => {
    assert.deepEqual(classCountsFromTargets(i64([0, 1, 1, -100, 2, 1], [6]), 3), [1, 3, 1]);
    assert.deepEqual(classCountsFromTargets(f32([0.5, 0.5, 0, 1], [2, 2]), 2), [0.5, 1.5]);
    const w = classWeightsFromTargets(i64([0, 0, 0, 1], [4]), 3);
    assert.deepEqual(w.weights, [4 / 9, 4 / 3, 1]);
    assert.deepEqual(w.degenerate, [2]);
  });
});
