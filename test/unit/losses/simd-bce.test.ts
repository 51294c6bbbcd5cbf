/**
 * The float32 BCEWithLogits kernel (src/core/losses/simd-bce.ts): its element losses against the exact value within
 * the bound its header states, the flags that send a block to the float64 kernel, its sums against
 * ElementwiseAccumulator's, and summary mode against full mode through it, through the float64 kernel alone and with
 * no WebAssembly at all.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { binaryCrossEntropyWithLogits } from '../../../src/core/losses/binary_cross_entropy_with_logits';
import { ElementwiseAccumulator } from '../../../src/core/losses/elementwise_summary';
import { BCE32_STEP, bceKernel, disableBceKernel, STATE, type BceKernel } from '../../../src/core/losses/simd-bce';
import type { LossOptions } from '../../../src/core/losses/types';
import { summarize } from '../../../src/core/report/summary';
import { tensorFrom, type Tensor } from '../../../src/core/tensor';

const f = Math.fround;

/** A reproducible generator in [0, 1). */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The exact element loss (double precision, stable form). */
function exactLoss(x: number, y: number, p: number, w: number): number {
  const l = Math.log1p(Math.exp(-Math.abs(x)));
  return w * ((1 - y) * (Math.max(x, 0) + l) + p * y * (Math.max(-x, 0) + l));
}

/** Runs bce32 on the elements; returns the losses and flags. */
function run32(
  kernel: BceKernel,
  elements: readonly (readonly [number, number, number, number])[],
): { losses: number[]; flags: ReturnType<BceKernel['bce32']> } {
  const B = Math.ceil(elements.length / BCE32_STEP) * BCE32_STEP;
  kernel.reserve(28 * B + 64);
  const [X, Y, P, W, OUT] = [0, 4 * B, 8 * B, 12 * B, 20 * B];
  kernel.f32.fill(0, 0, 3 * B);
  elements.forEach(([x, y, p, w], j) => {
    kernel.f32[X / 4 + j] = x;
    kernel.f32[Y / 4 + j] = y;
    kernel.f32[P / 4 + j] = p;
    kernel.f64[W / 8 + j] = w;
  });
  const flags = kernel.bce32(X, Y, P, W, elements.length, OUT, 28 * B);
  return { losses: Array.from(kernel.f64.subarray(OUT / 8, OUT / 8 + elements.length)), flags };
}

