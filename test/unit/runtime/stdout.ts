/**
 * Compares a program's printed text with PyTorch's. Byte for byte by default; where a fixture records a known
 * float divergence (NumPy's float32 exp/log are its own SIMD kernels, within 1 ulp of the correctly rounded value
 * Loss Lens computes; PyTorch's float32 reductions sum in a vectorised order), the text must still match exactly
 * outside numbers, and each printed number must agree to a relative 1e-6 (float32's last digit).
 */
import * as assert from 'node:assert/strict';

const ADDRESS = /(?<= at )0x[0-9a-f]+/g;
const NUMBER = /-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+/g;

/** Asserts `actual` is `expected`, exactly or (with `floatDigits`) up to the last float32 digit of each number. */
export function assertSameOutput(
  actual: string,
  expected: string,
  floatDigits: string | undefined,
  what: string,
): void {
  // Object addresses (`<MeanBackward0 object at 0x7f…>`) differ from run to run in Python itself.
  actual = actual.replace(ADDRESS, '0x…');
  expected = expected.replace(ADDRESS, '0x…');
  if (!floatDigits) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.equal(actual.replace(NUMBER, '#'), expected.replace(NUMBER, '#'), `${what}: the text around the numbers`);
  const a = actual.match(NUMBER) ?? [];
  const e = expected.match(NUMBER) ?? [];
  assert.equal(a.length, e.length, `${what}: how many numbers`);
  e.forEach((x, i) => {
    const want = Number(x);
    const got = Number(a[i]);
    assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want) + 1e-12, `${what}: ${a[i]} vs PyTorch's ${x}`);
  });
}
