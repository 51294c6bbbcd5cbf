/**
 * NumPy's legacy RandomState and CPython's `random` against fixtures from NumPy 1.24 / 2.x and CPython 3.11 / 3.14
 * (scripts/fixtures/gen_random.py). Integers and uniform doubles must be identical; Gaussian doubles (through log,
 * sin, cos) may be a few ulps from the C library's in rare cases, counted and bounded.
 */
import * as assert from 'node:assert/strict';
import { NumpyRandomState } from '../../../src/core/torch/random/numpyRandom';
import { PythonRandom } from '../../../src/core/torch/random/pythonRandom';
import { compareResult, encode, hex64, loadFixtures, ulpDistance64, type EncodedResult } from './fixtureFormat';

type Step = Record<string, unknown> & { op: string };
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function numpyStep(rs: NumpyRandomState, s: Step): unknown {
  const size = s['size'] as number[] | null | undefined;
  const scalar = size === null || size === undefined;
  const count = scalar ? 1 : numel(size);
  const shape = scalar ? [] : size;
  const floats = (v: Float64Array, shp: number[], isScalar: boolean): unknown =>
    isScalar ? { scalar: 'float', value: hex64(v[0] ?? 0) } : encode(v, 'float64', shp);
  const ints = (v: Float64Array, shp: number[], isScalar: boolean): unknown =>
    isScalar ? { scalar: 'int', value: String(v[0]) } : encode(v, 'int64', shp);
  switch (s.op) {
    case 'rand':
    case 'randn': {
      const sh = s['shape'] as number[];
      const v = s.op === 'rand' ? rs.rand(numel(sh)) : rs.randn(numel(sh));
      return floats(v, sh, sh.length === 0);
    }
    case 'random_sample':
      return floats(rs.randomSample(count), shape, scalar);
    case 'standard_normal':
      return floats(rs.standardNormal(count), shape, scalar);
    case 'uniform':
      return floats(rs.uniform(s['low'] as number, s['high'] as number, count), shape, scalar);
    case 'normal':
      return floats(rs.normal(s['loc'] as number, s['scale'] as number, count), shape, scalar);
    case 'randint':
      return ints(
        rs.randint(
          s['low'] as number,
          (s['high'] as number | undefined) ?? null,
          count,
          (s['dtype'] as 'int64' | 'int32') ?? 'int64',
        ),
        shape,
        scalar,
      );
    case 'choice':
      return ints(
        rs.choice(
          s['a'] as number,
          count,
          (s['replace'] as boolean | undefined) ?? true,
          (s['p'] as number[] | undefined) ?? null,
        ),
        shape,
        scalar,
      );
    case 'exponential':
      return floats(rs.exponential(s['scale'] as number, count), shape, scalar);
    case 'binomial':
      return ints(rs.binomial(s['n'] as number, s['p'] as number, count), shape, scalar);
    case 'permutation':
      return encode(rs.permutation(s['n'] as number), 'int64', [s['n'] as number]);
    case 'shuffle': {
      const x = Array.from({ length: s['n'] as number }, (_, i) => i);
      rs.shuffle(x);
      return encode(x, 'int64', [x.length]);
    }
  }
  throw new Error(`no numpy step ${s.op} in the test`);
}

function pythonStep(r: PythonRandom, s: Step): string[] {
  const n = (s['n'] as number | undefined) ?? 1;
  const times = <T>(f: () => T): T[] => Array.from({ length: n }, f);
  switch (s.op) {
    case 'random':
      return times(() => hex64(r.random()));
    case 'randint':
      return times(() => r.randint(s['a'] as number, s['b'] as number).toString());
    case 'randrange': {
      const [a, b, c] = s['args'] as number[];
      return times(() => r.randrange(a!, b ?? null, c ?? 1).toString());
    }
    case 'getrandbits':
      return times(() => r.getrandbits(s['k'] as number).toString());
    case 'shuffle': {
      const x = Array.from({ length: s['len'] as number }, (_, i) => i);
      r.shuffle(x);
      return x.map(String);
    }
    case 'choice':
      return times(() => String(r.choiceIndex(s['len'] as number)));
    case 'sample':
      return r.sampleIndices(s['len'] as number, s['k'] as number).map(String);
    case 'uniform':
      return times(() => hex64(r.uniform(s['a'] as number, s['b'] as number)));
    case 'gauss':
      return times(() => hex64(r.gauss(s['mu'] as number, s['sigma'] as number)));
    case 'choices':
      return r
        .choicesIndices(s['len'] as number, s['k'] as number, (s['weights'] as number[] | undefined) ?? null)
        .map(String);
    case 'expovariate':
      return times(() => hex64(r.expovariate(s['lambd'] as number)));
    case 'normalvariate':
      return times(() => hex64(r.normalvariate(s['mu'] as number, s['sigma'] as number)));
  }
  throw new Error(`no python step ${s.op} in the test`);
}

