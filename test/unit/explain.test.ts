import * as assert from 'node:assert/strict';
import { explainError } from '../../src/core/explain';
import { loadFixtures } from './fixtures';

// Every error text PyTorch produced in the loss fixtures (not typed by hand).
const torchErrors = [
  ...new Set(
    [
      'classification',
      'regression',
      'margin',
      'embedding',
      'likelihood',
      'ctc',
      'triplet_distance',
      'linear_ce',
    ].flatMap((f) => loadFixtures(f).flatMap((c) => (c.error ? [c.error.message] : []))),
  ),
];

// The families of loss errors people paste, with the code the explanation must carry.
const families: [RegExp, string][] = [
  [/^Expected target size/, 'loss/target-size'],
  [/^size mismatch \(got input/, 'loss/size-mismatch'],
  [/^Expected input batch_size/, 'loss/batch-size'],
  [/multi-target not supported/, 'loss/multi-target'],
  [/^expected scalar type Long/, 'loss/target-dtype'],
  [/^Target -?\d+ is out of bounds/, 'loss/index-out-of-bounds'],
  [/weight tensor should be defined either for all \d+ classes/, 'loss/weight-size'],
  [/^ignore_index is not supported/, 'loss/ignore-index-probabilities'],
  [/^label_smoothing must be/, 'loss/label-smoothing-range'],
  [/is not a valid value for reduction/, 'loss/invalid-reduction'],
  [/^all elements of input should be between 0 and 1/, 'loss/bce-input-range'],
  [/^Found dtype \w+ but expected/, 'loss/target-dtype'],
  [/^Using a target size .* is deprecated/, 'loss/bce-size'],
  [/^Target size \(torch\.Size/, 'loss/bce-size'],
  [/^Expected floating point type for target with class probabilities/, 'loss/probability-target-dtype'],
  [/^"mse_cpu" not implemented/, 'loss/not-implemented-dtype'],
  [/^1D target tensor expects 2D input tensors/, 'loss/cosine-dims'],
  // PyTorch 2.x's texts (labelled by 2.14)
  [/^expected target dtype to be Long or Byte/, 'loss/target-dtype'],
  [/^For 1D input, 1D target must have size 1/, 'loss/target-size'],
  [/^multi_margin_loss: target tensor should be 1-D/, 'loss/multi-margin-target-size'],
  [/^inconsistent target size, got/, 'loss/multi-margin-target-size'],
  [/^inconsistent target size: \[/, 'loss/multilabel-target-size'],
  [/^inconsistent size \[.*for argument #2 'target'/, 'loss/multilabel-target-size'],
  [/^inconsistent weight size/, 'loss/weight-size'],
  [/^margin must be greater than 0/, 'loss/margin-not-positive'],
  [/^The anchor, positive, and negative tensors are expected/, 'loss/triplet-dims'],
  [/^All inputs should have same dimension/, 'loss/triplet-dims'],
  [/^var is of incorrect size/, 'loss/var-size'],
  [/^var has negative entry/, 'loss/var-negative'],
  [/^log_probs tensor must not be empty/, 'loss/ctc-empty'],
  [/^Attempting to broadcast a dimension/, 'loss/weight-shape'],
  [/^"log_sigmoid_cpu" not implemented/, 'loss/not-implemented-dtype'],
  [/^0D target tensor expects 1D input tensors/, 'loss/cosine-dims'],
];

describe('Explain PyTorch Error', () => {
  it('covers each family with at least one real PyTorch message', () => {
    for (const [re] of families)
      assert.ok(
        torchErrors.some((m) => re.test(m)),
        `no fixture message for ${re}`,
      );
  });

  for (const [re, code] of families) {
    it(`explains ${code} messages (${re.source})`, () => {
      for (const message of torchErrors.filter((m) => re.test(m))) {
        const found = explainError(`Traceback (most recent call last):\n  ...\nRuntimeError: ${message}\n`);
        assert.ok(found.length >= 1, `no explanation for: ${message}`);
        assert.equal(found[0]!.code, code, message);
        assert.ok(found[0]!.cause.length > 20 && found[0]!.fix.length > 10);
      }
    });
  }

  it('explains the CUDA variants people paste', () => {
    const int = explainError(`RuntimeError: "nll_loss_forward_reduce_cuda_kernel_2d_index" not implemented for 'Int'`);
    assert.equal(int[0]!.code, 'loss/target-dtype');
    assert.match(int[0]!.fix, /target\.long\(\)/);
    const pasted = [
      '../aten/src/ATen/native/cuda/Loss.cu:242: nll_loss_forward_reduce_cuda_kernel_2d: block: [0,0,0], thread: [0,0,0] Assertion `t >= 0 && t < n_classes` failed.',
      'RuntimeError: CUDA error: device-side assert triggered',
      'CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.',
    ].join('\n');
    assert.deepEqual(
      explainError(pasted).map((e) => e.code),
      ['loss/index-out-of-bounds', 'loss/device-side-assert'],
    );
  });

  it('pulls the shapes out of the class-dimension error for the explanation', () => {
    const [e] = explainError('RuntimeError: Expected target size [2, 3], got [2, 5]');
    assert.deepEqual(e!.data, { expected: '2, 3', got: '2, 5' });
    assert.match(e!.fix, /permute\(0, 2, 1\)/);
  });

  it('tells the MSE broadcasting warning from the BCE size error', () => {
    const w = explainError(
      'UserWarning: Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    );
    assert.deepEqual(
      w.map((x) => x.code),
      ['warn/broadcast'],
    );
  });

  it('returns nothing for text that is not a loss error', () => {
    assert.deepEqual(explainError('ModuleNotFoundError: No module named torchvision'), []);
    assert.deepEqual(explainError(''), []);
  });
});
