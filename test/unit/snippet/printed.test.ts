import * as assert from 'node:assert/strict';
import { evaluateSnippet } from '../../../src/core/snippet/index';
import { runLoss } from '../../../src/core/run';
import { tensorFrom } from '../../../src/core/tensor';

// Printouts pasted into a snippet with a loss call: read as the tensor reader reads them.
describe('printed tensors in a snippet', () => {
  it('evaluates tensor([...], grad_fn=<...>) printouts like the literals they print', () => {
    const snippet = [
      'logits = tensor([[ 2.0000,  0.5000, -1.0000],',
      '        [ 0.1000,  1.2000,  0.3000]], grad_fn=<AddmmBackward0>)',
      'labels = tensor([0, 1])',
      'loss = F.cross_entropy(logits, labels)',
    ].join('\n');
    const [call] = evaluateSnippet(snippet).calls;
    const direct = runLoss({
      loss: 'cross_entropy',
      inputs: { input: tensorFrom([2, 0.5, -1, 0.1, 1.2, 0.3], [2, 3], 'float32'), target: tensorFrom([0, 1], [2], 'int64') },
      options: {},
    }).results[0]!;
    assert.equal(call?.result?.value, direct.value);
  });

  it('says how to print a truncated printout whole, at the "..."', () => {
    const snippet = 'logits = tensor([[ 0.1, 0.2, ..., 0.9],\n        [ 0.3, 0.1, ..., 0.2]], grad_fn=<AddmmBackward0>)\nloss = F.cross_entropy(logits, torch.tensor([1, 2]))';
    const evaluation = evaluateSnippet(snippet);
    const truncated = evaluation.diagnostics.find((d) => d.code === 'reader/truncated');
    assert.ok(truncated, JSON.stringify(evaluation.diagnostics));
    assert.equal(truncated.line, 1);
    assert.equal(snippet.split('\n')[0]!.slice(truncated.column - 1, truncated.column + 2), '...');
    assert.match(truncated.hint ?? '', /set_printoptions\(profile="full"\)/);
    assert.equal(evaluation.calls[0]?.result, undefined);
  });

  it('leaves a variable named tensor alone', () => {
    const evaluation = evaluateSnippet('def tensor(x):\n    return x\nv = tensor([1, 2])\n');
    assert.equal(evaluation.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });
});
