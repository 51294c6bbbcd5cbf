/**
 * Property tests: on random token soups and on mutated fixture snippets, evaluateSnippet and checkSnippet return
 * (never throw), without internal errors, and with every diagnostic placed inside the text. A hang fails by mocha's
 * own timeout (and the evaluator's step budget); the time per input is measured by `npm run bench:micro`.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';
import { snippetFuzz } from './fuzz-inputs';

function check(text: string): void {
  const within = (d: Diagnostic): void => {
    assert.ok(d.line >= 1 && d.column >= 1 && d.endLine >= d.line, `range ${d.line}:${d.column}`);
    assert.notEqual(d.code, 'internal/error', `${d.message} for ${JSON.stringify(text.slice(0, 200))}`);
  };
  const evaluation = evaluateSnippet(text, { loss: 'cross_entropy' });
  evaluation.diagnostics.forEach(within);
  for (const c of evaluation.calls) assert.ok(c.range.line >= 1);
  checkSnippet(text).diagnostics.forEach(within);
}

describe('snippet evaluator and checker never fail on odd input', () => {
  it('token soups', () => {
    fc.assert(
      fc.property(snippetFuzz.tokenSoup, (text) => check(text)),
      { numRuns: 300, seed: 20240917 },
    );
  });

  it('mutated fixture snippets', () => {
    fc.assert(
      fc.property(snippetFuzz.mutated, (text) => check(text)),
      { numRuns: 300, seed: 31337 },
    );
  });

  it('deeply nested blocks and huge shapes', () => {
    const nested =
      Array.from({ length: 40 }, (_, i) => `${'    '.repeat(i)}if x:\n`).join('') +
      `${'    '.repeat(40)}loss = F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]))\n`;
    check(nested);
    check(
      'x = torch.randn(100000, 100000, 1000)\ny = torch.randint(0, 10, (100000, 1000))\nloss = F.cross_entropy(x, y)\n',
    );
    check('x = torch.zeros(3000, 3000)\ny = torch.zeros(3000, dtype=torch.long)\nloss = F.cross_entropy(x, y)\n');
    check(`x = [${'['.repeat(150)}${']'.repeat(150)}]\n`);
    check('r = list(range(10**9))\ns = [0] * 10**9\n');
    check('x = torch.ones(1000, 1000)\ny = x @ x\nz = torch.arange(10**9).reshape(-1, 10)\nloss = F.mse_loss(y, x)\n');
  });
});
