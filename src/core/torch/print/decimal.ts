/**
 * Exact decimal digits of binary floating-point values, the ground that Python's float formatting
 * (`format(x, '.4f')`, `repr(x)`), PyTorch's tensor printing (which formats with Python) and NumPy's Dragon4 stand on.
 *
 * Every double is a finite decimal fraction, so it can be expanded exactly with BigInt and then rounded
 * half-to-even as CPython's `_Py_dg_dtoa` and NumPy's Dragon4 do. JavaScript's own `toFixed`/`toExponential` are
 * exact too but round ties up (`(0.5).toFixed(0)` is `'1'`, Python's `format(0.5, '.0f')` is `'0'`), so they are
 * used only where no tie can occur.
 */

/**
 * A non-negative decimal: `0.d1 d2 d3 … × 10^decpt`. `digits` has no leading or trailing zeros; zero is `''`.
 * This is the (digits, decpt) pair of CPython's `_Py_dg_dtoa`.
 */
export interface DecimalDigits {
  readonly digits: string;
  readonly decpt: number;
}

/** A float format: significand bits (with the hidden bit) and minimum normal exponent, as IEEE 754 defines them. */
export interface FloatFormat {
  readonly mantissaBits: number;
  readonly minExponent: number;
}

/** IEEE binary64 (Python float, torch.float64, np.float64). */
export const FLOAT64: FloatFormat = { mantissaBits: 53, minExponent: -1022 };
/** IEEE binary32 (torch.float32, np.float32). */
export const FLOAT32: FloatFormat = { mantissaBits: 24, minExponent: -126 };
/** IEEE binary16 (torch.float16, np.float16). */
export const FLOAT16: FloatFormat = { mantissaBits: 11, minExponent: -14 };

const scratch = new DataView(new ArrayBuffer(8));

/** `x = mantissa × 2^exponent` exactly, for finite non-negative x (mantissa is 0 for zero). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa, exponent };
}

const pow5Cache: bigint[] = [1n];
function pow5(n: number): bigint {
  while (pow5Cache.length <= n) pow5Cache.push(pow5Cache[pow5Cache.length - 1]! * 5n);
  return pow5Cache[n]!;
}

function pow10(n: number): bigint {
  return pow5(n) << BigInt(n);
}

function stripZeros(digits: string, decpt: number): DecimalDigits {
  let start = 0;
  while (start < digits.length && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === '0') end--;
  if (start === end) return { digits: '', decpt: 0 };
  return { digits: digits.slice(start, end), decpt: decpt - start };
}

/** The exact decimal expansion of |x| for a finite double x. */
export function exactDecimal(x: number): DecimalDigits {
  const { mantissa, exponent } = decompose(Math.abs(x));
  if (mantissa === 0n) return { digits: '', decpt: 0 };
  if (exponent >= 0) {
    const s = (mantissa << BigInt(exponent)).toString();
    return stripZeros(s, s.length);
  }
  const s = (mantissa * pow5(-exponent)).toString();
  return stripZeros(s, s.length + exponent);
}

/**
 * Rounds a decimal to keep `keep` digits (counted from the first digit), half to even on the exact value.
 * `keep` may be zero or negative (everything rounds to zero or to one unit of the kept position).
 */
export function roundDigits(d: DecimalDigits, keep: number): DecimalDigits {
  const { digits, decpt } = d;
  if (keep >= digits.length) return d;
  if (keep < 0) return { digits: '', decpt: 0 };
  const next = digits.charCodeAt(keep) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (keep + 1 < digits.length)
    up = true; // digits has no trailing zeros: something non-zero follows
  else up = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
  if (!up) return stripZeros(digits.slice(0, keep), decpt);
  if (keep === 0) return { digits: '1', decpt: decpt + 1 };
  const chars = digits.slice(0, keep).split('');
  let i = keep - 1;
  while (i >= 0 && chars[i] === '9') {
    chars[i] = '0';
    i--;
  }
  if (i < 0) return stripZeros('1' + chars.join(''), decpt + 1);
  chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
  return stripZeros(chars.join(''), decpt);
}

