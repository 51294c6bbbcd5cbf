/**
 * The streaming tensor-file reader (src/core/stream) against the small reader (src/core/json): on random tensor files,
 * valid or broken, both give identical tensors (dtype, shape, every value bit for bit), options, classes and ranges,
 * or the identical first error (code, message, line:column, range, data), whether the bytes come whole or in chunks.
 * Plus the number parser: every JSON number token gives exactly `Number(text)`.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LossLensError } from '../../src/core/diagnostics';
import { readTensorFile, type TensorFile } from '../../src/core/json/tensorFile';
import { decimalValue } from '../../src/core/stream/number';
import { readTensorFileFast, readTensorFileFrom, TensorFileStream } from '../../src/core/stream/reader';
import type { Tensor } from '../../src/core/tensor';

const encoder = new TextEncoder();
const wellFormed = new TextDecoder('utf-8', { ignoreBOM: true });

/** Values compared with Object.is (NaN = NaN, −0 ≠ 0), as strings so deepEqual sees the difference. */
function bits(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function normalTensor(t: Tensor): unknown {
  return { dtype: t.dtype, shape: [...t.shape], storage: t.data.constructor.name, data: Array.from(t.data, bits) };
}

function normalFile(f: TensorFile): unknown {
  const options = Object.fromEntries(
    Object.entries(f.options).map(([k, v]) => [k, v !== null && typeof v === 'object' ? normalTensor(v) : v]),
  );
  return {
    loss: f.loss,
    lossRange: f.lossRange,
    classes: f.classes,
    options,
    inputs: Object.fromEntries(Object.entries(f.inputs).map(([k, t]) => [k, normalTensor(t)])),
    inputRanges: f.inputRanges,
  };
}

function outcome(read: () => TensorFile): unknown {
  try {
    return { file: normalFile(read()) };
  } catch (e) {
    if (e instanceof LossLensError) return { error: e.diagnostic };
    throw e;
  }
}

/** Splits bytes at the given cut points and feeds them to a stream. */
function readChunked(bytes: Uint8Array, cuts: readonly number[]): TensorFile {
  const stream = new TensorFileStream();
  let last = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(bytes.length, Math.max(last, cut));
    stream.write(bytes.subarray(last, at));
    last = at;
  }
  stream.write(bytes.subarray(last));
  return stream.end();
}

/** Pulls the bytes through readTensorFileFrom in reads of at most `size` bytes. */
function readPulled(bytes: Uint8Array, size: number): TensorFile {
  let offset = 0;
  return readTensorFileFrom(
    (into) => {
      const n = Math.min(size, into.length, bytes.length - offset);
      into.set(bytes.subarray(offset, offset + n));
      offset += n;
      return n;
    },
    { chunkSize: 4096 },
  );
}

