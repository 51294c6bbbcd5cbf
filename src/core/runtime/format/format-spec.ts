/**
 * Python's format-spec mini-language (`format(value, spec)`, f-strings, `str.format`), mirroring CPython's
 * `Python/formatter_unicode.c` for int, float, bool and str.
 */
import { formatFloatShort } from '../../torch/print/decimal';
import { PyFormatError } from './errors';
import { pyFloatRepr } from './py-repr';

/** A parsed format spec: `[[fill]align][sign]['z']['#']['0'][width][grouping]['.' precision][type]`. */
export interface ParsedFormatSpec {
  readonly fill: string;
  readonly fillSpecified: boolean;
  readonly align: '<' | '>' | '^' | '=' | '';
  readonly sign: '+' | '-' | ' ' | '';
  readonly noNegZero: boolean;
  readonly alternate: boolean;
  /** -1 when absent. */
  readonly width: number;
  readonly grouping: ',' | '_' | '';
  /** -1 when absent. */
  readonly precision: number;
  /** '' when absent. */
  readonly type: string;
}

/** The values `formatSpec` formats: a Python int is a bigint, a float a number. */
export type PyFormattable = bigint | number | boolean | string;

function pyTypeName(value: PyFormattable): string {
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'boolean') return 'bool';
  return 'str';
}

const ALIGNS = new Set(['<', '>', '^', '=']);

/**
 * Parses a format spec as CPython's `parse_internal_render_format_spec` does, raising its ValueErrors
 * (`Invalid format specifier '…' for object of type 'float'`, `Cannot specify both ',' and '_'.`, …).
 */
export function parseFormatSpec(spec: string, typeName = 'str'): ParsedFormatSpec {
  // the presentation type a missing one stands for, as CPython passes `default_type`
  const defaultType = typeName === 'str' ? 's' : typeName === 'float' ? '' : 'd';
  const chars = Array.from(spec);
  let pos = 0;
  let fill = ' ';
  let fillSpecified = false;
  let align: ParsedFormatSpec['align'] = '';
  let sign: ParsedFormatSpec['sign'] = '';
  let noNegZero = false;
  let alternate = false;
  let width = -1;
  let grouping: ParsedFormatSpec['grouping'] = '';
  let precision = -1;
  if (chars.length >= 2 && ALIGNS.has(chars[1]!)) {
    fill = chars[0]!;
    fillSpecified = true;
    align = chars[1] as ParsedFormatSpec['align'];
    pos = 2;
  } else if (chars.length >= 1 && ALIGNS.has(chars[0]!)) {
    align = chars[0] as ParsedFormatSpec['align'];
    pos = 1;
  }
  if (chars[pos] === '+' || chars[pos] === '-' || chars[pos] === ' ') {
    sign = chars[pos] as ParsedFormatSpec['sign'];
    pos++;
  }
  if (chars[pos] === 'z') {
    noNegZero = true;
    pos++;
  }
  if (chars[pos] === '#') {
    alternate = true;
    pos++;
  }
  let zeroPad = false;
  if (!fillSpecified && chars[pos] === '0') {
    zeroPad = true;
    pos++;
  }
  const readInt = (): number => {
    const start = pos;
    while (pos < chars.length && chars[pos]! >= '0' && chars[pos]! <= '9') pos++;
    if (pos === start) return -1;
    const n = Number(chars.slice(start, pos).join(''));
    if (!Number.isSafeInteger(n) || n > 0x7fffffffffff)
      throw new PyFormatError('ValueError', 'Too many decimal digits in format string');
    return n;
  };
  width = readInt();
  if (chars[pos] === ',') {
    grouping = ',';
    pos++;
  }
  if (chars[pos] === '_') {
    if (grouping === ',') throw new PyFormatError('ValueError', "Cannot specify both ',' and '_'.");
    grouping = '_';
    pos++;
  }
  if (chars[pos] === ',') {
    throw new PyFormatError('ValueError', "Cannot specify both ',' and '_'.");
  }
  if (chars[pos] === '.') {
    pos++;
    precision = readInt();
    if (precision < 0) throw new PyFormatError('ValueError', 'Format specifier missing precision');
  }
  if (chars.length - pos > 1) {
    throw new PyFormatError('ValueError', `Invalid format specifier '${spec}' for object of type '${typeName}'`);
  }
  const type = pos < chars.length ? chars[pos]! : defaultType;
  if (zeroPad) {
    fill = '0';
    // the '0' flag means '=' alignment for numbers only (strings keep their default '<' since Python 3.10)
    if (align === '' && typeName !== 'str') align = '=';
  }
  if (grouping !== '') {
    const ok =
      grouping === ','
        ? ['d', 'e', 'f', 'g', 'E', 'G', '%', 'F', ''].includes(type)
        : ['d', 'e', 'f', 'g', 'E', 'G', '%', 'F', '', 'b', 'o', 'x', 'X'].includes(type);
    if (!ok) throw new PyFormatError('ValueError', `Cannot specify '${grouping}' with '${type}'.`);
  }
  return { fill, fillSpecified, align, sign, noNegZero, alternate, width, grouping, precision, type };
}

