/**
 * The reader fuzz test's inputs (test/unit/reader.fuzz.test.ts), shared with `npm run bench:micro`, which times the
 * same entry points on samples of them.
 */
import fc from 'fast-check';

/** Valid inputs that mutations start from. */
const SEEDS = [
  '[[1.0, 2], [3, 4]]',
  'torch.tensor([[0.1, 0.9], [0.8, 0.2]], dtype=torch.float64)',
  "tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684]], grad_fn=<AddmmBackward0>, device='cuda:0')",
  'tensor(1.3767)',
  'array([1., 2.], dtype=float32)',
  '[[1. 2.]\n [3. 4.]]',
  'np.array([[1, 2], [3, 4]], dtype=np.int64).astype(np.float32)',
  'torch.Size([2, 5])',
  '{"input": [[1.0, 2]], "target": [1]}',
  'logits = torch.tensor([[2.0, 1.0, 0.1]])\ny = [0]\nloss = F.cross_entropy(logits, y)',
  "[nan, inf, -inf, float('nan'), math.inf, 1e-3, 0x1F, 1_000]",
  'torch.LongTensor([1, 2]).cuda().float().requires_grad_()',
  'x = [  # comment\n  1,\n  2,\n]',
  'tensor([0.0000e+00, 1.0000e+00,  ..., 1.9990e+03])',
];

/** Fragments that mutations insert: brackets, separators, ellipses, signs, names, quotes, line breaks... */
// prettier-ignore
const FRAGMENTS = [
  '[', ']', '(', ')', '{', '}', ',', ',,', '...', '.', '-', '+', '*', '**', '/', '//', '%', '~', 'not ', ' if ', ' else ',
  'lambda: ', 'nan', 'inf', 'True', 'None', '1e', '1e999', '0x', '1_', '007', '2j', '9999999999999999999999', "'", '"',
  '"""', '\\', '\n', '\r\n', '\t', '    ', '#', ':', '=', '==', '<', '>', '<X>', 'tensor(', 'array(', 'torch.', 'np.',
  'dtype=', 'torch.uint8', 'torch.long', "'f4'", 'requires_grad=True', 'grad_fn=', '.float()', '.long()', '.to(',
  'torch.Tensor(', 'torch.Size(', ';', '@', '$', 'é', '\u00a0', '𝑥', '>>> ',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(seed: string, mutations: readonly Mutation[]): string {
  let s = seed;
  for (const m of mutations) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    switch (m.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.length);
        break;
      case 'insert':
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case 'duplicate':
        s = s.slice(0, at + m.length) + s.slice(at, at + m.length) + s.slice(at + m.length);
        break;
      case 'replace':
        s = s.slice(0, at) + m.text + s.slice(at + 1);
        break;
    }
  }
  return s;
}

/** The fuzz test's input families: any string, token soup, mutated valid literals, deep and long nestings. */
export const readerFuzz = {
  strings: fc.string({ unit: 'binary', maxLength: 200 }),
  soup: fc
    .array(fc.constantFrom(...FRAGMENTS, '1', '2.5', '-3', 'x', ' '), { maxLength: 60 })
    .map((parts) => parts.join('')),
  mutated: fc
    .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => mutate(seed, ms)),
  deep: fc
    .tuple(fc.constantFrom('[', '(', '-', 'not ', '[-', 'f(', 'x.', '1+', '2**'), fc.integer({ min: 100, max: 3000 }))
    .map(([unit, n]) => `${unit.repeat(n)}1`),
};
