/**
 * Property tests: on random token soups and on mutated fixture snippets, evaluateSnippet and checkSnippet return
 * (never throw), within a time bound, without internal errors, and with every diagnostic placed inside the text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';

/** Generous per-input bound: inputs are small, so anything near it means a hang or a quadratic path. */
const MAX_MS_PER_INPUT = 1500;

const codes = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'snippets', 'snippets.json'), 'utf8')) as {
    snippets: { code: string }[];
  }
).snippets.map((s) => s.code);

// prettier-ignore
const TOKENS = [
  'torch', 'nn', 'F', 'np', 'x', 'y', 'logits', 'labels', 'loss', 'criterion', '.', ',', '(', ')', '[', ']', '{', '}', ':',
  '=', '+=', '*', '**', '/', '//', '%', '@', '-', '~', '<', '==', 'not', 'and', 'or', 'if', 'else', 'for', 'in', 'def',
  'class', 'return', 'lambda', 'with', 'as', 'import', 'from', 'del', '*', '...', 'None', 'True', 'False', '0', '1', '-1',
  '2', '3', '1e9', '0.5', '1.5', 'nan', "'mean'", "'none'", '"sum"', "f'{x}'", '#', '\\', 'tensor', 'zeros', 'ones',
  'randn', 'randint', 'rand', 'arange', 'eye', 'full', 'cat', 'stack', 'where', 'reshape', 'view', 'permute', 'squeeze',
  'unsqueeze', 'transpose', 'T', 'softmax', 'log_softmax', 'sigmoid', 'sum', 'mean', 'max', 'argmax', 'item', 'shape',
  'size', 'float', 'long', 'int', 'to', 'dtype', 'float32', 'int64', 'one_hot', 'normalize', 'cross_entropy', 'nll_loss',
  'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'mse_loss', 'kl_div', 'ctc_loss', 'cosine_embedding_loss',
  'triplet_margin_loss', 'CrossEntropyLoss', 'BCEWithLogitsLoss', 'KLDivLoss', 'Embedding', 'Linear', 'Softmax',
  'weight', 'pos_weight', 'ignore_index', 'reduction', 'label_smoothing', 'dim', 'keepdim', 'num_classes', 'print',
  'squeeze_', 'normal_', 'len', 'range', 'self', 'None', 'x[', '[:, 1]', '[..., None]', '[::2]',
];
const SEPARATORS = [' ', '', '\n', '\n    ', '\t', '  ', '\n\n', '\r\n'];

function check(text: string): void {
  const start = performance.now();
  const within = (d: Diagnostic): void => {
    assert.ok(d.line >= 1 && d.column >= 1 && d.endLine >= d.line, `range ${d.line}:${d.column}`);
    assert.notEqual(d.code, 'internal/error', `${d.message} for ${JSON.stringify(text.slice(0, 200))}`);
  };
  const evaluation = evaluateSnippet(text, { loss: 'cross_entropy' });
  evaluation.diagnostics.forEach(within);
  for (const c of evaluation.calls) assert.ok(c.range.line >= 1);
  checkSnippet(text).diagnostics.forEach(within);
  const ms = performance.now() - start;
  assert.ok(ms < MAX_MS_PER_INPUT, `${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 200))}`);
}

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...SEPARATORS)), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

type Mutation = { kind: 'delete' | 'insert' | 'duplicate' | 'swap'; at: number; length: number; fragment: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'swap'),
  at: fc.nat(),
  length: fc.nat({ max: 30 }),
  fragment: fc.constantFrom(...TOKENS, ...SEPARATORS),
});

function mutate(code: string, mutations: readonly Mutation[]): string {
  let text = code;
  for (const m of mutations) {
    const at = text.length === 0 ? 0 : m.at % text.length;
    if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
    else if (m.kind === 'insert') text = text.slice(0, at) + m.fragment + text.slice(at);
    else {
      const lines = text.split('\n');
      const i = lines.length === 0 ? 0 : m.at % lines.length;
      const j = lines.length === 0 ? 0 : m.length % lines.length;
      if (m.kind === 'duplicate') lines.splice(i, 0, lines[i] ?? '');
      else [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      text = lines.join('\n');
    }
  }
  return text;
}

describe('snippet evaluator and checker never fail on odd input', () => {
  it('token soups', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => check(text)),
      { numRuns: 300, seed: 20240917 },
    );
  });

  it('mutated fixture snippets', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.array(mutation, { minLength: 1, maxLength: 6 }), (code, mutations) =>
        check(mutate(code, mutations)),
      ),
      { numRuns: 300, seed: 31337 },
    );
  });

  it('deeply nested blocks and huge shapes stay fast', () => {
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
