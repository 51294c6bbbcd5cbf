/**
 * printf-style string formatting, `fmt % args`, mirroring CPython's `PyUnicode_Format` (Objects/unicodeobject.c).
 */
import { formatFloatShort } from '../../torch/print/decimal';
import { PyFormatError } from './errors';
import { pyFloatRepr, pyStrRepr } from './py-repr';

/**
 * How the interpreter hands over values that are not Python primitives (bigint int, number float, boolean bool,
 * string str): their `str()`/`repr()` and, for numeric conversions, their `__int__`/`__index__` and `__float__`.
 */
export interface PercentFormatHooks {
  /** `str(value)` of a non-primitive value. */
  str(value: unknown): string;
  /** `repr(value)` of a non-primitive value. */
  repr(value: unknown): string;
  /** `ascii(value)`; defaults to repr with non-ASCII escaped. */
  ascii?(value: unknown): string;
  /** `int(value)` for %d/%i/%u (`__int__`), undefined when the value is not a real number. */
  toInt?(value: unknown): bigint | undefined;
  /** `operator.index(value)` for %x/%o/%c, undefined when the value has no `__index__`. */
  toIndex?(value: unknown): bigint | undefined;
  /** `float(value)` for %e/%f/%g, undefined when the value is not a real number. */
  toFloat?(value: unknown): number | undefined;
  /** The Python type name, for error messages (`'list'`). */
  typeName?(value: unknown): string;
}

/**
 * The right operand of `%`: a tuple (its items are the arguments), or any other single value, which for a dict is
 * also the mapping `%(name)s` reads from.
 */
export type PercentArgs =
  { readonly tuple: readonly unknown[] } | { readonly single: unknown; readonly mapping?: (key: string) => unknown };

function typeNameOf(value: unknown, hooks: PercentFormatHooks): string {
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  return hooks.typeName ? hooks.typeName(value) : 'object';
}

function strOf(value: unknown, hooks: PercentFormatHooks): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  return hooks.str(value);
}

function reprOf(value: unknown, hooks: PercentFormatHooks): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return strOf(value, hooks);
  return hooks.repr(value);
}

