import * as assert from 'node:assert/strict';
import { firstArgumentRange, rowRanges } from '../../../src/core/snippet/index';

function textAt(text: string, r: { line: number; column: number; endLine: number; endColumn: number }): string {
  const lines = text.split('\n');
  if (r.line === r.endLine) return lines[r.line - 1]!.slice(r.column - 1, r.endColumn - 1);
  return [lines[r.line - 1]!.slice(r.column - 1), ...lines.slice(r.line, r.endLine - 1), lines[r.endLine - 1]!.slice(0, r.endColumn - 1)].join('\n');
}

describe('rows of a loss input in the source', () => {
  const seed = 'x = torch.FloatTensor([[1.,0.,0.],\n                       [0.,1.,0.],\n                       [0.,0.,1.]])\ny = torch.LongTensor([0,1,2])\nprint(F.cross_entropy(x.float(), y))\n';

  it('follows the input variable back through a constructor and a method to its literal rows', () => {
    const call = { line: 5, column: 7, endLine: 5, endColumn: 36 };
    const arg = firstArgumentRange(seed, call);
    assert.ok(arg);
    assert.equal(textAt(seed, arg), 'x.float()');
    const rows = rowRanges(seed, arg);
    assert.deepEqual(rows.map((r) => textAt(seed, r)), ['[1.,0.,0.]', '[0.,1.,0.]', '[0.,0.,1.]']);
  });

  it('uses the last assignment above the call, and gives nothing for values not written as literals', () => {
    const text = 'x = [[1.0, 2.0]]\nx = [[3.0, 4.0], [5.0, 6.0]]\nl = F.mse_loss(x, x)\nz = torch.randn(2, 3)\nl2 = F.cross_entropy(z, y)\n';
    const arg = firstArgumentRange(text, { line: 3, column: 5, endLine: 3, endColumn: 21 })!;
    assert.deepEqual(rowRanges(text, arg).map((r) => textAt(text, r)), ['[3.0, 4.0]', '[5.0, 6.0]']);
    const random = firstArgumentRange(text, { line: 5, column: 6, endLine: 5, endColumn: 27 })!;
    assert.deepEqual(rowRanges(text, random), []);
  });
});
