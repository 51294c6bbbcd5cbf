/**
 * The exact-arithmetic helpers under the generators: fused multiply-adds against an exact BigInt reference, and the
 * double-double log/sin/cos against values that are exact or known in closed form.
 */
import * as assert from 'node:assert/strict';
import { cos, fma, fmaf, log, sin, sincos } from '../../../src/core/torch/random/libm';

const SCALE = 1100n; // every float64 is an integer multiple of 2^-1074

/** A finite double as an exact integer multiple of 2^-SCALE. */
function exact(v: number): bigint {
  if (v === 0) return 0n;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = expBits === 0 ? frac : frac | (1n << 52n);
  const exp = (expBits === 0 ? 1 : expBits) - 1075;
  return sign * (mant << BigInt(exp + Number(SCALE)));
}

/** num·2^-(2·SCALE) to within one ulp: keep its top 60 bits, convert, scale. */
function approximate(num: bigint): number {
  if (num === 0n) return 0;
  const neg = num < 0n;
  const mag = neg ? -num : num;
  const shift = Math.max(0, mag.toString(2).length - 60);
  const v = Number(mag >> BigInt(shift)) * 2 ** (shift - 2 * Number(SCALE));
  return neg ? -v : v;
}

/** The value nearest to the exact num·2^-(2·SCALE), ties to even, found among the neighbours of an approximation. */
function roundExact(num: bigint, round: (x: number) => number, step: (x: number, up: boolean) => number): number {
  const den = 1n << SCALE;
  const approx = round(approximate(num));
  const candidates = [step(approx, false), approx, step(approx, true)];
  let best = candidates[1]!;
  let bestDist = -1n;
  for (const c of candidates) {
    const d = exact(c) * den - num;
    const dist = d < 0n ? -d : d;
    const isEven = (x: number): boolean => {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, x);
      return round === Math.fround
        ? new Float32Array([x])[0]! === x && (new Uint32Array(new Float32Array([x]).buffer)[0]! & 1) === 0
        : (b.getBigUint64(0) & 1n) === 0n;
    };
    if (bestDist < 0n || dist < bestDist || (dist === bestDist && isEven(c))) {
      best = c;
      bestDist = dist;
    }
  }
  return best;
}

function nextFloat32(x: number, up: boolean): number {
  const f = new Float32Array([x]);
  const u = new Int32Array(f.buffer);
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  u[0] = u[0]! + (x > 0 === up ? 1 : -1);
  return f[0]!;
}

function nextFloat64(x: number, up: boolean): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  if (x === 0) return up ? 5e-324 : -5e-324;
  b.setBigInt64(0, b.getBigInt64(0) + (x > 0 === up ? 1n : -1n));
  return b.getFloat64(0);
}

/** A small deterministic stream of test operands (xorshift), spread over exponents and signs. */
function* operands(count: number, float32: boolean): Generator<[number, number, number]> {
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const pick = (): number => {
    const v = (next() * 2 - 1) * 2 ** Math.floor(next() * 40 - 20);
    return float32 ? Math.fround(v) : v;
  };
  for (let i = 0; i < count; i++) yield [pick(), pick(), pick()];
}

describe('random: exact arithmetic helpers', () => {
  it('fmaf rounds a·b + c once to float32', () => {
    let checked = 0;
    for (const [a, b, c] of operands(4000, true)) {
      const want = roundExact(exact(a) * exact(b) + exact(c) * (1n << SCALE), Math.fround, nextFloat32);
      assert.equal(fmaf(a, b, c), want, `fmaf(${a}, ${b}, ${c})`);
      checked++;
    }
    assert.ok(checked === 4000);
  });

  it('fma rounds a·b + c once to float64', () => {
    for (const [a, b, c] of operands(4000, false)) {
      const want = roundExact(exact(a) * exact(b) + exact(c) * (1n << SCALE), (x) => x, nextFloat64);
      assert.equal(fma(a, b, c), want, `fma(${a}, ${b}, ${c})`);
    }
  });

  it('log, sin and cos are exact where the value is known and agree with Math.* to within one ulp elsewhere', () => {
    assert.equal(log(1), 0);
    assert.equal(log(Math.E), 1);
    assert.equal(log(2), Math.LN2);
    assert.equal(log(0.5), -Math.LN2);
    assert.equal(sin(0), 0);
    assert.equal(cos(0), 1);
    assert.equal(sin(Math.PI / 6), 0.49999999999999994); // the correctly rounded sin of the double nearest π/6
    const out = { sin: 0, cos: 0 };
    for (let i = 1; i < 2000; i++) {
      const x = (i / 2000) * 2 * Math.PI;
      sincos(x, out);
      assert.ok(Math.abs(out.sin - Math.sin(x)) <= Number.EPSILON * Math.max(Math.abs(out.sin), 2 ** -20), `sin(${x})`);
      assert.ok(Math.abs(out.cos - Math.cos(x)) <= Number.EPSILON * Math.max(Math.abs(out.cos), 2 ** -20), `cos(${x})`);
      const u = i / 2000;
      assert.ok(Math.abs(log(u) - Math.log(u)) <= Number.EPSILON * Math.abs(Math.log(u)), `log(${u})`);
    }
  });
});
