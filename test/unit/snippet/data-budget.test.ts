/**
 * `torch.tensor` of a huge nested list built by list repetition (issue 17: `torch.tensor([[0.0]*10000]*10000)` made
 * `check` take 24 s, over 90 s once the list was bound to a name) does bounded work: a budget warning at the call,
 * the shape kept for the checks after it.
 */
import * as assert from 'node:assert/strict';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';

const freezing = [
  'import torch',
  'import torch.nn.functional as F',
  'x = torch.tensor([[0.0]*10000]*10000)',
  'y = torch.tensor([1, 2])',
  'loss = F.cross_entropy(x, y)',
  '',
].join('\n');
const bound = [
  'import torch',
  'import torch.nn.functional as F',
  'row = [0.0] * 10000',
  'rows = [row] * 10000',
  'x = torch.tensor(rows)',
  'y = torch.tensor([1, 2])',
  'loss = F.cross_entropy(x, y)',
  '',
].join('\n');

describe('torch.tensor of a huge repeated list', () => {
  it('check: a budget warning at the line, and the shape still checked at the loss call', () => {
    const { diagnostics } = checkSnippet(freezing);
    const budget = diagnostics.find((d) => d.code === 'budget/elements');
    assert.ok(budget, JSON.stringify(diagnostics));
    assert.equal(budget.line, 3);
    assert.equal(budget.severity, 'warning');
    assert.match(budget.message, /100000000 elements/);
    const batch = diagnostics.find((d) => d.code === 'loss/batch-size');
    assert.equal(batch?.line, 5);
    assert.match(batch!.message, /Expected input batch_size \(10000\) to match target batch_size \(2\)/);
  });

  it('check: the same when the list is first bound to names', () => {
    const { diagnostics } = checkSnippet(bound);
    assert.equal(diagnostics.find((d) => d.code === 'budget/elements')?.line, 5);
    assert.equal(diagnostics.find((d) => d.code === 'loss/batch-size')?.line, 7);
  });

  it('eval: the same budget, with the value-mode limit', () => {
    const evaluation = evaluateSnippet(freezing);
    assert.equal(evaluation.diagnostics.find((d) => d.code === 'budget/elements')?.line, 3);
  });

  it('reads values below the budget as before, with the dtype torch.tensor infers', () => {
    const { diagnostics } = checkSnippet(
      [
        'import torch',
        'import torch.nn.functional as F',
        'x = torch.tensor([[0.0]*3]*4)',
        'y = torch.tensor([1, 2])',
        'loss = F.cross_entropy(x, y)',
        '',
      ].join('\n'),
    );
    assert.equal(
      diagnostics.find((d) => d.code === 'budget/elements'),
      undefined,
    );
    assert.equal(diagnostics.find((d) => d.code === 'loss/batch-size')?.line, 5);
  });
});