/**
 * Python's `format(value, spec)` for int (bigint), float (number), bool and str, byte for byte as CPython:
 * `format(0.5, '.0f')` is `'0'` (exact value, ties to even), `'%'` multiplies by 100, `'g'` strips trailing zeros,
 * an empty type on a float is repr-like (`format(1e16, '')` → `'1e+16'`), `'0'` padding interleaves grouping
 * (`format(1234, '08,d')` → `'0,001,234'`). Raises {@link PyFormatError} with CPython's messages.
 */
export function formatSpec(value: PyFormattable, spec: string): string {
  const typeName = pyTypeName(value);
  if (typeof value === 'string') return formatString(value, spec);
  if (typeof value === 'boolean') {
    // bool inherits int.__format__, whose empty spec means str(self)
    if (spec === '') return value ? 'True' : 'False';
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') {
    if (spec === '') return value.toString();
    if (typeof value === 'boolean') value = value ? 1n : 0n;
    const parsed = parseFormatSpec(spec, typeName);
    if ('eEfFgG%'.includes(parsed.type) && parsed.type !== '') {
      return formatFloat(intToFloat(value), parsed, typeName);
    }
    return formatInt(value, parsed, typeName);
  }
  if (spec === '') return pyFloatRepr(value);
  return formatFloat(value, parseFormatSpec(spec, typeName), typeName);
}

/** `float(int)`: correctly rounded, OverflowError past the double range. */
function intToFloat(value: bigint): number {
  const f = Number(value);
  if (!Number.isFinite(f)) throw new PyFormatError('OverflowError', 'int too large to convert to float');
  return f;
}

function formatString(value: string, spec: string): string {
  if (spec === '') return value;
  const f = parseFormatSpec(spec, 'str');
  if (f.type !== '' && f.type !== 's')
    throw new PyFormatError('ValueError', `Unknown format code '${f.type}' for object of type 'str'`);
  if (f.sign === ' ') throw new PyFormatError('ValueError', 'Space not allowed in string format specifier');
  if (f.sign !== '') throw new PyFormatError('ValueError', 'Sign not allowed in string format specifier');
  if (f.noNegZero) throw new PyFormatError('ValueError', 'Negative zero coercion (z) not allowed in format specifier');
  if (f.alternate) throw new PyFormatError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (f.align === '=') throw new PyFormatError('ValueError', "'=' alignment not allowed in string format specifier");
  let chars = Array.from(value);
  if (f.precision >= 0 && chars.length > f.precision) chars = chars.slice(0, f.precision);
  return pad(chars.join(''), chars.length, f.width, f.align === '' ? '<' : f.align, f.fill);
}

function pad(body: string, length: number, width: number, align: string, fill: string): string {
  const n = width - length;
  if (n <= 0) return body;
  if (align === '<') return body + fill.repeat(n);
  if (align === '^') {
    const left = Math.floor(n / 2);
    return fill.repeat(left) + body + fill.repeat(n - left);
  }
  return fill.repeat(n) + body;
}