describe('float32 BCEWithLogits SIMD kernel', () => {
  const kernel = bceKernel();

  it('is available in Node (WebAssembly SIMD)', () => {
    assert.ok(kernel);
  });

  it('computes every loss within 5e-7 of the exact value for |x| ≤ 87, targets in [0, 1], pos_weight ≥ 0', () => {
    const random = generator(11);
    let worst = 0;
    for (const spread of [2, 12, 40, 174]) {
      const elements: [number, number, number, number][] = [];
      for (let j = 0; j < 20001; j++) {
        const x = f((random() - 0.5) * spread);
        const y = f([0, 1, 0.25, random()][j & 3]!);
        const p = f([1, 0, 3.5, random() * 10][(j >> 2) & 3]!);
        const w = [1, 0.5, -2, 1e-3][(j >> 4) & 3]!;
        elements.push([x, y, p, w]);
      }
      const { losses } = run32(kernel!, elements);
      elements.forEach(([x, y, p, w], j) => {
        if (Math.abs(x) > 87) return;
        const want = exactLoss(x, y, p, w);
        // Below float32's normal range (p·y·L under 1.2e-38) the float32 products lose relative accuracy.
        const error = Math.abs(losses[j]! - want);
        assert.ok(error <= 5e-7 * Math.abs(want) + 1e-40, `x=${x} y=${y} p=${p} w=${w}: ${losses[j]} vs ${want}`);
        if (Math.abs(want) > 1e-30) worst = Math.max(worst, error / Math.abs(want));
      });
    }
    assert.ok(worst > 1e-8, 'the float32 path is in use (not exact)');
  });

  it('gives the same losses in every variant (without the logits check, or without the weight when it is 1)', () => {
    const random = generator(3);
    const B = BCE32_STEP * 7;
    kernel!.reserve(40 * B + 64);
    const [X, Y, P, W, OUT] = [0, 4 * B, 8 * B, 12 * B, 20 * B];
    for (let j = 0; j < B; j++) {
      kernel!.f32[X / 4 + j] = f(random());
      kernel!.f32[Y / 4 + j] = f(random());
      kernel!.f32[P / 4 + j] = f(random() * 3);
      kernel!.f64[W / 8 + j] = 1;
    }
    const reference = kernel!.bce32(X, Y, P, W, B, OUT, 36 * B);
    assert.equal(reference.logitsInUnitInterval, true);
    const want = Array.from(kernel!.f64.subarray(OUT / 8, OUT / 8 + B));
    for (const checkLogits of [true, false]) {
      for (const weighted of [true, false]) {
        kernel!.f64.fill(-1, OUT / 8, OUT / 8 + B);
        const flags = kernel!.bce32(X, Y, P, W, B, OUT, 36 * B, { checkLogits, weighted });
        assert.deepEqual(Array.from(kernel!.f64.subarray(OUT / 8, OUT / 8 + B)), want, `${checkLogits} ${weighted}`);
        assert.deepEqual(flags, { ...reference, logitsInUnitInterval: checkLogits });
      }
    }
  });

  it('flags logits in [0, 1], targets in [0, 1], and logits beyond ±87 or NaN (odd counts: the padding is safe)', () => {
    const base: [number, number, number, number][] = [
      [0.5, 0, 1, 1],
      [0, 1, 1, 1],
      [1, 0.5, 2, 1],
    ];
    assert.deepEqual(run32(kernel!, base).flags, {
      logitsInUnitInterval: true,
      targetsInUnitInterval: true,
      logitsSafe: true,
    });
    const cases: [number, number, Partial<ReturnType<BceKernel['bce32']>>][] = [
      [-0.25, 0, { logitsInUnitInterval: false }],
      [1.5, 0, { logitsInUnitInterval: false }],
      [87, 0, { logitsInUnitInterval: false }],
      [-88, 0, { logitsInUnitInterval: false, logitsSafe: false }],
      [88, 0, { logitsInUnitInterval: false, logitsSafe: false }],
      [Infinity, 0, { logitsInUnitInterval: false, logitsSafe: false }],
      [NaN, 0, { logitsInUnitInterval: false, logitsSafe: false }],
      [0.5, -0.5, { targetsInUnitInterval: false }],
      [0.5, 1.5, { targetsInUnitInterval: false }],
      [0.5, NaN, { targetsInUnitInterval: false }],
    ];
    for (const [x, y, want] of cases) {
      // The odd element sits in each lane, each group of the loop's turn and the next turn (19: padded to 32).
      for (let at = 0; at < 19; at++) {
        const elements = Array.from({ length: 7 }, () => base)
          .flat()
          .slice(0, 19);
        elements[at] = [x, y, 1, 1];
        const { flags } = run32(kernel!, elements);
        assert.deepEqual(
          flags,
          { logitsInUnitInterval: true, targetsInUnitInterval: true, logitsSafe: true, ...want },
          `x=${x} y=${y} at ${at}`,
        );
      }
    }
  });

  it('sums per sample, per label, in total and by positive/negative target like ElementwiseAccumulator', () => {
    const random = generator(5);
    for (const shape of [
      [6, 37],
      [4, 3, 21],
      [3, 1000],
      [2, 17, 1],
      [5, 2],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const losses = Float64Array.from({ length: n }, () => (random() - 0.3) * 4);
      const targets = Float32Array.from({ length: n }, () => [0, 1, 0.5, 0.49][Math.floor(random() * 4)]!);
      // One large loss among small ones: the compensated total keeps the small ones.
      losses[7] = 1e6;
      const want = new ElementwiseAccumulator(shape, n);
      for (let j = 0; j < n; j++) want.add(losses[j]!, targets[j]);
      const labels = shape[shape.length - 1]!;
      const perRow = n / shape[0]!;
      // In blocks of uneven sizes, as the caller's block ends fall anywhere in a sample.
      const block = 29;
      const [OUT, Y] = [0, 8 * 32];
      const state = Y + 4 * 32;
      const perLabelAt = state + STATE.bytes;
      const perSampleAt = perLabelAt + 8 * (labels + 2);
      kernel!.reserve(perSampleAt + 8 * shape[0]! + 64);
      const { f64, f32, i32 } = kernel!;
      f64.fill(0, state / 8, (perSampleAt + 8 * shape[0]!) / 8);
      i32[(state + STATE.perRow) / 4] = perRow;
      i32[(state + STATE.labels) / 4] = labels;
      i32[(state + STATE.perSample) / 4] = perSampleAt;
      i32[(state + STATE.perLabel) / 4] = perLabelAt;
      for (let k0 = 0; k0 < n; k0 += block) {
        const count = Math.min(block, n - k0);
        f64.set(losses.subarray(k0, k0 + count), OUT / 8);
        f32.set(targets.subarray(k0, k0 + count), Y / 4);
        kernel!.accumulate(OUT, Y, count, state);
      }
      const got = new ElementwiseAccumulator(shape, n);
      const words = new Uint32Array(f64.buffer, state + STATE.positiveCount, 4);
      const positiveCount = words[0]! + words[2]!;
      got.addTotals({
        perSample: f64.subarray(perSampleAt / 8, perSampleAt / 8 + shape[0]!),
        perLabel: f64.subarray(perLabelAt / 8, perLabelAt / 8 + labels),
        sum: f64[(state + STATE.sum) / 8]!,
        compensation: f64[(state + STATE.compensation) / 8]!,
        positiveCount,
        positiveSum: f64[(state + STATE.positiveSum) / 8]! + f64[(state + STATE.positiveSum) / 8 + 1]!,
        negativeCount: n - positiveCount,
        negativeSum: f64[(state + STATE.negativeSum) / 8]! + f64[(state + STATE.negativeSum) / 8 + 1]!,
      });
      const close = (a: number, b: number, what: string): void =>
        assert.ok(Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)), `${shape} ${what}: ${a} vs ${b}`);
      close(got.total(), want.total(), 'total');
      want.perSample.forEach((v, i) => close(got.perSample[i]!, v, `sample ${i}`));
      // Each label's sum is the same sequence of additions as the accumulator's: equal to the bit.
      assert.deepEqual(Array.from(got.perLabel), Array.from(want.perLabel), `${shape} per label`);
      const [a, b] = [got.aggregates(true), want.aggregates(true)];
      assert.equal(a.positives!.count, b.positives!.count);
      assert.equal(a.negatives!.count, b.negatives!.count);
      close(a.positives!.lossSum, b.positives!.lossSum, 'positives');
      close(a.negatives!.lossSum, b.negatives!.lossSum, 'negatives');
    }
  });
});