/** Number of decimal digits after the point in the exact expansion of a finite double (0 for integers). */
function fractionalDigitCount(x: number): number {
  let m = Math.abs(x);
  let k = 0;
  while (m !== Math.floor(m)) {
    m *= 2;
    k++;
  }
  return k;
}

/**
 * |x| rounded half-to-even to `precision` digits after the decimal point, as digits and decimal point position.
 * Mirrors `_Py_dg_dtoa(x, mode=3, precision)`.
 */
export function fixedDigits(x: number, precision: number): DecimalDigits {
  const ax = Math.abs(x);
  // JavaScript's toFixed is exact apart from ties, and a tie needs exactly precision+1 fractional digits
  if (ax < 1e21 && precision >= 0 && precision <= 100 && fractionalDigitCount(ax) !== precision + 1) {
    const s = ax.toFixed(precision);
    const point = s.indexOf('.');
    const intPart = point < 0 ? s : s.slice(0, point);
    const all = point < 0 ? s : intPart + s.slice(point + 1);
    return stripZeros(all, intPart.length);
  }
  const d = exactDecimal(ax);
  return roundDigits(d, d.decpt + precision);
}

/**
 * |x| rounded half-to-even to `significant` significant digits (at least 1). Mirrors `_Py_dg_dtoa(x, mode=2, n)`.
 * For zero the result is `{digits: '', decpt: 0}`.
 */
export function significantDigits(x: number, significant: number): DecimalDigits {
  const ax = Math.abs(x);
  if (ax === 0) return { digits: '', decpt: 0 };
  if (significant <= 100 && ax < 1e21) {
    // toExponential is exact apart from ties; a tie needs the exact expansion to end at digit significant+1,
    // which a value with many fractional digits cannot do.
    const k = fractionalDigitCount(ax);
    const intDigits = ax >= 1 ? Math.floor(Math.log10(ax)) + 1 : 0;
    const leadingZeros = ax < 1 ? Math.max(0, -Math.floor(Math.log10(ax)) - 2) : 0;
    // an integer (k = 0) may end in a 5 at any position: those take the exact path
    if (k > 0 && intDigits + k - leadingZeros > significant + 3) {
      const s = ax.toExponential(significant - 1);
      const e = s.indexOf('e');
      const mant = s.slice(0, e).replace('.', '');
      const exp = Number(s.slice(e + 1));
      return stripZeros(mant, exp + 1);
    }
  }
  return roundDigits(exactDecimal(ax), significant);
}

/** Compares `d × 10^q` with `n × 2^e` exactly (d, n non-negative). */
function compareScaled(d: bigint, q: number, n: bigint, e: number): number {
  let left = d;
  let right = n;
  if (q >= 0) left *= pow10(q);
  else right *= pow10(-q);
  if (e >= 0) right <<= BigInt(e);
  else left <<= BigInt(-e);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The shortest decimal digits that round back to |x| in the given float format, the closest such when several
 * have that length: Python's `repr` digits for float64, NumPy's Dragon4 `unique=True` digits for float32/float16.
 * `x` must already be a value of that format (e.g. `Math.fround(x)` for float32).
 */
export function shortestDigits(x: number, format: FloatFormat = FLOAT64): DecimalDigits {
  const ax = Math.abs(x);
  if (ax === 0) return { digits: '', decpt: 0 };
  if (format === FLOAT64) {
    // Number.prototype.toString yields the shortest round-tripping digits, the closest when there is a choice
    const s = ax.toExponential();
    const e = s.indexOf('e');
    return stripZeros(s.slice(0, e).replace('.', ''), Number(s.slice(e + 1)) + 1);
  }
  return shortestNarrowFast(ax, format) ?? shortestNarrowExact(ax, format);
}

/** Test hook: the exact (BigInt) shortest-digits path alone, to check the fast path against. */
export function shortestDigitsExactForTest(x: number, format: FloatFormat): DecimalDigits {
  return x === 0 ? { digits: '', decpt: 0 } : shortestNarrowExact(Math.abs(x), format);
}

/**
 * The shortest digits for a float32/float16 value using doubles only. The rounding interval's bounds are exact
 * doubles and parsing a decimal rounds monotonically, so a candidate that parses strictly inside (outside) the bounds
 * is inside (outside); one that parses onto a bound is undecided here (null: take the exact path).
 */
function shortestNarrowFast(ax: number, format: FloatFormat): DecimalDigits | null {
  const bits = format.mantissaBits;
  let e2 = Math.floor(Math.log2(ax));
  if (2 ** e2 > ax) e2--;
  else if (2 ** (e2 + 1) <= ax) e2++;
  const ulpExp = Math.max(e2, format.minExponent) - (bits - 1);
  const ulp = 2 ** ulpExp;
  const m = ax / ulp;
  if (!Number.isInteger(m)) return null; // not a value of this format
  const lowerIsCloser = m === 2 ** (bits - 1) && e2 > format.minExponent;
  const high = ax + ulp / 2;
  const low = ax - (lowerIsCloser ? ulp / 4 : ulp / 2);
  // some n-digit decimal fits ⇒ some (n+1)-digit one does: binary search for the shortest length
  let lo = 1;
  let hi = bits === 24 ? 9 : bits === 11 ? 5 : 17;
  let found: DecimalDigits | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = attemptDigits(ax, mid, low, high);
    if (r === null) return null;
    if (r === 'none') lo = mid + 1;
    else {
      found = r;
      hi = mid - 1;
    }
  }
  return found;
}

