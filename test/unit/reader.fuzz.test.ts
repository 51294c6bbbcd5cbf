/**
 * Property tests for the reader and the parser: on any input they return or throw a LossLensError (never anything
 * else) within a time bound, and random tensors printed as Python read back unchanged.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LossLensError } from '../../src/core/diagnostics';
import { parseModule } from '../../src/core/python';
import { readTensor, readTensors } from '../../src/core/reader';
import { numel, type DType } from '../../src/core/tensor';

/** Generous per-input bound: inputs are small, so anything near it means a hang or a quadratic path. */
const MAX_MS_PER_INPUT = 1000;

/** Runs every entry point on `text` and checks the outcome's contract. */
function checkContract(text: string): void {
  const start = performance.now();
  const module = parseModule(text, { reprs: true });
  assert.ok(Array.isArray(module.body));
  for (const read of [() => [readTensor(text)], () => readTensors(text)]) {
    try {
      for (const r of read()) {
        assert.equal(r.tensor.data.length, numel(r.tensor.shape), 'data matches shape');
        assert.ok(r.range.line >= 1 && r.range.column >= 1);
      }
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      const d = e.diagnostic;
      assert.match(d.code, /^reader\//);
      assert.ok(d.line >= 1 && d.column >= 1 && d.endLine >= d.line, `range ${d.line}:${d.column}`);
      assert.ok(d.hint && d.explanation, 'hint and explanation');
    }
  }
  const ms = performance.now() - start;
  assert.ok(ms < MAX_MS_PER_INPUT, `${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 80))}`);
}

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

describe('reader fuzz: never anything but a tensor or a LossLensError', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkContract), { numRuns: 500 });
  });

  it('on token soup', () => {
    const soup = fc
      .array(fc.constantFrom(...FRAGMENTS, '1', '2.5', '-3', 'x', ' '), { maxLength: 60 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(soup, checkContract), { numRuns: 800 });
  });

  it('on mutations of valid literals (deleted or inserted brackets, commas, ..., random tokens)', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([seed, ms]) => mutate(seed, ms));
    fc.assert(fc.property(mutated, checkContract), { numRuns: 1000 });
  });

  it("on names that are Object.prototype's members (tables are looked up by user text)", () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype']) {
      for (const text of [
        name,
        `[${name}]`,
        `torch.${name}([1])`,
        `np.${name}`,
        `torch.tensor([1]).${name}()`,
        `torch.tensor([1], dtype=torch.${name})`,
        `np.array([1], dtype='${name}')`,
        `array([1], dtype=${name})`,
        `{"${name}": [1]}`,
      ]) {
        checkContract(text);
      }
    }
    assert.equal(readTensors('{"constructor": [1]}')[0]?.name, 'constructor');
  });

  it('on deep and long inputs', () => {
    const deep = fc
      .tuple(fc.constantFrom('[', '(', '-', 'not ', '[-', 'f(', 'x.', '1+', '2**'), fc.integer({ min: 100, max: 3000 }))
      .map(([unit, n]) => `${unit.repeat(n)}1`);
    fc.assert(fc.property(deep, checkContract), { numRuns: 60 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------------------------

type Kind = 'int' | 'float' | 'bool';

interface RandomTensor {
  readonly shape: number[];
  readonly kinds: Kind[];
  readonly values: number[];
}

/** Python's spelling of a float (always with a `.`/exponent so it stays a float). */
function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function scalarText(kind: Kind, x: number): string {
  if (kind === 'bool') return x ? 'True' : 'False';
  return kind === 'int' ? String(x) : pythonFloat(x);
}

/** Nested Python list text for values in C order; `sep` varies the whitespace between items. */
function pythonLiteral(t: RandomTensor, sep: () => string): string {
  let k = 0;
  const build = (dim: number): string => {
    if (dim === t.shape.length) {
      const text = scalarText(t.kinds[k]!, t.values[k]!);
      k++;
      return text;
    }
    const items: string[] = [];
    for (let i = 0; i < t.shape[dim]!; i++) items.push(build(dim + 1));
    return `[${items.join(`,${sep()}`)}]`;
  };
  return build(0);
}

const scalarArb = fc.oneof(
  fc.record({ kind: fc.constant<Kind>('int'), value: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) }),
  fc.record({ kind: fc.constant<Kind>('float'), value: fc.double() }),
  fc.record({ kind: fc.constant<Kind>('float'), value: fc.double({ min: -10, max: 10, noNaN: true }) }),
  fc.record({ kind: fc.constant<Kind>('bool'), value: fc.boolean().map((b) => (b ? 1 : 0)) }),
);

/** Random rectangular tensors whose values are all of one kind, or a mixture. */
const tensorArb: fc.Arbitrary<RandomTensor> = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    fc.constantFrom<Kind | 'mixed'>('int', 'float', 'bool', 'mixed'),
  )
  .chain(([shape, kind]) =>
    fc
      .array(kind === 'mixed' ? scalarArb : scalarArb.filter((s) => s.kind === kind), {
        minLength: numel(shape),
        maxLength: numel(shape),
      })
      .map((scalars) => ({ shape, kinds: scalars.map((s) => s.kind), values: scalars.map((s) => s.value) })),
  );

/** The dtype inference under test, stated independently: any float → float, else any int → int64, else bool. */
function expectedDType(t: RandomTensor, pythonFloatDType: DType): DType {
  if (t.kinds.length === 0 || t.kinds.includes('float')) return pythonFloatDType;
  return t.kinds.includes('int') ? 'int64' : 'bool';
}

/** A tensor with a zero-size dimension prints as `[[], []]`: the sizes after the first 0 cannot be read back. */
function readableShape(shape: readonly number[]): number[] {
  const zero = shape.indexOf(0);
  return zero < 0 ? [...shape] : shape.slice(0, zero + 1);
}

describe('reader fuzz: random tensors round-trip through their Python spelling', () => {
  const forms: { name: string; wrap: (lit: string) => string; floatDType: DType; forced?: DType }[] = [
    { name: 'a list literal', wrap: (l) => l, floatDType: 'float32' },
    { name: 'torch.tensor(...)', wrap: (l) => `torch.tensor(${l})`, floatDType: 'float32' },
    { name: 'a printed tensor', wrap: (l) => `tensor(${l})`, floatDType: 'float32' },
    { name: 'np.array(...)', wrap: (l) => `np.array(${l})`, floatDType: 'float64' },
    {
      name: 'an assignment with dtype=torch.float64',
      wrap: (l) => `x = torch.tensor(${l}, dtype=torch.float64)`,
      floatDType: 'float64',
      forced: 'float64',
    },
  ];

  for (const form of forms) {
    it(`as ${form.name}`, () => {
      const separators = fc.constantFrom(' ', '', '\n ', '  # note\n  ', '\t');
      fc.assert(
        fc.property(tensorArb, separators, (t, sep) => {
          const text = form.wrap(pythonLiteral(t, () => sep));
          const { tensor } = readTensor(text);
          const dtype = form.forced ?? expectedDType(t, form.floatDType);
          assert.equal(tensor.dtype, dtype, text);
          assert.deepEqual(tensor.shape, readableShape(t.shape), text);
          t.values.forEach((v, i) => {
            const expected = dtype === 'float32' ? Math.fround(v) : v;
            const got = tensor.data[i]!;
            assert.ok(
              got === expected || (Number.isNaN(got) && Number.isNaN(expected)),
              `${text}: value ${i} ${got} vs ${expected}`,
            );
          });
        }),
        { numRuns: 200 },
      );
    });
  }
});
