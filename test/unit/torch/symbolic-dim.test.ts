import * as assert from 'node:assert/strict';
import {
  addDims,
  dimsEqual,
  floorDivDims,
  modDims,
  mulDims,
  productOfDims,
  shapesEqual,
  showDim,
  showShape,
  subDims,
  sym,
  symbolsOf,
} from '../../../src/core/torch/symbolic/dim';

describe('symbolic dims', () => {
  const B = sym('B');
  const T = sym('T');

  it('keeps numbers numbers', () => {
    assert.equal(addDims(2, 3), 5);
    assert.equal(mulDims(4, 3), 12);
    assert.equal(floorDivDims(7, 2), 3);
    assert.equal(modDims(-7, 3), 2);
  });

  it('normalises products and sums so equal expressions print alike', () => {
    assert.equal(showDim(mulDims(B, T)), 'B*T');
    assert.equal(showDim(mulDims(T, B)), 'B*T');
    assert.equal(showDim(addDims(mulDims(2, B), 1)), '2*B + 1');
    assert.equal(showDim(subDims(1, B)), '-B + 1');
    assert.equal(subDims(addDims(B, 3), B), 3);
    assert.equal(showShape([B, 10, productOfDims([B, T, 2])]), '[B, 10, 2*B*T]');
  });

  it('divides exactly where every coefficient divides, opaquely otherwise', () => {
    assert.equal(showDim(floorDivDims(mulDims(4, B), 2)), '2*B');
    assert.equal(showDim(floorDivDims(sym('H'), 2)), 'H//2');
    assert.equal(showDim(mulDims(floorDivDims(sym('H'), 2), sym('W'))), '(H//2)*W');
    assert.equal(showDim(floorDivDims(addDims(B, 1), 2)), '(B + 1)//2');
    assert.equal(modDims(mulDims(4, B), 2), 0);
    assert.equal(showDim(modDims(B, 2)), 'B%2');
  });

  it('answers equality in three values', () => {
    assert.equal(dimsEqual(B, B), true);
    assert.equal(dimsEqual(mulDims(B, T), mulDims(T, B)), true);
    assert.equal(dimsEqual(B, addDims(B, 1)), false);
    assert.equal(dimsEqual(B, T), undefined);
    assert.equal(dimsEqual(B, 3), undefined);
    assert.equal(dimsEqual(3, 4), false);
    assert.equal(shapesEqual([B, 3], [B, 4]), false);
    assert.equal(shapesEqual([B, 3], [T, 3]), undefined);
    assert.equal(shapesEqual([B], [B, 1]), false);
  });

  it('lists the symbols a dim depends on', () => {
    assert.deepEqual(symbolsOf(addDims(mulDims(B, T), sym('A'))), ['A', 'B', 'T']);
    assert.deepEqual(symbolsOf(7), []);
  });
});
