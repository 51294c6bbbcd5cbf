/**
 * `repr()` / `str()` of Python floats, ints, bools and strs.
 */
import { formatFloatShort } from '../../torch/print/decimal';

/**
 * Python's `float.__repr__` (and `float.__str__`, the same since Python 3.2): the shortest string that round-trips,
 * in scientific notation when the exponent is < -4 or ≥ 16 (`1e-05`, `1e+16`), otherwise positional with at least
 * one fractional digit (`100.0`, `-0.0`); `inf`, `-inf`, `nan`.
 */
export function pyFloatRepr(x: number): string {
  return formatFloatShort(x, 'r', 0, { addDot0: true });
}

/** Python's `int.__repr__` for an int held as a bigint (or a safe integer number). */
export function pyIntRepr(x: bigint | number): string {
  return typeof x === 'bigint' ? x.toString() : BigInt(x).toString();
}

/** Python's `repr(True)` / `repr(False)`. */
export function pyBoolRepr(x: boolean): string {
  return x ? 'True' : 'False';
}

export { pyStrRepr } from '../../torch/print/py-str';
