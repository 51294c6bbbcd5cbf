/**
 * Bad arguments raise what the libraries raise: the Python exception class and the first line of the message, as
 * recorded from torch 1.13/2.14, NumPy 1.24/2.4 and CPython 3.11/3.14 (scripts/fixtures/gen_random.py).
 */
import * as assert from 'node:assert/strict';
import * as R from '../../../src/core/torch/random';
import { formatCDouble, RandomArgumentError } from '../../../src/core/torch/random/errors';
import { loadFixtures } from './fixtureFormat';

type Calls = Record<string, () => unknown>;

function torchCalls(version: R.TorchVersion): Calls {
  const g = (): R.TorchGenerator => new R.TorchGenerator(0, version);
  const f32 = (v: number[]): Float32Array => Float32Array.from(v);
  return {
    randint_empty: () => R.randint(g(), 5, 5, 3),
    randint_low_gt: () => R.randint(g(), 5, 2, 3),
    normal_std_neg: () => R.normal(g(), 0, -1, 3),
    normal_std_neg_frac: () => R.normal(g(), 0, -0.25, 20),
    normal_tensor_std_neg: () => R.normalTensor(g(), f32([0, 0, 0]), f32([1, -1, 1]), 3),
    normal_float_std_neg: () => R.normal(g(), 0, -2, 3),
    uniform_from_gt_to: () => R.uniform(g(), 2, 1, 3),
    uniform_from_gt_to_frac: () => R.uniform(g(), 0.5, 0.25, 3),
    bernoulli_p: () => R.bernoulliScalar(g(), 1.5, 3),
    bernoulli_p_neg: () => R.bernoulliScalar(g(), -0.1, 3),
    bernoulli_tensor_p: () => R.bernoulliTensor(g(), f32([0.5, 1.5])),
    exponential_neg: () => R.exponential(g(), -1, 3),
    exponential_neg_frac: () => R.exponential(g(), -0.5, 3),
    multinomial_sum0: () => R.multinomial(g(), f32([0, 0]), 1, 2, 1, false),
    multinomial_sum0_repl: () => R.multinomial(g(), f32([0, 0]), 1, 2, 2, true),
    multinomial_neg: () => R.multinomial(g(), f32([0.5, -0.1]), 1, 2, 1, false),
    multinomial_neg_repl: () => R.multinomial(g(), f32([0.5, -0.1]), 1, 2, 2, true),
    multinomial_too_many: () => R.multinomial(g(), f32([0.5, 0.5]), 1, 2, 3, false),
    multinomial_zero: () => R.multinomial(g(), f32([0.5, 0.5]), 1, 2, 0, false),
    randperm_neg: () => R.randperm(g(), -1),
    seed_overflow: () => g().manualSeed(2n ** 64n),
    seed_underflow: () => g().manualSeed(-(2n ** 63n) - 1n),
    dropout_p: () => R.dropout(g(), f32([1, 1, 1]), 1.5),
    fan_1d: () => R.xavierUniform(g(), [3]),
    embedding_pad: () => R.embeddingInit(g(), 3, 2, 3),
    mha_div: () => R.multiheadAttentionInit(g(), 5, 2),
    conv_groups: () => R.convInit(g(), 3, 4, [3, 3], { groups: 2 }),
  };
}

function numpyCalls(): Calls {
  const rs = (): R.NumpyRandomState => new R.NumpyRandomState(0);
  return {
    seed_neg: () => rs().seed(-1),
    seed_big: () => rs().seed(2 ** 32),
    randint_empty: () => rs().randint(5, 5, 1),
    randint_int32_high: () => rs().randint(0, 2 ** 31 + 1, 1, 'int32'),
    randint_int32_low: () => rs().randint(-(2 ** 31) - 1, 0, 1, 'int32'),
    normal_scale: () => rs().normal(0, -1, 1),
    uniform_inf: () => rs().uniform(-1e308, 1e308, 1),
    choice_p_sum: () => rs().choice(3, 2, true, [0.5, 0.6, 0.1]),
    choice_p_neg: () => rs().choice(3, 2, true, [-0.5, 1, 0.5]),
    choice_p_size: () => rs().choice(3, 2, true, [0.5, 0.5]),
    choice_too_many: () => rs().choice(3, 5, false),
    choice_empty: () => rs().choice(0, 1),
    choice_nonzero: () => rs().choice(3, 3, false, [0.5, 0.5, 0.0]),
    choice_neg_a: () => rs().choice(-2, 1),
    binomial_p_big: () => rs().binomial(3, 1.5, 1),
    binomial_p_neg: () => rs().binomial(3, -0.5, 1),
    binomial_n_neg: () => rs().binomial(-1, 0.5, 1),
    binomial_p_nan: () => rs().binomial(3, NaN, 1),
    exponential_scale: () => rs().exponential(-1, 1),
  };
}

function pythonCalls(version: R.PythonVersion): Calls {
  const r = (): R.PythonRandom => new R.PythonRandom(0, version);
  return {
    choice_empty: () => r().choiceIndex(0),
    sample_big: () => r().sampleIndices(3, 4),
    sample_neg: () => r().sampleIndices(3, -1),
    randrange_0: () => r().randrange(0),
    randrange_empty: () => r().randrange(5, 5),
    randrange_step_empty: () => r().randrange(5, 1, 2),
    randrange_step0: () => r().randrange(1, 5, 0),
    randint_empty: () => r().randint(5, 1),
    getrandbits_neg: () => r().getrandbits(-1),
    choices_weights: () => r().choicesIndices(2, 2, [1]),
    choices_zero: () => r().choicesIndices(2, 2, [0, 0]),
    choices_empty: () => r().choicesIndices(0, 2),
  };
}

function check(calls: Calls, expected: Record<string, [string, string] | null>): void {
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(expected).sort(), 'every recorded error case has a call');
  for (const [name, want] of Object.entries(expected)) {
    const call = calls[name]!;
    if (want === null) {
      assert.doesNotThrow(call, name);
      continue;
    }
    assert.throws(
      call,
      (e: unknown) => e instanceof RandomArgumentError && e.pythonType === want[0] && e.message === want[1],
      `${name}: expected ${want[0]}: ${want[1]}`,
    );
  }
}

describe('random: argument errors as the libraries raise them', () => {
  for (const fixture of loadFixtures('torch')) {
    it(`torch ${fixture.version}`, () => {
      const version: R.TorchVersion = fixture.version.startsWith('1.') ? '1.13' : '2.x';
      check(torchCalls(version), (fixture as unknown as { errors: Record<string, [string, string] | null> }).errors);
    });
  }
  for (const fixture of loadFixtures('numpy')) {
    it(`numpy ${fixture.version}`, () => {
      check(numpyCalls(), (fixture as unknown as { errors: Record<string, [string, string] | null> }).errors);
    });
  }
  for (const fixture of loadFixtures('python')) {
    it(`python ${fixture.version}`, () => {
      const version: R.PythonVersion = fixture.version === '3.11' ? '3.11' : '3.14';
      check(pythonCalls(version), (fixture as unknown as { errors: Record<string, [string, string] | null> }).errors);
    });
  }

  it('prints doubles in messages as C++ streams do', () => {
    assert.deepEqual([-1, 1.5, -0.25, 0.1, 1e-7, 123456, 1234567, -2.5e10, 0].map(formatCDouble), [
      '-1',
      '1.5',
      '-0.25',
      '0.1',
      '1e-07',
      '123456',
      '1.23457e+06',
      '-2.5e+10',
      '0',
    ]);
  });
});