/** Summary mode against full mode: value, per-sample losses, positives and negatives, per-label sums, warnings. */
function assertSummaryMatchesFull(input: Tensor, target: Tensor, options: LossOptions, what: string): void {
  const full = binaryCrossEntropyWithLogits.compute({ input, target }, options);
  const summary = binaryCrossEntropyWithLogits.compute({ input, target }, options, { detail: 'summary' });
  const close = (a: number, b: number, label: string): void => {
    if (Number.isNaN(b)) return assert.ok(Number.isNaN(a), `${what} ${label}: ${a} vs nan`);
    if (!Number.isFinite(b)) return assert.equal(a, b, `${what} ${label}`);
    assert.ok(Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(b), `${what} ${label}: ${a} vs ${b}`);
  };
  const each = (a: ArrayLike<number>, b: ArrayLike<number>, label: string): void => {
    assert.equal(a.length, b.length, `${what} ${label} length`);
    for (let i = 0; i < b.length; i++) close(a[i]!, b[i]!, `${label}[${i}]`);
  };
  each(summary.output.data, full.output.data, 'value');
  each(summary.perSample, full.perSample, 'perSample');
  close(summary.reduction.numerator, full.reduction.numerator, 'numerator');
  assert.deepEqual(
    summary.warnings.map((w) => w.code),
    full.warnings.map((w) => w.code),
    `${what} warnings`,
  );
  // Positives, negatives and per-label sums from full mode's element losses, which are rounded to float32: within
  // 1e-6 of Σ|ℓ| over the elements summed (a sum that cancels keeps the rounding of its terms).
  const near = (a: number, b: number, scale: number, label: string): void => {
    if (Number.isNaN(b)) return assert.ok(Number.isNaN(a), `${what} ${label}: ${a} vs nan`);
    if (!Number.isFinite(b)) return assert.equal(a, b, `${what} ${label}`);
    assert.ok(Math.abs(a - b) <= 1e-9 + 1e-6 * scale, `${what} ${label}: ${a} vs ${b}`);
  };
  const s = summarize(summary, { input, target });
  const C = input.shape.length >= 2 ? input.shape[input.shape.length - 1]! : 0;
  const [sums, scales] = [new Float64Array(2 + C), new Float64Array(2 + C)];
  let positives = 0;
  full.perElement.data.forEach((loss, k) => {
    const side = target.data[k]! >= 0.5 ? 0 : 1;
    if (side === 0) positives++;
    for (const at of C > 0 ? [side, 2 + (k % C)] : [side]) {
      sums[at]! += loss;
      scales[at]! += Math.abs(loss);
    }
  });
  assert.equal(s.positives?.count, positives, `${what} positives`);
  near(s.positives?.lossSum ?? NaN, sums[0]!, scales[0]!, 'positive loss');
  near(s.negatives?.lossSum ?? NaN, sums[1]!, scales[1]!, 'negative loss');
  for (let c = 0; c < C; c++)
    near(summary.summary?.perLabel?.[c] ?? NaN, sums[2 + c]!, scales[2 + c]!, `perLabel[${c}]`);
}