function asciiOf(value: unknown, hooks: PercentFormatHooks): string {
  if (
    typeof value !== 'string' &&
    typeof value !== 'bigint' &&
    typeof value !== 'number' &&
    typeof value !== 'boolean'
  ) {
    if (hooks.ascii) return hooks.ascii(value);
  }
  let out = '';
  for (const ch of reprOf(value, hooks)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp < 0x100) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

/** `int(x)` of a float: truncation, with Python's errors for nan and inf. */
function truncateFloat(x: number): bigint {
  if (Number.isNaN(x)) throw new PyFormatError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw new PyFormatError('OverflowError', 'cannot convert float infinity to integer');
  return BigInt(Math.trunc(x));
}

/**
 * Python's `fmt % args` for str: `%s %r %a %d %i %u %o %x %X %e %E %f %F %g %G %c %%`, flags `-+ #0`, width and
 * precision (numbers or `*`), `%(name)s` keys, with CPython's TypeErrors/ValueErrors (`not enough arguments for
 * format string`, `not all arguments converted during string formatting`, `%d format: a real number is required,
 * not str`, `unsupported format character 'q' (0x71) at index 3`).
 */
export function percentFormat(fmt: string, args: PercentArgs, hooks: PercentFormatHooks): string {
  const items = 'tuple' in args ? args.tuple : [args.single];
  const mapping = 'tuple' in args ? undefined : args.mapping;
  let argIndex = 0;
  const nextArg = (): unknown => {
    if (argIndex >= items.length) throw new PyFormatError('TypeError', 'not enough arguments for format string');
    return items[argIndex++];
  };
  let out = '';
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    i = pct + 1;
    if (i >= n) throw new PyFormatError('ValueError', 'incomplete format');
    let value: unknown;
    let haveValue = false;
    if (fmt[i] === '(') {
      if (!mapping) throw new PyFormatError('TypeError', 'format requires a mapping');
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (fmt[i] === '(') depth++;
        else if (fmt[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new PyFormatError('ValueError', 'incomplete format key');
      value = mapping(fmt.slice(start, i - 1));
      haveValue = true;
    }
    let left = false;
    let plus = false;
    let space = false;
    let alt = false;
    let zero = false;
    for (; i < n; i++) {
      const c = fmt[i];
      if (c === '-') left = true;
      else if (c === '+') plus = true;
      else if (c === ' ') space = true;
      else if (c === '#') alt = true;
      else if (c === '0') zero = true;
      else break;
    }
    let width = -1;
    if (fmt[i] === '*') {
      const w = nextArg();
      if (typeof w !== 'bigint' && typeof w !== 'boolean') throw new PyFormatError('TypeError', '* wants int');
      width = Number(w);
      if (width < 0) {
        left = true;
        width = -width;
      }
      i++;
    } else {
      const start = i;
      while (i < n && fmt[i]! >= '0' && fmt[i]! <= '9') i++;
      if (i > start) width = Number(fmt.slice(start, i));
    }
    let precision = -1;
    if (fmt[i] === '.') {
      i++;
      if (fmt[i] === '*') {
        const p = nextArg();
        if (typeof p !== 'bigint' && typeof p !== 'boolean') throw new PyFormatError('TypeError', '* wants int');
        precision = Math.max(0, Number(p));
        i++;
      } else {
        const start = i;
        while (i < n && fmt[i]! >= '0' && fmt[i]! <= '9') i++;
        precision = i > start ? Number(fmt.slice(start, i)) : 0;
      }
    }
    while (i < n && (fmt[i] === 'h' || fmt[i] === 'l' || fmt[i] === 'L')) i++;
    if (i >= n) throw new PyFormatError('ValueError', 'incomplete format');
    const conv = fmt[i]!;
    const convIndex = i;
    i++;
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (!haveValue) value = nextArg();
    out += formatOne(conv, convIndex, value, { left, plus, space, alt, zero, width, precision }, hooks);
  }
  // a mapping operand is never "not all converted" (CPython checks `!ctx.dict`)
  if (argIndex < items.length && !mapping) {
    throw new PyFormatError('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}

interface PercentFlags {
  readonly left: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly alt: boolean;
  readonly zero: boolean;
  readonly width: number;
  readonly precision: number;
}

function formatOne(conv: string, index: number, value: unknown, f: PercentFlags, hooks: PercentFormatHooks): string {
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let s = conv === 's' ? strOf(value, hooks) : conv === 'r' ? reprOf(value, hooks) : asciiOf(value, hooks);
      if (f.precision >= 0) s = Array.from(s).slice(0, f.precision).join('');
      return padText(s, f);
    }
    case 'd':
    case 'i':
    case 'u': {
      let v: bigint | undefined;
      if (typeof value === 'bigint') v = value;
      else if (typeof value === 'boolean') v = value ? 1n : 0n;
      else if (typeof value === 'number') v = truncateFloat(value);
      else if (typeof value !== 'string' && hooks.toInt) v = hooks.toInt(value);
      if (v === undefined) {
        throw new PyFormatError(
          'TypeError',
          `%${conv} format: a real number is required, not ${typeNameOf(value, hooks)}`,
        );
      }
      return formatInteger(v, 10, '', f);
    }
    case 'o':
    case 'x':
    case 'X': {
      let v: bigint | undefined;
      if (typeof value === 'bigint') v = value;
      else if (typeof value === 'boolean') v = value ? 1n : 0n;
      else if (typeof value !== 'string' && typeof value !== 'number' && hooks.toIndex) v = hooks.toIndex(value);
      if (v === undefined) {
        throw new PyFormatError(
          'TypeError',
          `%${conv} format: an integer is required, not ${typeNameOf(value, hooks)}`,
        );
      }
      const prefix = conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X';
      return formatInteger(v, conv === 'o' ? 8 : 16, f.alt ? prefix : '', f, conv === 'X');
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      let v: number | undefined;
      if (typeof value === 'number') v = value;
      else if (typeof value === 'bigint') v = Number(value);
      else if (typeof value === 'boolean') v = value ? 1 : 0;
      else if (typeof value !== 'string' && hooks.toFloat) v = hooks.toFloat(value);
      if (v === undefined) {
        throw new PyFormatError('TypeError', `must be real number, not ${typeNameOf(value, hooks)}`);
      }
      const code = conv.toLowerCase() as 'e' | 'f' | 'g';
      const s = formatFloatShort(v, code, f.precision < 0 ? 6 : f.precision, {
        alt: f.alt,
        upper: conv === 'E' || conv === 'F' || conv === 'G',
      });
      const negative = s.startsWith('-');
      const body = negative ? s.slice(1) : s;
      const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
      return padNumber(sign, '', body, f, f.zero);
    }
    case 'c': {
      let s: string | undefined;
      if (typeof value === 'string') {
        if (Array.from(value).length !== 1)
          throw new PyFormatError(
            'TypeError',
            '%c requires an int or a unicode character, not a string of length ' + Array.from(value).length,
          );
        s = value;
      } else {
        const v = typeof value === 'bigint' ? value : typeof value === 'boolean' ? (value ? 1n : 0n) : undefined;
        if (v === undefined) {
          throw new PyFormatError(
            'TypeError',
            `%c requires an int or a unicode character, not ${typeNameOf(value, hooks)}`,
          );
        }
        if (v < 0n || v > 0x10ffffn) throw new PyFormatError('OverflowError', '%c arg not in range(0x110000)');
        s = String.fromCodePoint(Number(v));
      }
      return padText(s, f);
    }
    default: {
      const cp = conv.codePointAt(0)!;
      throw new PyFormatError(
        'ValueError',
        `unsupported format character '${conv}' (0x${cp.toString(16)}) at index ${index}`,
      );
    }
  }
}

function padText(s: string, f: PercentFlags): string {
  const len = Array.from(s).length;
  if (f.width <= len) return s;
  return f.left ? s + ' '.repeat(f.width - len) : ' '.repeat(f.width - len) + s;
}

function formatInteger(v: bigint, radix: number, prefix: string, f: PercentFlags, upper = false): string {
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString(radix);
  if (upper) digits = digits.toUpperCase();
  if (f.precision > digits.length) digits = '0'.repeat(f.precision - digits.length) + digits;
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return padNumber(sign, prefix, digits, f, f.zero);
}

function padNumber(sign: string, prefix: string, body: string, f: PercentFlags, zero: boolean): string {
  const len = sign.length + prefix.length + body.length;
  if (f.width <= len) return sign + prefix + body;
  const fill = f.width - len;
  if (f.left) return sign + prefix + body + ' '.repeat(fill);
  if (zero) return sign + prefix + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + prefix + body;
}
