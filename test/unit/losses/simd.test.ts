/**
 * The WebAssembly SIMD softmax-row kernel (src/core/losses/simd.ts) against plain double arithmetic: the maximum and
 * where it first occurs exactly, Σ exp(x − max) within the error its header states, the −inf padding counted as 0,
 * and a NaN maximum reported as such (the caller's scalar path takes those rows).
 */
import * as assert from 'node:assert/strict';
import { expNonPositive, log1pUnit } from '../../../src/core/losses/kernels';
import { ROW_OUTPUT_BYTES, softmaxRowKernel, type SoftmaxRowKernel } from '../../../src/core/losses/simd';

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

  it('reports a NaN maximum for a row with a NaN, and ±inf maxima as they are', () => {
    const [withNaN, withInf, allNegInf] = run(kernel!, [
      [1, NaN, 2, 0, 5],
      [1, Infinity, 2, 0, 5],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
    ]);
    assert.ok(Number.isNaN(withNaN!.max));
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
});