/** Float32 logits and targets of `shape`, with `special` values put in. */
function data(
  shape: number[],
  seed: number,
  special: Record<number, [number, number]> = {},
): { input: Tensor; target: Tensor } {
  const random = generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = Array.from({ length: n }, () => (random() - 0.5) * 16);
  const y = Array.from({ length: n }, () => [0, 1, 0.3][Math.floor(random() * 3)]!);
  for (const [at, [xv, yv]] of Object.entries(special)) {
    x[Number(at)] = xv;
    y[Number(at)] = yv;
  }
  return { input: tensorFrom(x, shape, 'float32'), target: tensorFrom(y, shape, 'float32') };
}

const CASES: {
  what: string;
  shape: number[];
  options: (C: number) => LossOptions;
  special?: Record<number, [number, number]>;
}[] = [
  { what: 'odd sizes', shape: [7, 37], options: () => ({}) },
  { what: '3-D, pos_weight [C]', shape: [3, 5, 19], options: (C) => ({ pos_weight: vector(C, 1.7) }) },
  {
    what: 'pos_weight [1, C], weight [C], sum',
    shape: [9, 33],
    options: (C) => ({
      pos_weight: tensorFrom(values(C, 0.5), [1, C], 'float32'),
      weight: vector(C, 2),
      reduction: 'sum',
    }),
  },
  {
    what: 'weight [N, 1], none',
    shape: [6, 40],
    options: () => ({ weight: tensorFrom(values(6, 0.3), [6, 1], 'float32'), reduction: 'none' }),
  },
  { what: 'several blocks', shape: [70, 300], options: () => ({}) },
  { what: 'several blocks, weight [C]', shape: [70, 300], options: (C) => ({ weight: vector(C, 0.5) }) },
  { what: 'logits that look like probabilities, several blocks', shape: [70, 300], options: () => ({}) },
  { what: '1-D', shape: [1003], options: () => ({ pos_weight: vector(1, 3) }) },
  { what: 'rows of 1', shape: [50, 1], options: () => ({}) },
  {
    what: 'NaN, ±inf and large logits',
    shape: [8, 50],
    options: (C) => ({ pos_weight: vector(C, 2) }),
    special: {
      3: [NaN, 1],
      60: [Infinity, 1],
      61: [Infinity, 0],
      150: [-Infinity, 0],
      200: [95, 1],
      201: [-300, 0],
      390: [-88, 1],
    },
  },
  {
    what: 'targets outside [0, 1]',
    shape: [5, 24],
    options: () => ({}),
    special: { 2: [0.5, 1.5], 40: [-3, -0.5], 100: [1, NaN] },
  },
  {
    what: 'logits that look like probabilities',
    shape: [4, 10],
    options: () => ({}),
  },
  {
    what: 'pos_weight 0 and a negative one (float64 path)',
    shape: [4, 12],
    options: (C) => ({ pos_weight: vector(C, -0.5) }),
  },
  { what: 'an infinite weight (float64 path)', shape: [4, 12], options: (C) => ({ weight: vector(C, Infinity) }) },
];