function formatInt(value: bigint, f: ParsedFormatSpec, typeName: string): string {
  if (!'bcdoxXn'.includes(f.type) || f.type.length > 1) {
    throw new PyFormatError('ValueError', `Unknown format code '${f.type}' for object of type '${typeName}'`);
  }
  if (f.precision >= 0) throw new PyFormatError('ValueError', 'Precision not allowed in integer format specifier');
  if (f.noNegZero) {
    throw new PyFormatError('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  }
  const type = f.type === '' ? 'd' : f.type;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  if (type === 'c') {
    if (f.sign !== '') throw new PyFormatError('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (f.alternate) {
      throw new PyFormatError('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    }
    if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) {
      throw new PyFormatError('OverflowError', 'Python int too large to convert to C long');
    }
    if (value < 0n || value > 0x10ffffn) throw new PyFormatError('OverflowError', '%c arg not in range(0x110000)');
    return layoutNumber(f, '', '', '', String.fromCodePoint(Number(value)), 1);
  }
  let digits: string;
  let prefix = '';
  switch (type) {
    case 'd':
    case 'n':
      digits = abs.toString();
      break;
    case 'b':
      digits = abs.toString(2);
      prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      prefix = '0X';
      break;
    default:
      throw new PyFormatError('ValueError', `Unknown format code '${type}' for object of type '${typeName}'`);
  }
  const groupSize = type === 'd' ? 3 : type === 'n' ? 0 : 4;
  return layoutNumber(
    { ...f, grouping: type === 'n' ? '' : f.grouping },
    negative ? '-' : '',
    f.alternate ? prefix : '',
    digits,
    '',
    groupSize,
  );
}

function formatFloat(value: number, f: ParsedFormatSpec, typeName: string): string {
  let type = f.type;
  let precision = f.precision;
  let addDot0 = false;
  let defaultPrecision = 6;
  if (type === '') {
    // no type: repr-like without precision, else 'g' that keeps at least one fractional digit
    addDot0 = true;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type === 'n') type = 'g';
  let val = value;
  let percent = false;
  if (type === '%') {
    type = 'f';
    val *= 100;
    percent = true;
  }
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';
  if (!'efgrEFG'.includes(type)) {
    throw new PyFormatError('ValueError', `Unknown format code '${f.type}' for object of type '${typeName}'`);
  }
  const upper = type === 'E' || type === 'F' || type === 'G';
  let s = formatFloatShort(val, type.toLowerCase() as 'e' | 'f' | 'g' | 'r', precision, {
    addDot0,
    alt: f.alternate,
    upper,
  });
  if (f.noNegZero && s.startsWith('-')) {
    // 'z': a negative value that rounds to zero prints as zero
    const mantissa = s.split(/[eE]/)[0]!;
    if (/\d/.test(mantissa) && !/[1-9]/.test(mantissa)) s = s.slice(1);
  }
  if (percent) s += '%';
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  let nDigits = 0;
  while (nDigits < body.length && body[nDigits]! >= '0' && body[nDigits]! <= '9') nDigits++;
  return layoutNumber(f, negative ? '-' : '', '', body.slice(0, nDigits), body.slice(nDigits), 3);
}

/**
 * CPython's `calc_number_widths` + `fill_number`: lays out sign, prefix, zero padding, grouped digits and the
 * remainder (decimal point, fraction, exponent, '%') within the width.
 */
function layoutNumber(
  f: ParsedFormatSpec,
  signChar: string,
  prefix: string,
  digits: string,
  remainder: string,
  groupSize: number,
): string {
  const align = f.align === '' ? '>' : f.align;
  let sign = '';
  if (f.sign === '+') sign = signChar === '-' ? '-' : '+';
  else if (f.sign === ' ') sign = signChar === '-' ? '-' : ' ';
  else if (signChar === '-') sign = '-';
  const remainderLength = Array.from(remainder).length;
  const nonDigit = sign.length + prefix.length + remainderLength;
  const minWidth = f.fill === '0' && align === '=' ? f.width - nonDigit : 0;
  const separator = f.grouping;
  const grouped = digits.length === 0 ? '' : groupDigits(digits, minWidth, separator === '' ? 0 : groupSize, separator);
  const padding = f.width - (nonDigit + grouped.length);
  let left = '';
  let middle = '';
  let right = '';
  if (padding > 0) {
    if (align === '<') right = f.fill.repeat(padding);
    else if (align === '^') {
      left = f.fill.repeat(Math.floor(padding / 2));
      right = f.fill.repeat(padding - Math.floor(padding / 2));
    } else if (align === '=') middle = f.fill.repeat(padding);
    else left = f.fill.repeat(padding);
  }
  return left + sign + prefix + middle + grouped + remainder + right;
}

/** CPython's `_PyUnicode_InsertThousandsGrouping`: groups from the right, zero-filling up to `minWidth`. */
function groupDigits(digits: string, minWidth: number, groupSize: number, separator: string): string {
  let remaining = digits.length;
  let width = minWidth;
  let end = digits.length;
  const parts: string[] = [];
  if (groupSize === 0) {
    const l = Math.max(remaining, width, 1);
    return zerosOf(l - remaining) + digits;
  }
  for (;;) {
    const l = Math.min(groupSize, Math.max(remaining, width, 1));
    const nZeros = Math.max(0, l - remaining);
    const nChars = Math.max(0, Math.min(remaining, l));
    parts.push(zerosOf(nZeros) + digits.slice(end - nChars, end));
    end -= nChars;
    remaining -= nChars;
    width -= l;
    if (remaining <= 0 && width <= 0) break;
    width -= separator.length;
  }
  return parts.reverse().join(separator);
}

function zerosOf(n: number): string {
  return n > 0 ? '0'.repeat(n) : '';
}
