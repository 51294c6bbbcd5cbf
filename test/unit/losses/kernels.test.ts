/**
 * The losses' elementary functions (src/core/losses/kernels.ts) against Math.exp and Math.log1p: within a few ulp on
 * their whole domain, exact at the ends, nan and infinities as the Math functions give them.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { expNonPositive, log1pUnit } from '../../../src/core/losses/kernels';

/** Relative distance, 0 when both are equal (infinities and zeros included). */
function relative(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

describe('losses: table-driven exp and log1p', () => {
  it('expNonPositive is within 5e-16 of Math.exp on (-708, 0] and follows it into the subnormals', () => {
    fc.assert(
      fc.property(fc.double({ min: -708, max: 0, noNaN: true }), (x) => {
        assert.ok(
          relative(expNonPositive(x), Math.exp(x)) < 5e-16,
          `exp(${x}): ${expNonPositive(x)} vs ${Math.exp(x)}`,
        );
      }),
      { numRuns: 20000 },
    );
    // Where the result is subnormal, the absolute error stays below the smallest double's order.
    for (let x = -745; x < -708; x += 0.37) assert.ok(Math.abs(expNonPositive(x) - Math.exp(x)) <= 1e-320, `exp(${x})`);
  });

  it('expNonPositive at the ends: 1 at 0 and -0, 0 below the underflow and at -inf, nan stays nan', () => {
    assert.equal(expNonPositive(0), 1);
    assert.equal(expNonPositive(-0), 1);
    assert.equal(expNonPositive(-746), 0);
    assert.equal(expNonPositive(-Infinity), 0);
    assert.ok(Number.isNaN(expNonPositive(Number.NaN)));
    // Exact powers of two where Math.exp is exact.
    assert.equal(expNonPositive(-Math.LN2), 0.5);
  });

  it('log1pUnit is within 5e-16 of Math.log1p on [0, 1], tiny arguments included', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e-6, noNaN: true })),
        (e) => {
          assert.ok(relative(log1pUnit(e), Math.log1p(e)) < 5e-16, `log1p(${e}): ${log1pUnit(e)} vs ${Math.log1p(e)}`);
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('log1pUnit at the ends: 0 at 0, ln 2 at 1, the argument itself for the smallest doubles, nan stays nan', () => {
    assert.equal(log1pUnit(0), 0);
    assert.equal(log1pUnit(1), Math.LN2);
    assert.equal(log1pUnit(5e-324), 5e-324);
    assert.equal(log1pUnit(1e-300), 1e-300);
    assert.ok(Number.isNaN(log1pUnit(Number.NaN)));
  });
});
