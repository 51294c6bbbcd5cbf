import * as assert from 'node:assert/strict';
import { broadcastShapes, broadcastTo, tensorFrom, toNested } from '../../src/core/tensor';

describe('tensor', () => {
  it('rounds float32 storage as torch.tensor does', () => {
    const t = tensorFrom([0.1], [1], 'float32');
    assert.notEqual(t.data[0], 0.1);
    assert.equal(t.data[0], Math.fround(0.1));
  });
  it('broadcasts [4,1] against [4] to [4,4]', () => {
    assert.deepEqual(broadcastShapes([4, 1], [4]), [4, 4]);
    assert.equal(broadcastShapes([3], [4]), undefined);
    const t = tensorFrom([1, 2], [2, 1], 'float64');
    assert.deepEqual(Array.from(broadcastTo(t, [2, 3])), [1, 1, 1, 2, 2, 2]);
  });
  it('converts to nested arrays', () => {
    assert.deepEqual(toNested(tensorFrom([1, 2, 3, 4], [2, 2], 'int64')), [[1, 2], [3, 4]]);
    assert.equal(toNested(tensorFrom([5], [], 'int64')), 5);
  });
});
