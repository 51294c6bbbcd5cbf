/**
 * NumPy's Dragon4 float formatting (`np.format_float_positional`, `np.format_float_scientific`,
 * `numpy/core/src/multiarray/dragon4.c`): shortest-unique digits for the value's own type, cut off at a precision
 * and padded as `array2string` asks.
 */
import {
  exactDecimal,
  fixedDigits,
  significantDigits,
  exponentSuffix,
  type DecimalDigits,
  type FloatFormat,
  FLOAT64,
  shortestDigits,
} from './decimal';

/** Dragon4 trim modes: 'k' keep zeros, '.' trim zeros keep the point, '0' keep one zero, '-' trim zeros and point. */
export type TrimMode = 'k' | '.' | '0' | '-';

/** Arguments shared by the positional and scientific formatters (-1 means "not given"). */
export interface Dragon4Options {
  readonly precision?: number;
  readonly minDigits?: number;
  readonly unique?: boolean;
  readonly trim?: TrimMode;
  /** Print '+' for positive values. */
  readonly sign?: boolean;
  readonly padLeft?: number;
  readonly padRight?: number;
  readonly expDigits?: number;
  /**
   * NumPy 1.x: a `min_digits` of 0 in positional mode still makes Dragon4 generate every digit down to the units
   * place, so a float16 44992 prints as `44992.` where its shortest digits (and NumPy 2) give `45000.`.
   */
  readonly minDigitsReachUnits?: boolean;
}

/**
 * The digits Dragon4 prints: shortest-unique (when `unique`) limited to `cutoff` digits past a reference position
 * and extended to `minDigits`, both rounded half-to-even from the exact value; without `unique`, the exact value
 * rounded at `cutoff`. `roundAt(n)` rounds the exact value to n digits past the reference; `countOf(d)` counts the
 * digits of d past the reference.
 */
function dragonDigits(
  x: number,
  format: FloatFormat,
  unique: boolean,
  cutoff: number,
  minDigits: number,
  roundAt: (digitsPastReference: number) => DecimalDigits,
  countOf: (d: DecimalDigits) => number,
): DecimalDigits {
  if (x === 0) return { digits: '', decpt: 0 };
  if (!unique) return cutoff >= 0 ? roundAt(cutoff) : exactDecimal(x);
  const shortest = shortestDigits(x, format);
  const have = countOf(shortest);
  if (cutoff >= 0 && have > cutoff) return roundAt(cutoff);
  if (minDigits > have) return roundAt(minDigits);
  return shortest;
}

function applyTrim(
  intPart: string,
  frac: string,
  precision: number,
  trim: TrimMode,
): { text: string; fracLen: number } {
  let f = frac;
  if (trim === '0' && f.length === 0) f = '0';
  else if (trim === 'k' && precision > f.length) f += '0'.repeat(precision - f.length);
  if (precision >= 0 && trim !== 'k' && f.length > 0) {
    f = f.replace(/0+$/, '');
    if (f.length === 0 && trim === '0') f = '0';
  }
  if (trim === '-' && f.length === 0) return { text: intPart, fracLen: 0 };
  return { text: intPart + '.' + f, fracLen: f.length };
}

/**
 * `np.format_float_positional(x, precision, unique, fractional=True, trim, sign, pad_left, pad_right, min_digits)`
 * for a value of the given float format (float64 by default).
 */
export function formatFloatPositional(x: number, opts: Dragon4Options = {}, format: FloatFormat = FLOAT64): string {
  const precision = opts.precision ?? -1;
  const minDigits = opts.minDigits ?? -1;
  const unique = opts.unique ?? true;
  const trim = opts.trim ?? 'k';
  if (!Number.isFinite(x)) return nonFinite(x, opts.sign === true);
  const negative = x < 0 || Object.is(x, -0);
  const d = dragonDigits(
    Math.abs(x),
    format,
    unique,
    precision,
    minDigits,
    (fraction) => fixedDigits(x, fraction),
    (s) => (opts.minDigitsReachUnits ? s.digits.length - s.decpt : Math.max(0, s.digits.length - s.decpt)),
  );
  let intPart: string;
  let frac: string;
  if (d.digits === '') {
    intPart = '0';
    frac = '';
  } else if (d.decpt <= 0) {
    intPart = '0';
    frac = '0'.repeat(-d.decpt) + d.digits;
  } else if (d.decpt >= d.digits.length) {
    intPart = d.digits + '0'.repeat(d.decpt - d.digits.length);
    frac = '';
  } else {
    intPart = d.digits.slice(0, d.decpt);
    frac = d.digits.slice(d.decpt);
  }
  if (minDigits > frac.length && unique) frac += '0'.repeat(minDigits - frac.length);
  const signStr = negative ? '-' : opts.sign ? '+' : '';
  const { text, fracLen } = applyTrim(intPart, frac, precision, trim);
  let out = signStr + text;
  const padRight = opts.padRight ?? -1;
  if (padRight >= fracLen) {
    if (trim === '-' && fracLen === 0) out += ' ';
    out += ' '.repeat(padRight - fracLen);
  }
  const padLeft = opts.padLeft ?? -1;
  const whole = intPart.length + signStr.length;
  if (padLeft > whole) out = ' '.repeat(padLeft - whole) + out;
  return out;
}

/**
 * `np.format_float_scientific(x, precision, unique, trim, sign, pad_left, exp_digits, min_digits)` for a value of
 * the given float format.
 */
export function formatFloatScientific(x: number, opts: Dragon4Options = {}, format: FloatFormat = FLOAT64): string {
  const precision = opts.precision ?? -1;
  const minDigits = opts.minDigits ?? -1;
  const unique = opts.unique ?? true;
  const trim = opts.trim ?? 'k';
  if (!Number.isFinite(x)) return nonFinite(x, opts.sign === true);
  const negative = x < 0 || Object.is(x, -0);
  const d = dragonDigits(
    Math.abs(x),
    format,
    unique,
    precision,
    minDigits,
    (fraction) => significantDigits(x, fraction + 1),
    (s) => Math.max(0, s.digits.length - 1),
  );
  const digits = d.digits === '' ? '0' : d.digits;
  const exp = d.digits === '' ? 0 : d.decpt - 1;
  let frac = digits.slice(1);
  if (minDigits > frac.length && unique) frac += '0'.repeat(minDigits - frac.length);
  const signStr = negative ? '-' : opts.sign ? '+' : '';
  const { text } = applyTrim(digits[0]!, frac, precision, trim);
  const expDigits = opts.expDigits !== undefined && opts.expDigits >= 0 ? opts.expDigits : 2;
  let out = signStr + text + exponentSuffix(exp, expDigits);
  const padLeft = opts.padLeft ?? -1;
  const whole = 1 + signStr.length;
  if (padLeft > whole) out = ' '.repeat(padLeft - whole) + out;
  return out;
}

function nonFinite(x: number, plus: boolean): string {
  if (Number.isNaN(x)) return plus ? '+nan' : 'nan';
  return x < 0 ? '-inf' : plus ? '+inf' : 'inf';
}
