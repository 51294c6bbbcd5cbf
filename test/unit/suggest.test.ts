import * as assert from 'node:assert/strict';
import { LOSSES } from '../../src/core/losses/index';
import { rowsSumToOne, suggestLosses } from '../../src/core/suggest';
import { tensorFrom } from '../../src/core/tensor';

const top = (a: ReturnType<typeof tensorFrom>, b: ReturnType<typeof tensorFrom>): string => suggestLosses(LOSSES, a, b)[0]!.loss.name;

describe('which losses fit the selected tensors', () => {
  it('puts cross_entropy first for [N, C] scores and int64 class indices', () => {
    assert.equal(top(tensorFrom([2, 0.5, -1, 0.1, 1.2, 0.3], [2, 3], 'float32'), tensorFrom([0, 1], [2], 'int64')), 'cross_entropy');
  });
  it('puts nll_loss first when the input is log-probabilities', () => {
    const ranked = suggestLosses(LOSSES, tensorFrom([-0.1, -2.4, -3, -0.05], [2, 2], 'float32'), tensorFrom([0, 1], [2], 'int64'));
    assert.deepEqual(ranked.slice(0, 2).map((s) => s.loss.name).sort(), ['cross_entropy', 'nll_loss']);
  });
  it('tells logits from probabilities for 0/1 targets', () => {
    assert.equal(top(tensorFrom([2, -1, 0.5, 3], [4], 'float32'), tensorFrom([1, 0, 1, 0], [4], 'float32')), 'binary_cross_entropy_with_logits');
    assert.equal(top(tensorFrom([0.9, 0.2, 0.6, 0.4], [4], 'float32'), tensorFrom([1, 0, 1, 0], [4], 'float32')), 'binary_cross_entropy');
  });
  it('offers regression losses for same-shaped real targets, and every loss somewhere in the list', () => {
    const ranked = suggestLosses(LOSSES, tensorFrom([1.5, 2.5], [2], 'float32'), tensorFrom([1.2, 3.4], [2], 'float32'));
    assert.equal(ranked[0]!.loss.name, 'mse_loss');
    assert.equal(ranked.length, LOSSES.length);
    assert.ok(ranked[0]!.reason.length > 0);
  });
  it('recognises probability rows', () => {
    assert.equal(rowsSumToOne(tensorFrom([0.2, 0.8, 0.5, 0.5], [2, 2], 'float32')), true);
    assert.equal(rowsSumToOne(tensorFrom([1, 0, 0, 2], [2, 2], 'float32')), false);
  });
});
