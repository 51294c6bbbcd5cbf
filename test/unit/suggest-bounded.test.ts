/**
 * "Did you mean" for an unknown loss name does bounded work (issue 17: a 4 MB "loss" string took 95 s): it gives the
 * same suggestion as comparing every registered name, and does not compare names far longer than any loss name.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LOSSES } from '../../src/core/losses/index';
import { runLoss, suggestLoss } from '../../src/core/run';

/** The unbounded reference: the full Levenshtein distance to every registered name. */
function reference(name: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  let best: { name: string; d: number } | undefined;
  for (const l of LOSSES)
    for (const c of [l.name, l.moduleName]) {
      const d = distance(name.toLowerCase(), c.toLowerCase());
      if (!best || d < best.d) best = { name: c, d };
    }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

describe('bounded "did you mean" for loss names', () => {
  it('suggests what comparing every name suggests, for misspellings and random names', () => {
    const names = LOSSES.flatMap((l) => [l.name, l.moduleName]);
    const misspelt = fc
      .tuple(fc.constantFrom(...names), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([n, at, extra]) => n.slice(0, at % (n.length + 1)) + extra + n.slice((at % (n.length + 1)) + 1));
    fc.assert(
      fc.property(fc.oneof(misspelt, fc.string({ maxLength: 60 })), (name) => {
        assert.equal(suggestLoss(name), reference(name));
      }),
      { numRuns: 400 },
    );
  });

  it('answers a 4 MB loss name without comparing it, and does not repeat it whole', () => {
    const huge = 'cross_entropy'.repeat(330000);
    assert.equal(suggestLoss(huge), undefined);
    const outcome = runLoss({ loss: huge, inputs: {}, options: {} });
    const d = outcome.diagnostics[0]!;
    assert.equal(d.code, 'loss/unknown');
    assert.ok(d.message.length < 200, `${d.message.length} characters`);
  });
});
