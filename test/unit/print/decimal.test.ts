/**
 * The exact-decimal core: the fast (double-comparison) shortest-digits path for float32/float16 agrees with the exact
 * BigInt path on every float16 and on seeded random float32 bit patterns; roundings tie to even on the exact value.
 */
import * as assert from 'node:assert/strict';
import {
  FLOAT16,
  FLOAT32,
  fixedDigits,
  roundToFloat16,
  shortestDigits,
  shortestDigitsExactForTest,
  significantDigits,
} from '../../../src/core/torch/print/decimal';

function float16Value(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  return exp === 0 ? frac * 2 ** -24 : (1 + frac / 1024) * 2 ** (exp - 15);
}

describe('shortest digits for float32 and float16', () => {
  it('agrees with the exact path on every 29th finite positive float16', () => {
    const mismatches: number[] = [];
    for (let bits = 1; bits < 0x7c00; bits += 29) {
      const v = float16Value(bits);
      assert.equal(roundToFloat16(v), v);
      const fast = shortestDigits(v, FLOAT16);
      const exact = shortestDigitsExactForTest(v, FLOAT16);
      if (fast.digits !== exact.digits || fast.decpt !== exact.decpt) mismatches.push(v);
    }
    assert.deepEqual(mismatches, []);
  });

  it('agrees with the exact path on 5000 seeded random float32 bit patterns', () => {
    const view = new DataView(new ArrayBuffer(4));
    let state = 12345;
    const mismatches: number[] = [];
    for (let i = 0; i < 5000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      view.setUint32(0, state);
      const v = view.getFloat32(0);
      if (!Number.isFinite(v) || v === 0) continue;
      const fast = shortestDigits(v, FLOAT32);
      const exact = shortestDigitsExactForTest(v, FLOAT32);
      if (fast.digits !== exact.digits || fast.decpt !== exact.decpt) mismatches.push(v);
    }
    assert.deepEqual(mismatches, []);
  });

  it('takes the even digit on a tie, as Dragon4 does (np.float32(245597.375) → 245597.38)', () => {
    assert.deepEqual(shortestDigits(245597.375, FLOAT32), { digits: '24559738', decpt: 6 });
    assert.deepEqual(shortestDigits(3169538.25, FLOAT32), { digits: '31695382', decpt: 7 });
  });
});

describe('exact rounding', () => {
  it('rounds ties to even on the exact binary value', () => {
    assert.deepEqual(fixedDigits(0.5, 0), { digits: '', decpt: 0 });
    assert.deepEqual(fixedDigits(2.5, 0), { digits: '2', decpt: 1 });
    assert.deepEqual(fixedDigits(0.125, 2), { digits: '12', decpt: 0 });
    // 2.675 is 2.67499999… in binary
    assert.deepEqual(fixedDigits(2.675, 2), { digits: '267', decpt: 1 });
    assert.deepEqual(significantDigits(1250000, 2), { digits: '12', decpt: 7 });
    assert.deepEqual(significantDigits(1350000, 2), { digits: '14', decpt: 7 });
  });
});