function values(n: number, base: number): number[] {
  return Array.from({ length: n }, (_, i) => base + 0.1 * i);
}

function vector(n: number, base: number): Tensor {
  return tensorFrom(values(n, base), [n], 'float32');
}

function runCases(): void {
  for (const { what, shape, options, special } of CASES) {
    for (const seed of [1, 2]) {
      const { input: logits, target } = data(shape, seed, special);
      // Values in [0, 1]: the "probabilities passed as logits" warning.
      const input = what.startsWith('logits that look')
        ? tensorFrom(
            Array.from(logits.data, (v) => Math.abs(v) / 8 - Math.floor(Math.abs(v) / 8)),
            shape,
            'float32',
          )
        : logits;
      assertSummaryMatchesFull(input, target, options(shape[shape.length - 1]!), `${what} (seed ${seed})`);
    }
  }
}

describe('BCEWithLogits summary mode against full mode', () => {
  it('with the float32 kernel: odd sizes, broadcast weights, reductions, NaN/±inf logits, targets outside [0, 1]', () => {
    runCases();
  });

  it('with the float64 kernel only (the float32 one unavailable)', () => {
    disableBceKernel(true);
    try {
      runCases();
    } finally {
      disableBceKernel(false);
    }
  });

  it('where WebAssembly SIMD is missing (the JavaScript pass)', () => {
    const script = `
      WebAssembly.validate = () => false; // as where WebAssembly SIMD is missing
      const { binaryCrossEntropyWithLogits } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/losses/binary_cross_entropy_with_logits'))});
      const { bceKernel } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/losses/simd-bce'))});
      const { tensorFrom } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/tensor'))});
      const x = Array.from({ length: 300 }, (_, i) => Math.sin(i) * 9);
      const y = Array.from({ length: 300 }, (_, i) => (i % 3) / 2);
      const input = tensorFrom(x, [10, 30], 'float32');
      const target = tensorFrom(y, [10, 30], 'float32');
      const pos_weight = tensorFrom(Array.from({ length: 30 }, (_, i) => 1 + i / 10), [30], 'float32');
      const full = binaryCrossEntropyWithLogits.compute({ input, target }, { pos_weight });
      const summary = binaryCrossEntropyWithLogits.compute({ input, target }, { pos_weight }, { detail: 'summary' });
      console.log(JSON.stringify({ kernel: bceKernel() !== undefined, full: [full.output.data[0], ...full.perSample], summary: [summary.output.data[0], ...summary.perSample] }));
    `;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kernel: boolean; full: number[]; summary: number[] };
    assert.equal(out.kernel, false);
    assert.equal(out.summary.length, 11);
    // The JavaScript pass computes full mode's formula in the same order: equal to the bit.
    assert.deepEqual(out.summary, out.full);
  });
});
