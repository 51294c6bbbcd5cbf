/**
 * The losses beyond torch.nn against their torch reference implementations (scripts/fixtures/gen_extra.py, torch 1.13
 * and torchvision 0.14): value, reduction='none' output, input gradient and error texts at rtol 1e-5; the two
 * label-smoothing conventions side by side; and H(p) + KL(p‖q) = CE for probability targets.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { identityResidual, informationTerms } from '../../../src/core/info';
import { compareLabelSmoothing } from '../../../src/core/losses/extra/index';
import { findLoss } from '../../../src/core/losses/index';
import { assertClose, assertTensorClose, decodeTensor, type EncodedTensor } from '../fixtures';
import { describeFixtures } from './run-torch-fixtures';

interface Comparison {
  id: string;
  input: EncodedTensor;
  target: EncodedTensor;
  epsilon: number;
  reduction: 'none' | 'mean' | 'sum';
  pytorch: EncodedTensor;
  clamp: EncodedTensor;
  pytorchPerSample: EncodedTensor;
  clampPerSample: EncodedTensor;
}

interface Information {
  id: string;
  input: EncodedTensor;
  target: EncodedTensor;
  label_smoothing: number;
  entropy: EncodedTensor;
  kl: EncodedTensor;
  crossEntropy: EncodedTensor;
}

const file = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'losses', 'extra.json'), 'utf8'),
) as { comparisons: Comparison[]; information: Information[] };

describeFixtures('extra');

describe('label smoothing: PyTorch’s convention and the clamp convention (torch oracle)', () => {
  for (const c of file.comparisons) {
    it(`${c.id}: both values and both per-sample losses`, () => {
      const cmp = compareLabelSmoothing(decodeTensor(c.input), decodeTensor(c.target), c.epsilon, c.reduction);
      const sum = (e: EncodedTensor): number => (e.data as number[]).reduce((a, b) => a + b, 0);
      const expected = (e: EncodedTensor): number => (c.reduction === 'none' ? sum(e) : (e.data[0] as number));
      assertClose([cmp.pytorch.value], [expected(c.pytorch)], 'pytorch value');
      assertClose([cmp.clamp.value], [expected(c.clamp)], 'clamp value');
      assertClose(cmp.pytorch.perSample, c.pytorchPerSample.data as number[], 'pytorch per sample');
      assertClose(cmp.clamp.perSample, c.clampPerSample.data as number[], 'clamp per sample');
      assert.equal(cmp.crossEntropyLossComputes, 'pytorch');
    });
  }

  it('reproduces the tutorial numbers: 0.2352 (PyTorch) and 0.3518 (clamp) for ε = 0.05', () => {
    const seed = file.comparisons.find((c) => c.id === 'seed/0.05')!;
    const cmp = compareLabelSmoothing(decodeTensor(seed.input), decodeTensor(seed.target), 0.05);
    assert.equal(cmp.pytorch.value.toFixed(4), '0.2352');
    assert.equal(cmp.clamp.value.toFixed(4), '0.3518');
    // The targets each convention builds for C = 3.
    assert.ok(
      Math.abs(cmp.pytorch.onTarget - (0.95 + 0.05 / 3)) < 1e-12 && Math.abs(cmp.pytorch.offTarget - 0.05 / 3) < 1e-12,
    );
    assert.ok(Math.abs(cmp.clamp.onTarget - 0.95) < 1e-12 && Math.abs(cmp.clamp.offTarget - 0.025) < 1e-12);
  });

  it('names PyTorch’s value in the clamp loss’s own notice', () => {
    const seed = file.comparisons.find((c) => c.id === 'seed/0.05')!;
    const result = findLoss('label_smoothing_clamp')!.compute(
      { input: decodeTensor(seed.input), target: decodeTensor(seed.target) },
      { epsilon: 0.05 },
    );
    const note = result.warnings.find((w) => w.code === 'info/label-smoothing-convention')!;
    assert.match(note.message, /0\.351822.*gives 0\.235155/);
  });
});

describe('CE = H + KL for probability targets (torch oracle)', () => {
  for (const c of file.information) {
    it(`${c.id}: cross_entropy carries H(p), KL(p‖q) and H(p, q) in extras`, () => {
      const result = findLoss('cross_entropy')!.compute(
        { input: decodeTensor(c.input), target: decodeTensor(c.target) },
        { reduction: 'none', label_smoothing: c.label_smoothing },
      );
      const extras = result.extras!;
      assertTensorClose(extras.entropy!, { ...c.entropy, dtype: extras.entropy!.dtype }, 'entropy');
      assertTensorClose(extras.kl!, { ...c.kl, dtype: extras.kl!.dtype }, 'kl');
      assertTensorClose(extras.crossEntropy!, c.crossEntropy, 'crossEntropy');
      // The loss itself is untouched and equals H + KL.
      assertClose(result.perSample, c.crossEntropy.data as number[], 'cross_entropy per sample');
      const residual = identityResidual({
        entropy: Float64Array.from(extras.entropy!.data),
        kl: Float64Array.from(extras.kl!.data),
        crossEntropy: result.perSample,
      });
      assert.ok(residual < 1e-5, `|CE − (H + KL)| = ${residual}`);
    });
  }

  it('has H = 0 for one-hot targets, so CE and KL are the same number', () => {
    const c = file.information.find((i) => i.id === 'one-hot-floats')!;
    const x = decodeTensor(c.input);
    const p = decodeTensor(c.target);
    const logQ = findLoss('cross_entropy')!.compute({ input: x, target: p }, {}).classification!.logProbabilities.data;
    const terms = informationTerms(p.data, logQ, { classes: 4, spatial: 1, samples: 3 });
    assert.deepEqual(Array.from(terms.entropy), [0, 0, 0]);
    assertClose(terms.kl, terms.crossEntropy, 'KL = CE');
  });
});
