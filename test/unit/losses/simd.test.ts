/**
 * The WebAssembly SIMD softmax-row kernel (src/core/losses/simd.ts) against plain double arithmetic: the maximum and
 * where it first occurs exactly, Σ exp(x − max) within the error its header states, the −inf padding counted as 0,
 * and a NaN maximum reported as such (the caller's scalar path takes those rows).
 */
import * as assert from 'node:assert/strict';
import { expNonPositive, log1pUnit } from '../../../src/core/losses/kernels';
import {
  PLANE_OUTPUT,
  PLANE_OUTPUT_BYTES,
  ROW_OUTPUT_BYTES,
  softmaxRowKernel,
  type SoftmaxRowKernel,
} from '../../../src/core/losses/simd';

/** Runs the kernel on rows (each padded with −inf to a multiple of 8); returns sum, max and group per row. */
function run(kernel: SoftmaxRowKernel, rows: number[][]): { sum: number; max: number; group: number }[] {
  const C = rows[0]!.length;
  const stride = (C + 7) & ~7;
  const out = rows.length * stride * 4;
  kernel.reserve(out + rows.length * ROW_OUTPUT_BYTES);
  kernel.f32.fill(-Infinity, 0, rows.length * stride);
  rows.forEach((row, r) => kernel.f32.set(row, r * stride));
  kernel.rows(0, rows.length, stride, out);
  return rows.map((_, r) => ({
    sum: kernel.f64[(out + ROW_OUTPUT_BYTES * r) / 8]!,
    max: kernel.f32[(out + ROW_OUTPUT_BYTES * r + 8) / 4]!,
    group: kernel.i32[(out + ROW_OUTPUT_BYTES * r + 12) / 4]!,
  }));
}

/** A float32 value (what a float32 tensor holds). */
const f = Math.fround;