/** 1 when `mant × 10^exp` lies strictly inside (low, high), 0 outside, -1 on a bound (ties-to-even decides). */
function fitsInterval(mant: number, exp: number, low: number, high: number): number {
  const x = Number(mant + 'e' + exp);
  if (x === low || x === high) return -1;
  return x > low && x < high ? 1 : 0;
}

/**
 * The n-digit decimals nearest to ax on either side: the digits that fit (the nearer one; the even one on a tie),
 * 'none' when neither fits, null when undecided.
 */
function attemptDigits(ax: number, n: number, low: number, high: number): DecimalDigits | 'none' | null {
  const s = ax.toExponential(n - 1);
  const ePos = s.indexOf('e');
  const mant = Number(s.slice(0, ePos).replace('.', ''));
  const exp = Number(s.slice(ePos + 1)) - (n - 1);
  const nearest = fitsInterval(mant, exp, low, high);
  const other = Number(mant + 'e' + exp) > ax ? mant - 1 : mant + 1;
  const otherFits = fitsInterval(other, exp, low, high);
  if (nearest < 0 || otherFits < 0) return null;
  if (nearest === 1 && otherFits === 1) {
    // toExponential breaks a tie upwards where Dragon4 takes the even digit; a tie needs the exact value to have
    // n+1 digits ending in 5
    const longer = ax.toExponential(n);
    if (longer[longer.indexOf('e') - 1] === '5' && exactDecimal(ax).digits.length === n + 1) {
      const even = mant % 2 === 0 ? mant : other;
      return stripZeros(String(even), String(even).length + exp);
    }
  }
  if (nearest === 1) return stripZeros(String(mant), String(mant).length + exp);
  if (otherFits === 1) return stripZeros(String(other), String(other).length + exp);
  return 'none';
}