const GAUSSIAN_NUMPY = new Set(['randn', 'standard_normal', 'normal', 'exponential']);
const GAUSSIAN_PYTHON = new Set(['gauss', 'normalvariate', 'expovariate']);

describe('random: NumPy legacy RandomState', () => {
  for (const fixture of loadFixtures('numpy')) {
    describe(`numpy ${fixture.version}`, () => {
      let notIdentical = 0;
      let gaussians = 0;
      for (const program of fixture.programs) {
        it(`${program.name}, seed ${program.seed}`, () => {
          const rs = new NumpyRandomState();
          rs.seed(Number(program.seed));
          program.steps.forEach((raw, i) => {
            const step = raw as Step;
            const got = numpyStep(rs, step) as EncodedResult & { scalar?: string; value?: string };
            const expected = program.outputs[i] as EncodedResult & { scalar?: string; value?: string };
            const where = `step ${i} ${JSON.stringify(step)}`;
            const tolerant = GAUSSIAN_NUMPY.has(step.op);
            if (expected.scalar !== undefined) {
              const same = got.value === expected.value;
              const close =
                tolerant && expected.scalar === 'float' && ulpDistance64(got.value ?? '', expected.value ?? '') <= 4;
              assert.ok(same || close, `${where}: ${got.value} vs ${expected.value}`);
              if (tolerant) gaussians += 1;
              if (!same) notIdentical += 1;
            } else {
              const r = compareResult(got, expected, tolerant);
              assert.ok(
                r.ok,
                `${where}\n got ${JSON.stringify(got).slice(0, 300)}\n exp ${JSON.stringify(expected).slice(0, 300)}`,
              );
              notIdentical += r.offByOne;
              if (tolerant) gaussians += r.total;
            }
          });
        });
      }
      it("Gaussian doubles not identical to NumPy's stay rare (under 1%)", () => {
        assert.ok(gaussians > 4000, `only ${gaussians} Gaussian values compared`);
        console.log(
          `      numpy ${fixture.version}: ${notIdentical} of ${gaussians} Gaussian values differ in the last bits`,
        );
        assert.ok(notIdentical / gaussians < 0.01);
      });
    });
  }

  it("refuses seeds NumPy refuses, and empty ranges, with NumPy's messages", () => {
    const rs = new NumpyRandomState();
    assert.throws(() => rs.seed(-1), /Seed must be between 0 and 2\*\*32 - 1/);
    assert.throws(() => rs.seed(2 ** 32), /Seed must be between 0 and 2\*\*32 - 1/);
    assert.throws(() => rs.randint(5, 5, 1), /low >= high/);
    assert.throws(() => rs.choice(3, 2, true, [0.5, 0.6, 0.1]), /probabilities do not sum to 1/);
    assert.throws(() => rs.choice(3, 5, false), /Cannot take a larger sample than population when 'replace=False'/);
  });
});

describe('random: CPython random module', () => {
  for (const fixture of loadFixtures('python')) {
    describe(`python ${fixture.version}`, () => {
      let notIdentical = 0;
      let gaussians = 0;
      for (const program of fixture.programs) {
        it(`${program.name}, seed ${program.seed}`, () => {
          const r = new PythonRandom(BigInt(program.seed));
          program.steps.forEach((raw, i) => {
            const step = raw as Step;
            const got = pythonStep(r, step);
            const expected = program.outputs[i] as string[];
            const where = `step ${i} ${JSON.stringify(step)}`;
            if (!GAUSSIAN_PYTHON.has(step.op)) {
              assert.deepEqual(got, expected, where);
              return;
            }
            assert.equal(got.length, expected.length, where);
            got.forEach((g, k) => {
              const d = ulpDistance64(g, expected[k] ?? '');
              assert.ok(d <= 4, `${where} value ${k}: ${g} vs ${expected[k]}`);
              if (d > 0) notIdentical += 1;
              gaussians += 1;
            });
          });
        });
      }
      it("Gaussian doubles not identical to CPython's stay rare (under 1%)", () => {
        assert.ok(gaussians > 2000);
        console.log(
          `      python ${fixture.version}: ${notIdentical} of ${gaussians} Gaussian values differ in the last bits`,
        );
        assert.ok(notIdentical / gaussians < 0.01);
      });
    });
  }

  it('reseeding restarts the stream and clears the cached gauss', () => {
    const r = new PythonRandom(3);
    const first = [r.gauss(), r.random()];
    r.seed(3);
    assert.deepEqual([r.gauss(), r.random()], first);
    assert.throws(() => r.choiceIndex(0), /Cannot choose from an empty sequence/);
    assert.throws(() => r.sampleIndices(3, 4), /Sample larger than population or is negative/);
  });
});
