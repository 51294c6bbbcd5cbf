import * as assert from 'node:assert/strict';
import { findLoss } from '../../../src/core/losses/index';
import { evaluateSnippet } from '../../../src/core/snippet/index';
import { tensorFrom } from '../../../src/core/tensor';

// The engine's sigmoid_focal_loss is checked against torchvision.ops itself (test/fixtures/losses/extra.json);
// here the snippet evaluator must route torchvision's calls, and its keyword names, to it.
describe('torchvision.ops.sigmoid_focal_loss in a snippet', () => {
  const x = tensorFrom([2, -1, 0.5, 3], [2, 2], 'float32');
  const t = tensorFrom([1, 0, 0, 1], [2, 2], 'float32');
  const engine = (options: Record<string, number | string>): number => findLoss('sigmoid_focal_loss')!.compute({ input: x, target: t }, options).value as number;
  const snippet = [
    'import torch',
    'import torchvision',
    'from torchvision.ops import sigmoid_focal_loss',
    'x = torch.tensor([[2.0, -1.0], [0.5, 3.0]])',
    't = torch.tensor([[1.0, 0.0], [0.0, 1.0]])',
    "a = sigmoid_focal_loss(x, t, reduction='mean')",
    "b = torchvision.ops.sigmoid_focal_loss(inputs=x, targets=t, alpha=0.5, gamma=1.0, reduction='sum')",
    'c = torch.nn.functional.sigmoid_focal_loss(x, t)',
  ].join('\n');
  const evaluation = evaluateSnippet(snippet);

  it('evaluates the imported function and the full path, with inputs=/targets=', () => {
    const [a, b] = evaluation.calls;
    assert.equal(a?.fn, 'sigmoid_focal_loss');
    assert.equal(a.range.line, 6);
    assert.equal(a.result?.value, engine({ reduction: 'mean' }));
    assert.equal(b?.range.line, 7);
    assert.equal(b.result?.value, engine({ alpha: 0.5, gamma: 1, reduction: 'sum' }));
  });

  it('does not take torch.nn.functional.sigmoid_focal_loss (which does not exist) for it', () => {
    assert.equal(evaluation.calls.length, 2);
  });
});
