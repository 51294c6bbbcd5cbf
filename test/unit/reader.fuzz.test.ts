/**
 * Property tests for the reader and the parser: on any input they return or throw a LossLensError (never anything
 * else), and random tensors printed as Python read back unchanged. A hang fails by mocha's own timeout; the time per
 * input is measured by `npm run bench:micro`, not asserted here.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LossLensError } from '../../src/core/diagnostics';
import { parseModule } from '../../src/core/python';
import { readTensor, readTensors } from '../../src/core/reader';
import { numel, type DType } from '../../src/core/tensor';
import { readerFuzz } from './reader.fuzz-inputs';

/** Runs every entry point on `text` and checks the outcome's contract. */
function checkContract(text: string): void {
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
}

describe('reader fuzz: never anything but a tensor or a LossLensError', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(readerFuzz.strings, checkContract), { numRuns: 500 });
  });

  it('on token soup', () => {
    fc.assert(fc.property(readerFuzz.soup, checkContract), { numRuns: 800 });
  });

  it('on mutations of valid literals (deleted or inserted brackets, commas, ..., random tokens)', () => {
    fc.assert(fc.property(readerFuzz.mutated, checkContract), { numRuns: 1000 });
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
    fc.assert(fc.property(readerFuzz.deep, checkContract), { numRuns: 60 });
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