/** The shortest digits for a float32/float16 value by exact BigInt comparison with its rounding interval. */
function shortestNarrowExact(ax: number, format: FloatFormat): DecimalDigits {
  // Re-express x in the target format: x = m × 2^e with m < 2^(bits) and e ≥ minExponent-(bits-1).
  const { mantissa, exponent } = decompose(ax);
  let m = mantissa;
  let e = exponent;
  while (m > 0n && (m & 1n) === 0n) {
    m >>= 1n;
    e++;
  }
  const bits = format.mantissaBits;
  const minE = format.minExponent - (bits - 1);
  // normalise so that m has `bits` bits (or fewer at the subnormal floor)
  while (e > minE && m < 1n << BigInt(bits - 1)) {
    m <<= 1n;
    e--;
  }
  // the rounding interval: [x - gapBelow/2, x + gapAbove/2], inclusive when m is even (ties go to even)
  const lowerIsCloser = m === 1n << BigInt(bits - 1) && e > minE;
  // bounds as n × 2^(e-2)
  const high = (4n * m + 2n) as bigint;
  const low = lowerIsCloser ? 4n * m - 1n : 4n * m - 2n;
  const inclusive = (m & 1n) === 0n;
  const exact = exactDecimal(ax);
  const inside = (cand: DecimalDigits): boolean => {
    const d = BigInt(cand.digits || '0');
    const q = cand.decpt - cand.digits.length;
    const cLow = compareScaled(d, q, low, e - 2);
    const cHigh = compareScaled(d, q, high, e - 2);
    if (inclusive) return cLow >= 0 && cHigh <= 0;
    return cLow > 0 && cHigh < 0;
  };
  for (let n = 1; n < exact.digits.length; n++) {
    const down = stripZeros(exact.digits.slice(0, n), exact.decpt);
    const up = roundUpAt(exact, n);
    const downOk = inside(down);
    const upOk = inside(up);
    if (downOk && upOk) return roundDigits(exact, n); // both fit: the closer one (half-even on a tie)
    if (downOk) return down;
    if (upOk) return up;
  }
  return exact;
}

/** The first `keep` digits of d, plus one unit in the last kept place. */
function roundUpAt(d: DecimalDigits, keep: number): DecimalDigits {
  const chars = d.digits.slice(0, keep).split('');
  let i = keep - 1;
  while (i >= 0 && chars[i] === '9') {
    chars[i] = '0';
    i--;
  }
  if (i < 0) return stripZeros('1' + chars.join(''), d.decpt + 1);
  chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
  return stripZeros(chars.join(''), d.decpt);
}

/** The float format a value is stored in, by PyTorch/NumPy dtype name (`'float32'` → binary32). */
export function floatFormatOf(dtype: string): FloatFormat {
  if (dtype === 'float32') return FLOAT32;
  if (dtype === 'float16') return FLOAT16;
  return FLOAT64;
}

/** `n` zeros. */
export function zeros(n: number): string {
  return n > 0 ? '0'.repeat(n) : '';
}

/**
 * Lays out digits as a fixed-point string with exactly `fraction` digits after the point (no point when 0),
 * without sign. `d` must already be rounded to that many fractional digits.
 */
export function layoutFixed(d: DecimalDigits, fraction: number): string {
  const { digits, decpt } = d;
  if (digits === '') return fraction > 0 ? '0.' + zeros(fraction) : '0';
  let intPart: string;
  let fracPart: string;
  if (decpt <= 0) {
    intPart = '0';
    fracPart = zeros(-decpt) + digits;
  } else if (decpt >= digits.length) {
    intPart = digits + zeros(decpt - digits.length);
    fracPart = '';
  } else {
    intPart = digits.slice(0, decpt);
    fracPart = digits.slice(decpt);
  }
  fracPart = fracPart + zeros(fraction - fracPart.length);
  return fraction > 0 ? intPart + '.' + fracPart : intPart;
}

/** Python's exponent suffix: `e+05`, `e-10`, `e+100` (sign and at least two digits). */
export function exponentSuffix(exp: number, minDigits = 2): string {
  const a = String(Math.abs(exp));
  return (exp < 0 ? 'e-' : 'e+') + zeros(minDigits - a.length) + a;
}

/** Options of CPython's `format_float_short` (`Py_DTSF_*` flags). */
export interface FloatShortOptions {
  /** `Py_DTSF_ADD_DOT_0`: an integral result in fixed notation gets `.0` (repr, and format type ''). */
  readonly addDot0?: boolean;
  /** `Py_DTSF_ALT` (`#`): keep the decimal point and, for 'g', trailing zeros. */
  readonly alt?: boolean;
  /** Upper-case `E`, `INF`, `NAN` (types E, F, G). */
  readonly upper?: boolean;
}

/**
 * Formats a Python float without sign handling beyond a leading '-': mirrors CPython's `PyOS_double_to_string`
 * (`format_float_short`) for format codes 'e', 'f', 'g' and 'r' (repr: shortest round-trip digits, exponent when
 * the decimal point position is ≤ -4 or > 16). NaN prints without sign, as in CPython.
 */
