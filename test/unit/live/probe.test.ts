/**
 * What Loss Lens asks a paused debugger and how it reads the answers (src/core/live/probe.ts). The answers were
 * produced by evaluating the very expressions the code builds, with PyTorch 1.13 and 2.x (scripts/fixtures/
 * gen_live_probe.py), next to the values PyTorch holds; the tests read them back and compare bit for bit.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  describeExpression,
  parseDescription,
  parseStats,
  ProbeAnswerError,
  pythonFloat,
  statsExpression,
  tensorFromText,
  type ProbeLimits,
  type TensorDescription,
} from '../../../src/core/live/probe';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'live');
interface Plain {
  shape: number[];
  dtype: string;
  values: string[];
}
interface Recorded {
  torch: string;
  describe: { name: string; python: string; answer: string; expected: Plain | null; npy?: Plain }[];
  stats: { name: string; python: string; answer: string }[];
}
const expressions = JSON.parse(fs.readFileSync(path.join(dir, 'expressions.json'), 'utf8')) as {
  describe: { name: string; expression: string; limits: ProbeLimits; python: string }[];
  stats: { name: string; python: string }[];
};

describe('live probe: the expressions sent to the debugger', () => {
  it('are the ones the fixtures were recorded with (regenerate with scripts/fixtures/gen_live_probe.py)', () => {
    for (const c of expressions.describe) assert.equal(describeExpression(c.expression, c.limits), c.python, c.name);
    for (const c of expressions.stats) assert.equal(statsExpression(c.name), c.python, c.name);
  });

  it('embed the npy path as a Python string literal, quotes and backslashes escaped', () => {
    const python = describeExpression('x', { maxTextElements: 1, npyPath: 'C:\\tmp\\a "b".npy' });
    assert.ok(python.includes('"C:\\\\tmp\\\\a \\"b\\".npy"'), python);
    assert.ok(!describeExpression('x', { maxTextElements: 1 }).includes('numpy").save'));
  });
});

for (const version of ['1.13', '2.x']) {
  const recorded = JSON.parse(fs.readFileSync(path.join(dir, `torch-${version}.json`), 'utf8')) as Recorded;
  describe(`live probe: answers of PyTorch ${recorded.torch}`, () => {
    for (const c of recorded.describe) {
      it(`reads ${c.name}`, () => {
        const d = parseDescription(c.answer);
        if (c.expected === null) {
          assert.notEqual(d.kind, 'tensor');
          return;
        }
        assert.equal(d.kind, 'tensor');
        const t = d as TensorDescription;
        assert.deepEqual(t.shape, c.expected.shape);
        if (t.text === undefined) {
          assert.equal(t.npy ?? false, c.npy !== undefined, 'written to .npy exactly when a path was given');
          assert.equal(t.numel, c.expected.values.length);
          // What the program wrote with numpy.save is the tensor itself, bit for bit.
          if (c.npy) assert.deepEqual(c.npy, c.expected);
          return;
        }
        const tensor = tensorFromText(t);
        assert.deepEqual(tensor.shape, c.expected.shape);
        // bfloat16 and float16 keep their dtype; a NumPy int32 array stays int32.
        assert.equal(tensor.dtype, c.expected.dtype);
        assert.deepEqual(
          Array.from(tensor.data, (v) => v),
          c.expected.values.map((v) => (c.expected!.dtype === 'bool' ? Number(pythonFloat(v)) : pythonFloat(v))),
        );
      });
    }

    it('reads a loss module with its live options', () => {
      const d = parseDescription(recorded.describe.find((c) => c.name === 'module')!.answer);
      assert.equal(d.kind, 'module');
      if (d.kind !== 'module') return;
      assert.equal(d.type, 'CrossEntropyLoss');
      assert.deepEqual(
        {
          ...Object.fromEntries(
            Object.entries(d.options)
              .filter(([, v]) => v.kind === 'value')
              .map(([k, v]) => [k, v.kind === 'value' ? v.value : undefined]),
          ),
        },
        { ignore_index: -1, reduction: 'mean', label_smoothing: 0.1 },
      );
      const weight = d.options.weight;
      assert.ok(weight?.kind === 'tensor');
      assert.deepEqual(Array.from(tensorFromText(weight).data), [1, 2, 0.5, 1]);
    });

    it('reads plain values: floats from their repr (inf included), strings, None', () => {
      const value = (name: string): unknown => {
        const d = parseDescription(recorded.describe.find((c) => c.name === name)!.answer);
        return d.kind === 'value' ? d.value : d.kind;
      };
      assert.equal(value('python float'), 1e-6);
      assert.equal(value('python inf'), Infinity);
      assert.equal(value('string'), 'sum');
      assert.equal(value('none'), null);
    });

    it('reads the hover statistics, and nothing for values that are not tensors', () => {
      const stats = (name: string) => parseStats(recorded.stats.find((c) => c.name === name)!.answer);
      const logits = recorded.describe.find((c) => c.name === 'logits')!.expected!;
      const values = logits.values.map(pythonFloat);
      const s = stats('logits')!;
      assert.deepEqual([s.shape, s.dtype, s.device, s.nan, s.inf], [[3, 4], 'float32', 'cpu', 0, 0]);
      assert.equal(s.min, Math.min(...values));
      assert.equal(s.max, Math.max(...values));
      assert.ok(Math.abs(s.mean! - values.reduce((a, b) => a + b, 0) / values.length) < 1e-12);
      const special = stats('special')!;
      assert.deepEqual([special.nan, special.inf, special.min, special.max], [1, 2, -Infinity, Infinity]);
      assert.deepEqual([stats('np_target')!.dtype, stats('mask')!.dtype], ['int32', 'bool']);
      assert.equal(stats('model'), undefined);
      assert.equal(stats('eps'), undefined);
    });
  });
}

describe('live probe: answers that are not what was asked', () => {
  it('refuses a repr that is not a base64 string, and a description that is not JSON', () => {
    assert.throws(() => parseDescription('tensor([1., 2.])'), ProbeAnswerError);
    assert.throws(() => parseDescription("'abc\\'def'"), ProbeAnswerError);
    assert.throws(() => parseDescription(`'${Buffer.from('{nope').toString('base64')}'`), ProbeAnswerError);
    assert.throws(
      () => parseDescription(`'${Buffer.from('{"kind":"tensor","shape":[-1]}').toString('base64')}'`),
      ProbeAnswerError,
    );
  });

  it('refuses values whose shape disagrees with the described shape, and unknown dtypes', () => {
    const base = { kind: 'tensor', type: 'torch.Tensor', device: 'cpu' } as const;
    assert.throws(
      () => tensorFromText({ ...base, shape: [3], dtype: 'float32', numel: 3, text: '[1.0, 2.0]' }),
      ProbeAnswerError,
    );
    assert.throws(
      () => tensorFromText({ ...base, shape: [1], dtype: 'complex64', numel: 1, text: '[1j]' }),
      ProbeAnswerError,
    );
    // The text is data for the tensor reader, never code: anything but numbers is refused.
    assert.throws(() =>
      tensorFromText({ ...base, shape: [1], dtype: 'float32', numel: 1, text: "[__import__('os')]" }),
    );
  });

  it('reads Python float reprs only', () => {
    assert.equal(pythonFloat('-1.5e-07'), -1.5e-7);
    assert.ok(Number.isNaN(pythonFloat('nan')));
    assert.throws(() => pythonFloat('0x10'), ProbeAnswerError);
  });
});
