/**
 * NumPy's array and scalar printing: `repr(ndarray)` (`array_repr`), `str(ndarray)` (`array_str`),
 * `np.array2string` with the default print options, and the repr/str of NumPy scalars, for NumPy 1.x (1.24) and
 * NumPy 2.x (2.4) — they differ in scalar reprs (`np.float32(0.1)`), the float32/float16 scientific cutoff and the
 * `shape=` of summarised arrays.
 */
import { floatFormatOf, storedValue, type FloatFormat } from './decimal';
import { formatFloatPositional, formatFloatScientific, type TrimMode } from './dragon4';
import { pyStrRepr } from './py-str';

/** NumPy dtype names Loss Lens prints. */
export type NumpyDType =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** A dense C-order ndarray as printing sees it (int64 as doubles, bool as 0/1). */
export interface PrintableArray {
  readonly dtype: NumpyDType;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** `np.get_printoptions()` fields that printing reads. */
export interface NumpyPrintOptions {
  readonly precision: number;
  readonly threshold: number;
  readonly edgeitems: number;
  readonly linewidth: number;
  readonly suppress: boolean;
  readonly floatmode: 'fixed' | 'unique' | 'maxprec' | 'maxprec_equal';
  readonly sign: '-' | '+' | ' ';
  readonly nanstr: string;
  readonly infstr: string;
}

/** NumPy's default print options. */
export const DEFAULT_NUMPY_PRINT_OPTIONS: NumpyPrintOptions = {
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
  suppress: false,
  floatmode: 'maxprec',
  sign: '-',
  nanstr: 'nan',
  infstr: 'inf',
};

/** The keyword arguments of `np.set_printoptions` that printing reads (None/undefined leaves a field as it is). */
export interface SetNumpyPrintOptionsArgs {
  readonly precision?: number | null;
  readonly threshold?: number | null;
  readonly edgeitems?: number | null;
  readonly linewidth?: number | null;
  readonly suppress?: boolean | null;
  readonly floatmode?: NumpyPrintOptions['floatmode'] | null;
  readonly sign?: NumpyPrintOptions['sign'] | null;
  readonly nanstr?: string | null;
  readonly infstr?: string | null;
}

/** `np.set_printoptions(**args)` applied to the current options, returning the new ones. */
export function setNumpyPrintOptions(current: NumpyPrintOptions, args: SetNumpyPrintOptionsArgs): NumpyPrintOptions {
  return {
    precision: args.precision ?? current.precision,
    threshold: args.threshold ?? current.threshold,
    edgeitems: args.edgeitems ?? current.edgeitems,
    linewidth: args.linewidth ?? current.linewidth,
    suppress: args.suppress ?? current.suppress,
    floatmode: args.floatmode ?? current.floatmode,
    sign: args.sign ?? current.sign,
    nanstr: args.nanstr ?? current.nanstr,
    infstr: args.infstr ?? current.infstr,
  };
}

/** Which NumPy prints, and with which options. */
export interface NumpyReprOptions {
  /** 2 (default) or 1. */
  readonly numpyMajor?: 1 | 2;
  readonly printOptions?: NumpyPrintOptions;
}

function isFloatDtype(dtype: NumpyDType): boolean {
  return dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
}

function isIntDtype(dtype: NumpyDType): boolean {
  return !isFloatDtype(dtype) && dtype !== 'bool';
}

/** The element as NumPy holds it: float32/float16 values given as plain doubles are rounded first. */
function elementValue(value: number, dtype: NumpyDType): number {
  return storedValue(value, dtype);
}

function intStr(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

/** `np.finfo(dtype).precision`. */
function finfoPrecision(dtype: NumpyDType): number {
  return dtype === 'float16' ? 3 : dtype === 'float32' ? 6 : 15;
}

type ElementFormat = (value: number) => string;

/** `arrayprint.FloatingFormat` for the default (non-legacy) mode. */
function floatingFormat(
  data: readonly number[],
  dtype: NumpyDType,
  opts: NumpyPrintOptions,
  major: 1 | 2,
  is0d: boolean,
): ElementFormat {
  void is0d;
  const format: FloatFormat = floatFormatOf(dtype);
  let precision = opts.floatmode === 'unique' ? -1 : opts.precision;
  const finite = data.filter((v) => Number.isFinite(v));
  let expFormat = false;
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  if (nonZero.length > 0) {
    let max = 0;
    let min = Infinity;
    for (const a of nonZero) {
      if (a > max) max = a;
      if (a < min) min = a;
    }
    const cutoff = major === 1 ? 1e8 : 10 ** Math.min(8, finfoPrecision(dtype));
    // the comparison runs in the array's dtype: max/min overflow to inf in float16/float32 counts as > 1000
    const ratio = storedValue(max / min, dtype);
    // and the Python float 0.0001 is converted to that dtype first
    const tiny = storedValue(0.0001, dtype);
    if (max >= cutoff || (!opts.suppress && (min < tiny || ratio > 1000))) expFormat = true;
  }
  const plus = opts.sign === '+';
  let padLeft = 0;
  let padRight = 0;
  let trim: TrimMode = '.';
  let expSize = -1;
  let unique = true;
  let minDigits = -1;
  if (finite.length === 0) {
    padLeft = 0;
    padRight = 0;
    trim = '.';
    expSize = -1;
    unique = true;
    minDigits = -1;
  } else if (expFormat) {
    let t: TrimMode = '.';
    unique = true;
    if (opts.floatmode === 'fixed') {
      t = 'k';
      unique = false;
    }
    const strs = finite.map((x) => formatFloatScientific(x, { precision, unique, trim: t, sign: plus }, format));
    let maxFrac = 0;
    let maxInt = 0;
    let maxExp = 0;
    for (const s of strs) {
      const e = s.indexOf('e');
      const mant = s.slice(0, e);
      const point = mant.indexOf('.');
      maxInt = Math.max(maxInt, point);
      maxFrac = Math.max(maxFrac, mant.length - point - 1);
      maxExp = Math.max(maxExp, s.length - e - 1);
    }
    expSize = maxExp - 1;
    trim = 'k';
    precision = maxFrac;
    minDigits = maxFrac;
    padLeft = maxInt;
    padRight = expSize + 2 + precision;
  } else {
    let t: TrimMode = '.';
    unique = true;
    if (opts.floatmode === 'fixed') {
      t = 'k';
      unique = false;
    }
    const strs = finite.map((x) => formatFloatPositional(x, { precision, unique, trim: t, sign: plus }, format));
    let maxInt = 0;
    let maxFrac = 0;
    for (const s of strs) {
      const point = s.indexOf('.');
      maxInt = Math.max(maxInt, point);
      maxFrac = Math.max(maxFrac, s.length - point - 1);
    }
    padLeft = maxInt;
    padRight = maxFrac;
    if (opts.floatmode === 'fixed' || opts.floatmode === 'maxprec_equal') {
      precision = minDigits = padRight;
      trim = 'k';
    } else {
      trim = '.';
      minDigits = 0;
    }
  }
  if (opts.sign === ' ' && !finite.some((v) => v < 0 || Object.is(v, -0))) padLeft += 1;
  if (data.length !== finite.length) {
    const negInf = opts.sign !== '-' || data.some((v) => v === -Infinity);
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, opts.nanstr.length - offset, opts.infstr.length + (negInf ? 1 : 0) - offset);
  }
  return (x: number): string => {
    if (!Number.isFinite(x)) {
      let ret: string;
      if (Number.isNaN(x)) ret = (plus ? '+' : '') + opts.nanstr;
      else ret = (x < 0 ? '-' : plus ? '+' : '') + opts.infstr;
      const n = padLeft + padRight + 1 - ret.length;
      return (n > 0 ? ' '.repeat(n) : '') + ret;
    }
    if (expFormat) {
      return formatFloatScientific(
        x,
        { precision, minDigits, unique, trim, sign: plus, padLeft, expDigits: expSize },
        format,
      );
    }
    return formatFloatPositional(
      x,
      { precision, minDigits, unique, trim, sign: plus, padLeft, padRight, minDigitsReachUnits: major === 1 },
      format,
    );
  };
}

/** `arrayprint.IntegerFormat`. */
function integerFormat(data: readonly number[], opts: NumpyPrintOptions, major: 1 | 2): ElementFormat {
  let width = 0;
  let sign = major === 2 ? opts.sign : '-';
  if (data.length > 0) {
    let max = -Infinity;
    let min = Infinity;
    for (const v of data) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    let maxLen = intStr(max).length;
    if (sign === ' ' && min < 0) sign = '-';
    if (max >= 0 && (sign === '+' || sign === ' ')) maxLen += 1;
    width = Math.max(maxLen, intStr(min).length);
  }
  return (x: number): string => {
    let s = intStr(x);
    if (x >= 0 && sign === '+') s = '+' + s;
    else if (x >= 0 && sign === ' ') s = ' ' + s;
    return s.length < width ? ' '.repeat(width - s.length) + s : s;
  };
}

/** `arrayprint._leading_trailing` flattened: the values the formatters size their columns with. */
function leadingTrailing(a: PrintableArray, edge: number): number[] {
  const out: number[] = [];
  const strides = stridesOf(a.shape);
  const walk = (axis: number, offset: number): void => {
    if (axis === a.shape.length) {
      out.push(elementValue(a.data[offset]!, a.dtype));
      return;
    }
    const n = a.shape[axis]!;
    const rows: number[] = [];
    if (n > 2 * edge) {
      for (let i = 0; i < edge; i++) rows.push(i);
      for (let i = n - edge; i < n; i++) rows.push(i);
    } else for (let i = 0; i < n; i++) rows.push(i);
    for (const i of rows) walk(axis + 1, offset + i * strides[axis]!);
  };
  walk(0, 0);
  return out;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function formatFunctionFor(
  a: PrintableArray,
  values: readonly number[],
  opts: NumpyPrintOptions,
  major: 1 | 2,
): ElementFormat {
  if (a.dtype === 'bool') {
    const trueStr = a.shape.length === 0 ? 'True' : ' True';
    return (x) => (x !== 0 ? trueStr : 'False');
  }
  if (isIntDtype(a.dtype)) return integerFormat(values, opts, major);
  return floatingFormat(values, a.dtype, opts, major, a.shape.length === 0);
}

function extendLine(
  s: string,
  line: string,
  word: string,
  lineWidth: number,
  nextLinePrefix: string,
): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.replace(/\s+$/, '') + '\n';
    line = nextLinePrefix;
  }
  return [s, line + word];
}