export function formatFloatShort(
  x: number,
  code: 'e' | 'f' | 'g' | 'r',
  precision: number,
  opts: FloatShortOptions = {},
): string {
  const upper = opts.upper === true;
  if (Number.isNaN(x)) return upper ? 'NAN' : 'nan';
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : '';
  if (!Number.isFinite(x)) return sign + (upper ? 'INF' : 'inf');
  const alt = opts.alt === true;
  const addDot0 = opts.addDot0 === true;
  let d: DecimalDigits;
  if (code === 'r') d = shortestDigits(x);
  else if (code === 'f') d = fixedDigits(x, precision);
  else if (code === 'e') d = significantDigits(x, precision + 1);
  else {
    if (precision === 0) precision = 1;
    d = significantDigits(x, precision);
  }
  // _Py_dg_dtoa returns "0" with decpt 1 for zero
  let digits = d.digits;
  let decpt = d.decpt;
  if (digits === '') {
    digits = '0';
    decpt = code === 'f' ? 1 : 1;
  }
  const digitsLen = digits.length;
  let vdigitsEnd = digitsLen;
  let useExp = false;
  switch (code) {
    case 'e':
      useExp = true;
      vdigitsEnd = precision + 1;
      break;
    case 'f':
      vdigitsEnd = decpt + precision;
      break;
    case 'g':
      if (decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision)) useExp = true;
      if (alt) vdigitsEnd = precision;
      break;
    case 'r':
      if (decpt <= -4 || decpt > 16) useExp = true;
      break;
  }
  let exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vdigitsStart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && addDot0) vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt + 1;
  else vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt;
  let out = '';
  if (decpt <= 0) out += zeros(decpt - vdigitsStart) + '.' + zeros(-decpt);
  else out += zeros(-vdigitsStart);
  if (decpt > 0 && decpt <= digitsLen) out += digits.slice(0, decpt) + '.' + digits.slice(decpt);
  else out += digits;
  if (digitsLen < decpt) out += zeros(decpt - digitsLen) + '.' + zeros(vdigitsEnd - decpt);
  else out += zeros(vdigitsEnd - digitsLen);
  if (out.endsWith('.') && !alt) out = out.slice(0, -1);
  if (useExp) out += (upper ? 'E' : 'e') + exponentSuffix(exp).slice(1);
  return sign + out;
}

/** Python's `'{:.{p}f}'.format(x)`. */
export function pyFixed(x: number, precision: number): string {
  return formatFloatShort(x, 'f', precision);
}

/** Python's `'{:.{p}e}'.format(x)`. */
export function pyExponent(x: number, precision: number): string {
  return formatFloatShort(x, 'e', precision);
}

/** Rounds a double to the nearest value of a narrower binary format (half to even), overflowing to ±inf. */
function roundToFormat(x: number, bits: number, minExponent: number, maxExponent: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const quantum = 2 ** (Math.max(e, minExponent) - (bits - 1));
  const q = a / quantum;
  const fl = Math.floor(q);
  const diff = q - fl;
  const n = diff > 0.5 || (diff === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  const r = n * quantum;
  const max = (2 - 2 ** (1 - bits)) * 2 ** maxExponent;
  const out = r > max ? Infinity : r;
  return x < 0 ? -out : out;
}

/** `torch.tensor(x, dtype=torch.float16)` / `np.float16(x)`: the nearest binary16 value. */
export function roundToFloat16(x: number): number {
  return roundToFormat(x, 11, -14, 15);
}

/** `torch.tensor(x, dtype=torch.bfloat16)`: the nearest bfloat16 value. */
export function roundToBfloat16(x: number): number {
  return roundToFormat(x, 8, -126, 127);
}

/** A value as a tensor/array of the given dtype stores it (float32, float16, bfloat16 rounding; others as is). */
export function storedValue(x: number, dtype: string): number {
  if (dtype === 'float32') return Math.fround(x);
  if (dtype === 'float16') return roundToFloat16(x);
  if (dtype === 'bfloat16') return roundToBfloat16(x);
  return x;
}
