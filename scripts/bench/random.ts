/**
 * Throughput of the bit-exact random generators (src/core/torch/random), measured in one run against a baseline on
 * the same machine: a loop filling a Float64Array with `Math.log(Math.random())`, the cheapest non-exact stand-in.
 * Prints elements per second and the ratio to the baseline (how many times slower exactness costs), median of 5.
 *
 *   npx tsx scripts/bench/random.ts
 */
import * as R from '../../src/core/torch/random';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Seconds per element of `fill(n)`, median of RUNS. */
function perElement(n: number, fill: (n: number) => unknown): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fill(n);
    times.push((performance.now() - t0) / 1000 / n);
  }
  return median(times);
}

const baseline = perElement(1_000_000, (n) => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(Math.random());
  return out;
});

const gen = new R.TorchGenerator(0);
const np = new R.NumpyRandomState(0);
const py = new R.PythonRandom(0);
const cases: [string, number, (n: number) => unknown][] = [
  ['torch.rand float32', 1_000_000, (n) => R.rand(gen, n, 'float32')],
  ['torch.rand float64', 1_000_000, (n) => R.rand(gen, n, 'float64')],
  ['torch.randn float32 (vectorized fill)', 1_000_000, (n) => R.randn(gen, n, 'float32')],
  ['torch.randn float64 (fill)', 200_000, (n) => R.randn(gen, n, 'float64')],
  [
    'torch.randn float32, 8 at a time (scalar path)',
    100_000,
    (n) => {
      for (let i = 0; i < n; i += 8) R.randn(gen, 8, 'float32');
    },
  ],
  ['torch.randint', 1_000_000, (n) => R.randint(gen, 0, 1000, n)],
  ['nn.Linear(1024, 1024) init', 1024 * 1024 + 1024, () => R.linearInit(gen, 1024, 1024)],
  ['np.random.randn', 200_000, (n) => np.randn(n)],
  ['np.random.randint', 1_000_000, (n) => np.randint(0, 1000, n)],
  [
    'random.gauss',
    200_000,
    (n) => {
      for (let i = 0; i < n; i++) py.gauss();
    },
  ],
  [
    'random.random',
    1_000_000,
    (n) => {
      for (let i = 0; i < n; i++) py.random();
    },
  ],
];

console.log(`baseline Math.log(Math.random()): ${(1 / baseline / 1e6).toFixed(1)} M elements/s\n`);
console.log('| generator | M elements/s | time vs baseline |');
console.log('|---|---:|---:|');
for (const [name, n, fill] of cases) {
  const t = perElement(n, fill);
  console.log(`| ${name} | ${(1 / t / 1e6).toFixed(2)} | ${(t / baseline).toFixed(1)}× |`);
}
