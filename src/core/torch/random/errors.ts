/**
 * The error every generator throws for bad arguments: the Python exception class and the exact message PyTorch,
 * NumPy or CPython raise for the same call, so the interpreter can raise it unchanged (users search for that text).
 */

/** The Python exception classes these libraries raise here. */
export type PythonExceptionType = 'RuntimeError' | 'ValueError' | 'IndexError' | 'OverflowError' | 'AssertionError';

/** A Python exception to raise: `pythonType(message)`. */
export class RandomArgumentError extends Error {
  constructor(
    readonly pythonType: PythonExceptionType,
    message: string,
  ) {
    super(message);
    this.name = 'RandomArgumentError';
  }
}

/** A double as C++'s `std::ostream << double` prints it in PyTorch's messages (`%g` with 6 significant digits). */
export function formatCDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(6)))));
  if (exp < -5 || exp >= 6) {
    const [mant = '', e = '0'] = v.toExponential(5).split('e');
    const m = mant.replace(/\.?0+$/, '');
    const en = Number(e);
    return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  return v.toFixed(Math.max(0, 5 - exp)).replace(/\.?0+$/, '');
}