function assertSame(text: string, cuts: readonly number[] = []): void {
  const expected = outcome(() => readTensorFile(text));
  const bytes = encoder.encode(text);
  assert.deepEqual(
    outcome(() => readTensorFileFast(bytes)),
    expected,
    `whole: ${JSON.stringify(text.slice(0, 300))}`,
  );
  assert.deepEqual(
    outcome(() => readChunked(bytes, cuts)),
    expected,
    `chunked at ${cuts}: ${JSON.stringify(text.slice(0, 300))}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

/** Number spellings, including the awkward ones (17 digits, exponents, −0, beyond float range). */
const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => JSON.stringify(v)),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
  fc
    .tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 0, max: 8 }))
    .map(([v, k]) => v.toFixed(k)),
  fc
    .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 16 }))
    .map(([v, k]) => v.toExponential(k)),
  fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(/^(0|[1-9][0-9]{0,24})$/),
      fc.option(fc.stringMatching(/^[0-9]{1,24}$/)),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 400 }))),
    )
    .map(
      ([neg, int, frac, exp]) =>
        `${neg ? '-' : ''}${int}${frac !== null ? `.${frac}` : ''}${exp !== null ? `${exp[0]}${exp[1]}${exp[2]}` : ''}`,
    ),
  fc.constantFrom(
    '-0',
    '-0.0',
    '0.0',
    '1e400',
    '-1e400',
    '1e-400',
    '4.9e-324',
    '1.7976931348623157e308',
    '9007199254740993',
    '0.1',
    '123456789012345678901234567890',
    'NaN',
    'Infinity',
    '-Infinity',
  ),
);

/** A tensor leaf: mostly numbers, sometimes booleans, special strings, or something a tensor cannot hold. */
const leafText: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: numberText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false') },
  { weight: 1, arbitrary: fc.constantFrom('"nan"', '"inf"', '"-inf"', '"NaN"', '"Infinity"', '"x"', '"constructor"') },
  { weight: 1, arbitrary: fc.constantFrom('null', '{}', '{"a": 1}', '[]', '[1]') },
);

/** Whitespace, occasionally with line breaks and byte-order marks. */
const space: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: fc.constant(' ') },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\n  ', '\r\n', '\t', '\n\n    ') },
  { weight: 1, arbitrary: fc.constantFrom('\uFEFF', ' \uFEFF\n') },
);

/** A tensor: a rectangular nest of leaves, sometimes ragged. */
const tensorText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
    fc.infiniteStream(leafText),
    fc.infiniteStream(space),
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([shape, leaves, spaces, raggedAt, asObject]) => {
    const leafIt = leaves[Symbol.iterator]();
    const spaceIt = spaces[Symbol.iterator]();
    let counter = 0;
    const ws = (): string => spaceIt.next().value as string;
    const build = (d: number): string => {
      if (d === shape.length) return leafIt.next().value as string;
      let n = shape[d]!;
      counter++;
      if (raggedAt.includes(counter % 5)) n += counter % 2 === 0 ? 1 : -1;
      const items: string[] = [];
      for (let i = 0; i < Math.max(0, n); i++) items.push(`${ws()}${build(d + 1)}${ws()}`);
      return `[${items.join(',')}]`;
    };
    const data = build(0);
    return asObject
      ? `{"data": ${data}${ws()}, "dtype": "${['float64', 'float32', 'int64', 'bool', 'torch.long', 'bogus'][counter % 6]}"}`
      : data;
  });

/** A class name with escapes and non-ASCII (two- to four-byte UTF-8). */
const nameText = fc
  .array(fc.constantFrom('cat', 'dög', '猫', '🐱', '\\n', '\\u00e9', '\\"', ' ', 'x'), { maxLength: 4 })
  .map((parts) => `"${parts.join('')}"`);

const member: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('input', 'target', 'input', 'target', 'input1', 'var', 'weight_bogus'), tensorText)
      .map(([k, v]) => `"${k}": ${v}`),
  },
  { weight: 2, arbitrary: fc.constantFrom('"loss": "cross_entropy"', '"loss": 3', '"loss": "CrossEntropyLoss"') },
  {
    weight: 2,
    arbitrary: fc
      .tuple(tensorText, fc.constantFrom('"mean"', '"sum"', '1', 'true', 'null', '[1, 2]'))
      .map(([w, r]) => `"options": {"reduction": ${r}, "weight": ${w}, "ignore_index": -100}`),
  },
  { weight: 2, arbitrary: fc.array(nameText, { maxLength: 4 }).map((names) => `"classes": [${names.join(', ')}]`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"description": {"x": [1, [2, "y"]]}',
      '"$schema": "./s.json"',
      '"classes": "abc"',
      '"options": []',
    ),
  },
);

const fileText: fc.Arbitrary<string> = fc
  .tuple(fc.array(member, { minLength: 0, maxLength: 5 }), fc.infiniteStream(space))
  .map(([members, spaces]) => {
    const it = spaces[Symbol.iterator]();
    const ws = (): string => it.next().value as string;
    return `${ws()}{${members.map((m) => `${ws()}${m}${ws()}`).join(',')}}${ws()}`;
  });

/** Text edits that break files in every way: delete, insert, duplicate a stretch. */
const FRAGMENTS = [
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '"',
  '\\',
  '\n',
  '-',
  '+',
  '.',
  'e',
  '0',
  '01',
  'NaN',
  'tru',
  'null',
  '猫',
  '\uFEFF',
  ' ',
];
const mutated: fc.Arbitrary<string> = fc
  .tuple(
    fileText,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('delete', 'insert', 'repeat'),
        fc.constantFrom(...FRAGMENTS),
        fc.integer({ min: 1, max: 4 }),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, kind, fragment, n] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === 'delete') out = out.slice(0, i) + out.slice(i + n);
      else if (kind === 'insert') out = out.slice(0, i) + fragment + out.slice(i);
      else out = out.slice(0, i) + out.slice(i, i + n).repeat(2) + out.slice(i + n);
    }
    // An edit may split a surrogate pair; a file on disk is UTF-8, so round-trip through it (lone halves → U+FFFD).
    return wellFormed.decode(encoder.encode(out));
  });

describe('streaming tensor-file reader', () => {
  it('reads valid files exactly like the small reader (tensors, dtypes, options, classes, ranges)', () => {
    fc.assert(
      fc.property(fileText, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const n = Math.max(1, encoder.encode(text).length);
        assertSame(
          text,
          cuts.map((c) => c % n),
        );
      }),
      { numRuns: 600 },
    );
  });

  it('reports the same first error at the same place on broken files, whole or in chunks', () => {
    fc.assert(
      fc.property(mutated, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const n = Math.max(1, encoder.encode(text).length);
        assertSame(
          text,
          cuts.map((c) => c % n),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('reads byte by byte and in pulled reads the same as whole', () => {
    fc.assert(
      fc.property(mutated, fc.integer({ min: 1, max: 9000 }), (text, size) => {
        const bytes = encoder.encode(text);
        const expected = outcome(() => readTensorFile(text));
        assert.deepEqual(
          outcome(() =>
            readChunked(
              bytes,
              Array.from({ length: bytes.length }, (_, i) => i),
            ),
          ),
          expected,
        );
        assert.deepEqual(
          outcome(() => readPulled(bytes, size)),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('places the errors the issue names: ragged rows, brackets, non-numbers', () => {
    const cases: [string, string, string, number, number][] = [
      [
        '{"input": [[1, 2, 3],\n  [4, 5, 6],\n  [7, 8, 9, 10]]}',
        'reader/ragged',
        'row 3 has 4 values, rows above have 3',
        3,
        3,
      ],
      [
        '{"input": [[1, 2], [3, 4]}',
        'json/brackets',
        "Expected ',' or ']' in the list opened at 1:11, found '}'.",
        1,
        26,
      ],
      ['{"input": [1, "two", 3]}', 'reader/value', '"two" is not a number.', 1, 15],
      ['{"input": [1, 2], "target": [0, 1.5.2]}', 'json/syntax', "Invalid number '.2'.", 1, 36],
      // A byte-order mark in a row's whitespace (found by the property test above).
      ['{"input": [[1], [ \uFEFF\n], [2]]}', 'reader/ragged', 'row 2 has 0 values, rows above have 1', 1, 17],
    ];
    for (const [text, code, message, line, column] of cases) {
      for (const read of [() => readTensorFile(text), () => readTensorFileFast(encoder.encode(text))]) {
        assert.throws(read, (e: LossLensError) => {
          assert.equal(e.diagnostic.code, code);
          assert.equal(e.diagnostic.message, message);
          assert.deepEqual([e.diagnostic.line, e.diagnostic.column], [line, column]);
          return true;
        });
      }
    }
  });

  it('routes a big text through the streaming reader with the same result', () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `[${Array.from({ length: 100 }, (_, j) => ((i * 7 + j * 13) % 997) / 100 - 5).join(', ')}]`,
    );
    const text = `{"loss": "cross_entropy", "input": [${rows.join(',\n')}], "target": [${Array.from({ length: 3000 }, (_, i) => i % 100).join(', ')}]}`;
    assert.ok(text.length > 1 << 20);
    const big = readTensorFile(text);
    assert.deepEqual(big.inputs.input!.shape, [3000, 100]);
    assert.equal(big.inputs.target!.dtype, 'int64');
    assert.equal(big.inputs.input!.data[101], Math.fround(((1 * 7 + 1 * 13) % 997) / 100 - 5));
    assert.deepEqual(normalFile(readTensorFileFast(encoder.encode(text))), normalFile(big));
  });
});

describe('number parsing', () => {
  const jsonNumber = fc.oneof(
    numberText.filter((t) => !/^(NaN|-?Infinity)$/.test(t)),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
    fc
      .tuple(
        fc.stringMatching(/^-?(0|[1-9][0-9]{0,20})$/),
        fc.stringMatching(/^[0-9]{0,20}$/),
        fc.integer({ min: -340, max: 340 }),
      )
      .map(([i, f, e]) => `${i}${f ? `.${f}` : ''}e${e}`),
  );

  it('gives exactly Number(text), and Math.fround of it for float32', () => {
    fc.assert(
      fc.property(jsonNumber, (text) => {
        const bytes = encoder.encode(text);
        const value = decimalValue(bytes, 0, bytes.length);
        assert.ok(Object.is(value, Number(text)), `${text}: ${value} vs ${Number(text)}`);
        assert.ok(Object.is(Math.fround(value), Math.fround(Number(text))));
      }),
      { numRuns: 20000 },
    );
  });

  it('stores float32 tensors exactly as torch.tensor rounds them (double first, then float32)', () => {
    fc.assert(
      fc.property(fc.array(jsonNumber, { minLength: 1, maxLength: 40 }), (texts) => {
        const file = readTensorFileFast(encoder.encode(`{"input": [${texts.join(', ')}, 0.5]}`));
        const data = file.inputs.input!.data;
        texts.forEach((t, i) => assert.ok(Object.is(data[i], Math.fround(Number(t))), `${t}: ${data[i]}`));
      }),
      { numRuns: 2000 },
    );
  });
});