/** `arrayprint._formatArray` (non-legacy). */
function formatArray(
  shape: readonly number[],
  element: (offset: number) => string,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  edgeItems: number,
  summaryInsert: string,
): string {
  const strides = stridesOf(shape);
  const ndim = shape.length;
  const recurse = (axis: number, offset: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return element(offset);
    const nextHangingIndent = hangingIndent + ' ';
    const nextWidth = currWidth - 1;
    const aLen = shape[axis]!;
    const showSummary = summaryInsert !== '' && 2 * edgeItems < aLen;
    const leading = showSummary ? edgeItems : 0;
    const trailing = showSummary ? edgeItems : aLen;
    const stride = strides[axis]!;
    const child = (i: number): string => recurse(axis + 1, offset + i * stride, nextHangingIndent, nextWidth);
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(separator.replace(/\s+$/, '').length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, child(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, child(aLen - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, child(aLen - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = separator.replace(/\s+$/, '') + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(aLen - i) + lineSep;
      s += hangingIndent + child(aLen - 1);
    }
    return '[' + s.slice(hangingIndent.length) + ']';
  };
  return recurse(0, 0, nextLinePrefix, lineWidth);
}

/** `np.array2string(a, separator=sep, prefix=prefix, suffix=suffix)` with the given print options. */
export function array2string(
  a: PrintableArray,
  opts: NumpyPrintOptions = DEFAULT_NUMPY_PRINT_OPTIONS,
  separator = ' ',
  prefix = '',
  suffix = '',
  numpyMajor: 1 | 2 = 2,
): string {
  const lineWidth = opts.linewidth - suffix.length;
  const size = sizeOf(a.shape);
  if (size === 0) return '[]';
  let values: number[];
  let summaryInsert = '';
  if (size > opts.threshold) {
    summaryInsert = '...';
    values = leadingTrailing(a, opts.edgeitems);
  } else {
    values = new Array<number>(size);
    for (let i = 0; i < size; i++) values[i] = elementValue(a.data[i]!, a.dtype);
  }
  const format = formatFunctionFor(a, values, opts, numpyMajor);
  return formatArray(
    a.shape,
    (offset) => format(elementValue(a.data[offset]!, a.dtype)),
    lineWidth,
    ' ' + ' '.repeat(prefix.length),
    separator,
    opts.edgeitems,
    summaryInsert,
  );
}

/** `arrayprint.dtype_is_implied`: int64, float64, bool (and complex128) print without `dtype=`. */
function dtypeIsImplied(dtype: NumpyDType): boolean {
  return dtype === 'int64' || dtype === 'float64' || dtype === 'bool';
}

/** Python's `str(tuple(shape))`. */
function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return '(' + shape[0] + ',)';
  return '(' + shape.join(', ') + ')';
}

/**
 * `repr(ndarray)` (`np.array_repr`): `array([0.1, 0.2], dtype=float32)`, `array([], shape=(0, 3), dtype=float64)`,
 * `array(0.5)`; NumPy ≥ 2.2 adds `shape=(…)` to a summarised array.
 */
export function ndarrayRepr(a: PrintableArray, options: NumpyReprOptions = {}): string {
  const major = options.numpyMajor ?? 2;
  const opts = options.printOptions ?? DEFAULT_NUMPY_PRINT_OPTIONS;
  const prefix = 'array(';
  const size = sizeOf(a.shape);
  const emptyNonVector = size === 0 && !(a.shape.length === 1 && a.shape[0] === 0);
  if (major === 1) {
    const skipDtype = dtypeIsImplied(a.dtype) && size > 0;
    const suffix = skipDtype ? ')' : ',';
    let lst: string;
    if (size > 0 || !emptyNonVector) lst = array2string(a, opts, ', ', prefix, suffix, 1);
    else lst = '[], shape=' + shapeTuple(a.shape);
    const arrStr = prefix + lst + suffix;
    if (skipDtype) return arrStr;
    const dtypeStr = 'dtype=' + a.dtype + ')';
    const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
    const spacer = lastLineLen + dtypeStr.length + 1 > opts.linewidth ? '\n' + ' '.repeat(prefix.length) : ' ';
    return arrStr + spacer + dtypeStr;
  }
  const lst = array2string(a, opts, ', ', prefix, ')', 2);
  const extras: string[] = [];
  if (emptyNonVector || size > opts.threshold) extras.push('shape=' + shapeTuple(a.shape));
  if (!dtypeIsImplied(a.dtype) || size === 0) extras.push('dtype=' + a.dtype);
  if (extras.length === 0) return prefix + lst + ')';
  const arrStr = prefix + lst + ',';
  const extraStr = extras.join(', ') + ')';
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + extraStr.length + 1 > opts.linewidth ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + extraStr;
}

/** `str(ndarray)` (`np.array_str`): `[0.1 0.2]`; a 0-d array prints as its scalar's str. */
export function ndarrayStr(a: PrintableArray, options: NumpyReprOptions = {}): string {
  const major = options.numpyMajor ?? 2;
  const opts = options.printOptions ?? DEFAULT_NUMPY_PRINT_OPTIONS;
  if (a.shape.length === 0) return numpyScalarStr(a.data[0]!, a.dtype, major);
  return array2string(a, opts, ' ', '', '', major);
}

/**
 * The shortest-digits str of a NumPy float scalar (`np.float32(0.1)` → `'0.1'`, `1e-05`, `1e+16`, `inf`):
 * positional from 1e-4 up to 1e16, except that NumPy 2 switches float32 to scientific at 1e6 and float16 at 1e3.
 */
function floatScalarStr(x: number, dtype: NumpyDType, major: 1 | 2): string {
  const format = floatFormatOf(dtype);
  const v = elementValue(x, dtype);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
  const a = Math.abs(v);
  const upper = major === 1 || dtype === 'float64' ? 1e16 : dtype === 'float32' ? 1e6 : 1e3;
  if (a === 0 || (a >= 1e-4 && a < upper)) return formatFloatPositional(v, { unique: true, trim: '0' }, format);
  return formatFloatScientific(v, { unique: true, trim: '-' }, format);
}

/**
 * `str(np.float32(x))`, `str(np.int64(x))`, `str(np.bool_(x))`. Floats print their shortest round-tripping digits
 * for their own type (`np.float32(0.1)` → `0.1`, not `0.10000000149011612`); NumPy 2 prints float32 from 1e6 and
 * float16 from 1e3 in scientific notation (`1e+06`), NumPy 1 from 1e16 for all.
 */
export function numpyScalarStr(value: number, dtype: NumpyDType, numpyMajor: 1 | 2 = 2): string {
  if (dtype === 'bool') return value !== 0 ? 'True' : 'False';
  if (isIntDtype(dtype)) return intStr(value);
  return floatScalarStr(value, dtype, numpyMajor);
}

/**
 * `repr()` of a NumPy scalar: NumPy 2 spells the type (`np.float32(0.101659656)`, `np.int64(3)`, `np.True_`),
 * NumPy 1 prints the str (`0.101659656`, `3`, `True`).
 */
export function numpyScalarRepr(value: number, dtype: NumpyDType, numpyMajor: 1 | 2 = 2): string {
  const s = numpyScalarStr(value, dtype, numpyMajor);
  if (numpyMajor === 1) return s;
  if (dtype === 'bool') return value !== 0 ? 'np.True_' : 'np.False_';
  return 'np.' + dtype + '(' + s + ')';
}

/** A NumPy unicode-string array (`dtype='<U5'`): its strings in C order and the dtype's character count. */
export interface PrintableStringArray {
  readonly shape: readonly number[];
  readonly data: readonly string[];
  /** The N of `<UN>`: the longest string when the array was made (slices keep it). */
  readonly itemsize: number;
}

function stringArray2string(
  a: PrintableStringArray,
  opts: NumpyPrintOptions,
  separator: string,
  prefix: string,
  suffix: string,
): string {
  const size = sizeOf(a.shape);
  if (size === 0) return '[]';
  const summaryInsert = size > opts.threshold ? '...' : '';
  // string elements print as their Python repr, without padding to a common width
  return formatArray(
    a.shape,
    (offset) => pyStrRepr(a.data[offset]!),
    opts.linewidth - suffix.length,
    ' ' + ' '.repeat(prefix.length),
    separator,
    opts.edgeitems,
    summaryInsert,
  );
}

/**
 * `repr()` of a NumPy string array: `array(['cat', 'dog'], dtype='<U3')` (the dtype is always shown, quoted).
 */
export function stringArrayRepr(a: PrintableStringArray, options: NumpyReprOptions = {}): string {
  const major = options.numpyMajor ?? 2;
  const opts = options.printOptions ?? DEFAULT_NUMPY_PRINT_OPTIONS;
  const prefix = 'array(';
  const size = sizeOf(a.shape);
  const emptyNonVector = size === 0 && !(a.shape.length === 1 && a.shape[0] === 0);
  const dtype = "dtype='<U" + a.itemsize + "'";
  let lst: string;
  if (a.shape.length === 0) lst = pyStrRepr(a.data[0]!);
  else lst = stringArray2string(a, opts, ', ', prefix, major === 1 ? ',' : ')');
  const extras: string[] = [];
  if (major === 1 && emptyNonVector) lst += ', shape=' + shapeTuple(a.shape);
  else if (major === 2 && (emptyNonVector || size > opts.threshold)) extras.push('shape=' + shapeTuple(a.shape));
  extras.push(dtype);
  const arrStr = prefix + lst + ',';
  const extraStr = extras.join(', ') + ')';
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + extraStr.length + 1 > opts.linewidth ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + extraStr;
}

/** `str()` of a NumPy string array: `['cat' 'dog']`; a 0-d array prints its string bare. */
export function stringArrayStr(a: PrintableStringArray, options: NumpyReprOptions = {}): string {
  const opts = options.printOptions ?? DEFAULT_NUMPY_PRINT_OPTIONS;
  if (a.shape.length === 0) return a.data[0]!;
  return stringArray2string(a, opts, ' ', '', '');
}
