/** The piecewise JSON writer writes exactly what JSON.stringify(value, null, indent) writes. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeJson } from '../../src/core/jsonWriter';

function written(value: unknown, indent: number, flush?: string[]): string {
  const pieces: string[] = [];
  writeJson(value, (t) => pieces.push(t), indent);
  flush?.push(...pieces);
  return pieces.join('');
}

describe('writeJson', () => {
  it('matches JSON.stringify on generated values, indented and not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        assert.equal(written(value, indent), JSON.stringify(value, null, indent));
      }),
      { numRuns: 500 },
    );
  });

  it('writes typed arrays as arrays, non-finite numbers and undefined as JSON.stringify does', () => {
    const value = { a: Float32Array.from([1.5, 2]), b: [NaN, Infinity, undefined], c: undefined, d: -0 };
    assert.equal(written(value, 2), JSON.stringify({ ...value, a: [1.5, 2] }, null, 2));
  });

  it('hands over the text in pieces for a large array', () => {
    const pieces: string[] = [];
    written({ x: new Float64Array(100000).fill(0.125) }, 2, pieces);
    assert.ok(pieces.length > 5);
  });
});
