/**
 * Python's `round()` on floats, which rounds the exact binary value (so `round(2.675, 2)` is 2.67) and ties to even.
 */
import { fixedDigits, layoutFixed } from '../../torch/print/decimal';
import { PyFormatError } from './errors';

/**
 * `round(x)` for a Python float: the nearest int, ties to even (`round(2.5)` → 2), as a bigint. Raises Python's
 * ValueError for nan and OverflowError for inf.
 */
export function pyRoundToInt(x: number): bigint {
  if (Number.isNaN(x)) throw new PyFormatError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw new PyFormatError('OverflowError', 'cannot convert float infinity to integer');
  let rounded = Math.round(x);
  // Math.round rounds ties up; Python's float.__round__ rounds them to even
  if (Math.abs(x - Math.trunc(x)) === 0.5) rounded = 2 * Math.round(x / 2);
  return BigInt(rounded);
}

/**
 * `round(x, ndigits)` for a Python float (CPython's `double_round`): the exact value rounded half-to-even at
 * `ndigits` decimal places (negative: tens, hundreds, …), read back as the nearest double; the sign of zero kept.
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  // beyond these every double is already rounded, or rounds to zero (CPython's NDIGITS_MAX / NDIGITS_MIN)
  if (ndigits > 323) return x;
  if (ndigits < -308) return 0 * x;
  const d = fixedDigits(x, ndigits);
  if (d.digits === '') return x < 0 ? -0 : 0;
  const text = layoutFixed(d, Math.max(0, d.digits.length - d.decpt));
  const value = Number(text);
  if (!Number.isFinite(value)) throw new PyFormatError('OverflowError', 'rounded value too large to represent');
  return x < 0 ? -value : value;
}