describe('softmax-row SIMD kernel', () => {
  const kernel = softmaxRowKernel();

  it('is available in Node (WebAssembly SIMD)', () => {
    assert.ok(kernel);
  });

  it('gives each row its maximum, the group of its first maximum and Σ exp(x − max) within 2e-7', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const C of [1, 3, 4, 5, 21, 1000]) {
      const rows = Array.from({ length: 37 }, () => Array.from({ length: C }, () => f((random() - 0.5) * 30)));
      rows[3]![C - 1] = f(100); // the maximum in the last (padded) group
      if (C > 2) rows[5]![1] = -Infinity;
      const got = run(kernel!, rows);
      rows.forEach((row, r) => {
        const max = Math.max(...row);
        const first = row.indexOf(max);
        const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
        assert.equal(got[r]!.max, max, `C=${C} row ${r}: max`);
        assert.equal(got[r]!.group, first & ~3, `C=${C} row ${r}: group`);
        assert.ok(Math.abs(got[r]!.sum / sum - 1) <= 2e-7, `C=${C} row ${r}: ${got[r]!.sum} vs ${sum}`);
      });
    }
  });

  it('computes each term within 2e-7 (relative), exactly 1 at the maximum, 0 below −87.3', () => {
    const rows: number[][] = [];
    for (let d = -17; d <= 0; d += 0.0137) rows.push([f(3), f(f(3) + f(d)), -Infinity, -Infinity]);
    const got = run(kernel!, rows);
    rows.forEach((row, r) => {
      const term = Math.exp(row[1]! - row[0]!);
      assert.ok(Math.abs((got[r]!.sum - 1) / term - 1) <= 2e-7, `d=${row[1]! - row[0]!}`);
    });
    const [exact, tiny] = run(kernel!, [
      [0, -Infinity, -Infinity, -Infinity],
      [0, -90, -1000, -Infinity],
    ]);
    assert.equal(exact!.sum, 1);
    assert.equal(tiny!.sum, 1);
  });

  it('computes each term within 2e-7 on each of its paths: unclamped with Fast2Sum, unclamped with TwoSum, clamped', () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    // The filler decides the path: within 87.3 of the maximum and of at most its exponent (Fast2Sum: m = 100,
    // filler 20), within 87.3 but larger in magnitude than 2^(e+1) (TwoSum: m = 0.7, filler −79.3; m ≤ 0), below
    // m − 87.3 (clamped). Values m + d, d down to −17, have many more bits than m: x − m rounds, and its error matters.
    const paths = [
      { m: 100, filler: 20 },
      { m: 0.7, filler: 0.7 - 80 },
      { m: -2, filler: -50 },
      { m: 3, filler: -100 },
    ];
    for (const { m, filler } of paths) {
      for (const C of [8, 16, 24, 40]) {
        const rows: number[][] = [];
        for (let r = 0; r < 60; r++) {
          const row = new Array<number>(C).fill(f(filler));
          const at = Math.floor(random() * C);
          let other = Math.floor(random() * (C - 1));
          if (other >= at) other++;
          row[at] = f(m);
          row[other] = f(f(m) + f(-17 * random()));
          rows.push(row);
        }
        const got = run(kernel!, rows);
        rows.forEach((row, r) => {
          const max = f(m);
          const term = row.reduce((s, v) => (v === max ? s : v === f(filler) ? s : s + Math.exp(v - max)), 0);
          const rest = (C - 2) * (f(filler) - max < -87.3 ? 0 : Math.exp(f(filler) - max));
          const what = `m=${m} filler=${filler} C=${C} row ${r}`;
          assert.equal(got[r]!.max, max, what);
          assert.ok(
            Math.abs((got[r]!.sum - 1 - rest) / term - 1) <= 2e-7,
            `${what}: ${got[r]!.sum} vs ${1 + rest + term}`,
          );
        });
      }
    }
  });

  it('sums the terms beside a lone maximum within 2e-7 of their own size (a confident row, whose loss they are)', () => {
    let seed = 5;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    // 40 values: two turns of four groups and a last turn of two; the maximum in each of them.
    for (const at of [0, 7, 16, 31, 32, 39]) {
      const rows = Array.from({ length: 20 }, () => {
        const row = Array.from({ length: 40 }, () => f(5 - 10 - 10 * random()));
        row[at] = f(5);
        return row;
      });
      const got = run(kernel!, rows);
      rows.forEach((row, r) => {
        const small = row.reduce((s, v, c) => (c === at ? s : s + Math.exp(v - 5)), 0);
        assert.ok(Math.abs((got[r]!.sum - 1) / small - 1) <= 2e-7, `maximum at ${at}, row ${r}`);
      });
    }
  });

  it('reports a NaN maximum for a row with a NaN, and ±inf maxima as they are', () => {
    const [withNaN, withInf, allNegInf, nanLater] = run(kernel!, [
      [1, NaN, 2, 0, 5],
      [1, Infinity, 2, 0, 5],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      // the NaN in the second vector of a turn, after the maximum
      [1, 9, 2, 0, NaN],
    ]);
    assert.ok(Number.isNaN(withNaN!.max));
    assert.ok(Number.isNaN(nanLater!.max));
    assert.equal(withInf!.max, Infinity);
    assert.equal(allNegInf!.max, -Infinity);
  });

  it("computes BCEWithLogits' element losses within 1e-9 of full mode's loop, and whether every target lies in [0, 1]", () => {
    const xs = [0, 1, -1, 0.3, 5, -5, 30, -30, 700, -700, 800, -800, Infinity, -Infinity, NaN, 1e-9, -1e-9, 17.5, -0];
    const cases: [number, number, number, number][] = [];
    for (const x of xs) for (const y of [0, 1, 0.3]) cases.push([x, y, 3, 0.5], [x, y, 1, 2]);
    cases.push([2, 1, 1, 1]);
    // An odd count: the kernel's last pair reads one element past the data (set below).
    assert.equal(cases.length % 2, 1);
    const B = cases.length + 5;
    kernel!.reserve((5 * B + 2) * 8);
    const m = kernel!.f64;
    cases.forEach(([x, y, p, w], j) => {
      m[j] = x;
      m[B + j] = y;
      m[2 * B + j] = p;
      m[3 * B + j] = w;
    });
    m[cases.length] = 0.25;
    m[B + cases.length] = 0.75;
    assert.equal(kernel!.bce(0, B, 2 * B, 3 * B, cases.length, 4 * B, 5 * B), true);
    cases.forEach(([x, y, p, w], j) => {
      const softplusNeg = Math.max(-x, 0) + log1pUnit(expNonPositive(-Math.abs(x)));
      const want = ((1 - y) * x + (1 + (p - 1) * y) * softplusNeg) * w;
      const got = m[4 * B + j]!;
      if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `x=${x} y=${y}: ${got}`);
      else if (!Number.isFinite(want)) assert.equal(got, want, `x=${x} y=${y}`);
      else assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want) + 1e-300, `x=${x} y=${y} p=${p}: ${got} vs ${want}`);
    });
    for (const bad of [-0.5, 1.5, NaN]) {
      m[B + 3] = bad;
      assert.equal(kernel!.bce(0, B, 2 * B, 3 * B, cases.length, 4 * B, 5 * B), false, `target ${bad}`);
    }
  });

  it('reads class planes: per position the maximum (NaN where a NaN is), its first class, log Σ exp(x), the loss, p[y], x[y]', () => {
    let seed = 3;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    // Three turns of 8 positions: the first two clamped (a NaN, −inf, a value below its maximum − 87.3), the third
    // not.
    const stride = 28;
    const count = 24;
    for (const C of [1, 2, 5, 21]) {
      // planes[c][s], values on a grid of 0.25 so that maxima tie often
      const planes = Array.from({ length: C }, () =>
        Array.from({ length: stride }, () => Math.round((random() - 0.5) * 40) / 4),
      );
      const targets = Array.from({ length: count }, (_, s) => (s % 7 === 3 ? -100 : Math.floor(random() * C)));
      planes[C - 1]![5] = NaN;
      planes[0]![6] = -Infinity;
      planes[C - 1]![7] = 50;
      planes[0]![8] = -95; // a term below −87.3 counts as 0
      const targetsAt = C * stride;
      const out = (targetsAt + stride) * 4;
      kernel!.reserve(out + stride * PLANE_OUTPUT_BYTES);
      planes.forEach((plane, c) => kernel!.f32.set(plane, c * stride));
      kernel!.i32.set(targets, targetsAt);
      kernel!.planes(0, C, stride, count, targetsAt, out);
      // Each output array from out + (its offset)·stride bytes, read at position s.
      const f64 = (field: keyof typeof PLANE_OUTPUT, s: number): number =>
        kernel!.f64[(out + PLANE_OUTPUT[field] * stride) / 8 + s]!;
      const f32 = (field: keyof typeof PLANE_OUTPUT, s: number): number =>
        kernel!.f32[(out + PLANE_OUTPUT[field] * stride) / 4 + s]!;
      for (let s = 0; s < count; s++) {
        const column = planes.map((plane) => plane[s]!);
        const what = `C=${C} position ${s}`;
        if (column.some((v) => Number.isNaN(v))) {
          assert.ok(Number.isNaN(f32('max', s)), what);
          continue;
        }
        const max = Math.max(...column);
        // −0 and 0 tie (the first of them is the maximum), so === rather than Object.is
        assert.ok(f32('max', s) === max, `${what}: max ${f32('max', s)} vs ${max}`);
        assert.equal(kernel!.i32[(out + PLANE_OUTPUT.argmax * stride) / 4 + s], column.indexOf(max), `${what}: argmax`);
        // A maximum of −inf (the caller's scalar path takes the position): no sum to compare.
        if (max === -Infinity) continue;
        const sum = column.reduce((acc, v) => acc + (v - max < -87.3 ? 0 : Math.exp(v - max)), 0);
        const logSum = Math.log(sum);
        const near = (got: number, want: number, rtol: number, label: string): void =>
          Number.isFinite(want)
            ? assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + 1e-15, `${what}: ${label} ${got} vs ${want}`)
            : assert.equal(got, want, `${what}: ${label}`);
        near(f64('logSumExp', s), max + logSum, 2e-7, 'log Σ exp');
        const y = targets[s]!;
        if (y < 0) {
          assert.equal(f64('loss', s), 0, `${what}: no target, no loss`);
          assert.ok(Number.isNaN(f64('targetProbability', s)), `${what}: no target, p[y] nan`);
          assert.equal(f32('targetLogit', s), 0, `${what}: no target, x[y] 0`);
          continue;
        }
        assert.equal(f32('targetLogit', s), column[y], `${what}: x[y]`);
        // The loss log Σ − (x[y] − max) within 2e-7 of itself (log Σ within 2e-7 of Σ − 1 where that is small: the
        // loss of a confident position), p[y] as e[y] / Σ.
        near(f64('loss', s), logSum - (column[y]! - max), 2e-7, 'loss');
        const term = column[y]! - max < -87.3 ? 0 : Math.exp(column[y]! - max);
        near(f64('targetProbability', s), term / sum, 2e-7, 'p[y]');
      }
    }
  });

  it('takes log Σ in float64: within 1e-15 where Σ is exact (C equal maxima), and keeps Σ − 1 near 1', () => {
    const stride = 64;
    const read = (out: number, s: number): number => kernel!.f64[(out + PLANE_OUTPUT.loss * stride) / 8 + s]!;
    // Every class at 0 in position s < C: Σ = C exactly, from 1 to 200 (each exponent, both sides of √2); the loss of
    // target 0 is log C.
    for (const C of [1, 2, 3, 5, 6, 7, 11, 21, 64, 91, 181, 200]) {
      const targetsAt = C * stride;
      const out = (targetsAt + stride) * 4;
      kernel!.reserve(out + stride * PLANE_OUTPUT_BYTES);
      kernel!.f32.fill(0, 0, C * stride);
      kernel!.i32.fill(0, targetsAt, targetsAt + stride);
      kernel!.planes(0, C, stride, stride, targetsAt, out);
      for (let s = 0; s < stride; s++) {
        const got = read(out, s);
        assert.ok(Math.abs(got - Math.log(C)) <= 1e-15 * Math.log(C), `C=${C}: ${got} vs ${Math.log(C)}`);
      }
    }
    // Class 0 at 0, class 1 at d: Σ = 1 + e^d, the loss of target 0 log1p(e^d), from e^d ≈ 1 down to 4e-18 (where
    // the float64 sum 1 + e^d itself rounds): within 2e-7 of itself (the term's accuracy) and 2.3e-16 (the sum's).
    const C = 2;
    const targetsAt = C * stride;
    const out = (targetsAt + stride) * 4;
    kernel!.reserve(out + stride * PLANE_OUTPUT_BYTES);
    const ds = Array.from({ length: stride }, (_, s) => f((-40 * s) / stride));
    kernel!.f32.fill(0, 0, stride);
    kernel!.f32.set(ds, stride);
    kernel!.i32.fill(0, targetsAt, targetsAt + stride);
    kernel!.planes(0, C, stride, stride, targetsAt, out);
    ds.forEach((d, s) => {
      const want = Math.log1p(Math.exp(d));
      const got = read(out, s);
      assert.ok(Math.abs(got - want) <= 2e-7 * want + 2.3e-16, `d=${d}: ${got} vs ${want}`);
    });
  });

  it('gives Σ a·b and Σ b per row in float64 over the first 4·groups values, with b per row or one b for all', () => {
    const f32 = (v: number): number => Math.fround(v);
    const rows = 5;
    const stride = 12;
    const groups = 2; // 8 of the 12 values
    const a = Array.from({ length: rows * stride }, (_, i) => f32(Math.sin(i) * 7));
    const b = Array.from({ length: rows * stride }, (_, i) => f32(Math.cos(i * 3) + 1.5));
    a[2 * stride + 3] = Infinity; // ∞·b: that row's Σ a·b is ∞
    a[3 * stride + 9] = NaN; // past the groups: not read
    const B = rows * stride;
    const out = 2 * B * 4;
    kernel!.reserve(out + rows * 16);
    kernel!.f32.set(a, 0);
    kernel!.f32.set(b, B);
    for (const bStride of [stride, 0]) {
      kernel!.dots(0, B, rows, stride, bStride, groups, out);
      for (let r = 0; r < rows; r++) {
        let ab = 0;
        let sb = 0;
        for (let c = 0; c < 4 * groups; c++) {
          ab += a[r * stride + c]! * b[r * bStride + c]!;
          sb += b[r * bStride + c]!;
        }
        const [gotAb, gotB] = [kernel!.f64[out / 8 + 2 * r]!, kernel!.f64[out / 8 + 2 * r + 1]!];
        if (!Number.isFinite(ab)) assert.equal(gotAb, ab, `row ${r}`);
        else assert.ok(Math.abs(gotAb - ab) <= 1e-14 * Math.max(1, Math.abs(ab)), `row ${r}: ${gotAb} vs ${ab}`);
        assert.ok(Math.abs(gotB - sb) <= 1e-14 * Math.abs(sb), `row ${r}: Σb ${gotB} vs ${sb}`);
      }
    }
  });
});
