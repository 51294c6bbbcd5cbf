/**
 * The snippet fuzz test's inputs (test/unit/snippet/fuzz.test.ts), shared with `npm run bench:micro`, which times the
 * same entry points on samples of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';

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

/** The fuzz test's input families: token soups, and fixture snippets with lines deleted, inserted, duplicated, swapped. */
export const snippetFuzz = {
  tokenSoup,
  mutated: fc
    .tuple(fc.constantFrom(...codes), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([code, mutations]) => mutate(code, mutations)),
};
