/**
 * Python scalars as the reader sees them, and Python's arithmetic on them (so `[1/3, 2**-1, -7//2]` in a literal
 * gives the values and the int/float kinds Python would, which decide the dtype).
 */
import type { SourceRange } from '../diagnostics';
import type { DType } from '../tensor';
import { readerError, ReaderErrorCode } from './errors';

/**
 * A Python number. `kind` keeps `1` (int) apart from `1.0` (float), which decides the dtype. `big` holds an int's
 * exact value when a double cannot. `dtype` is set when the scalar came from a 0-d tensor or a NumPy scalar: it then
 * takes part in type promotion with that dtype, as in `torch.tensor([torch.tensor(1.5, dtype=torch.float64), 2])`.
 */
export interface PyScalar {
  readonly kind: 'int' | 'float' | 'bool';
  readonly value: number;
  readonly big?: bigint;
  readonly dtype?: DType;
}

/** Nested Python lists of scalars, as given to `torch.tensor`. */
export type NestedValues = PyScalar | readonly NestedValues[];

/** A Python float. */
export function pyFloat(value: number): PyScalar {
  return { kind: 'float', value };
}

/** A Python int from a number (must be an integer) or a bigint. */
export function pyInt(value: number | bigint): PyScalar {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? { kind: 'int', value: n } : { kind: 'int', value: n, big: value };
  }
  return { kind: 'int', value };
}

/** A Python bool. */
export function pyBool(value: boolean): PyScalar {
  return { kind: 'bool', value: value ? 1 : 0 };
}

/** The exact integer value of an int or bool scalar. */
export function bigOf(s: PyScalar): bigint {
  return s.big ?? BigInt(s.value);
}

/** Python truthiness. */
export function truthy(s: PyScalar): boolean {
  return s.value !== 0;
}

/** Largest result, in bits, that integer `**`/`<<` may produce: beyond it the literal is not a tensor value anyway. */
const MAX_INT_BITS = 4096;

function arithmeticError(range: SourceRange, message: string, explanation: string, hint: string): Error {
  return readerError(range, { code: ReaderErrorCode.arithmetic, message, explanation, hint });
}

function typeError(range: SourceRange, message: string): Error {
  return readerError(range, {
    code: ReaderErrorCode.unsupported,
    message,
    explanation: 'Python rejects this operation on these number types.',
    hint: 'Write the value directly.',
  });
}

function typeName(s: PyScalar): string {
  return s.kind;
}

/** Python's `-x`, `+x`, `~x`, `not x`. */
export function unaryOp(op: '-' | '+' | '~' | 'not', a: PyScalar, range: SourceRange): PyScalar {
  switch (op) {
    case 'not':
      return pyBool(!truthy(a));
    case '+':
      return a.kind === 'bool' ? pyInt(a.value) : a;
    case '-':
      if (a.kind === 'float') return pyFloat(-a.value);
      return a.big !== undefined ? pyInt(-a.big) : pyInt(a.value === 0 ? 0 : -a.value);
    case '~':
      if (a.kind === 'float') throw typeError(range, "bad operand type for unary ~: 'float'");
      return pyInt(-bigOf(a) - 1n);
  }
}

function isIntLike(s: PyScalar): boolean {
  return s.kind !== 'float';
}

/** Python's float `%` (result takes the divisor's sign). */
function floatMod(a: number, b: number): number {
  let mod = a % b;
  if (mod) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** Python's float `//` (CPython's float_floor_div). */
function floatFloorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod && b < 0 !== mod < 0) div -= 1;
  if (div) {
    let floored = Math.floor(div);
    if (div - floored > 0.5) floored += 1;
    return floored;
  }
  return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
}

function intResult(
  a: PyScalar,
  b: PyScalar,
  fast: (x: number, y: number) => number,
  exact: (x: bigint, y: bigint) => bigint,
): PyScalar {
  if (a.big === undefined && b.big === undefined) {
    const r = fast(a.value, b.value);
    if (Number.isSafeInteger(r)) return pyInt(r);
  }
  return pyInt(exact(bigOf(a), bigOf(b)));
}

/** Python's binary arithmetic on two scalars. */
export function binaryOp(op: string, a: PyScalar, b: PyScalar, range: SourceRange): PyScalar {
  const ints = isIntLike(a) && isIntLike(b);
  switch (op) {
    case '+':
      return ints
        ? intResult(
            a,
            b,
            (x, y) => x + y,
            (x, y) => x + y,
          )
        : pyFloat(a.value + b.value);
    case '-':
      return ints
        ? intResult(
            a,
            b,
            (x, y) => x - y,
            (x, y) => x - y,
          )
        : pyFloat(a.value - b.value);
    case '*':
      return ints
        ? intResult(
            a,
            b,
            (x, y) => x * y,
            (x, y) => x * y,
          )
        : pyFloat(a.value * b.value);
    case '/':
      if (b.value === 0)
        throw arithmeticError(range, 'division by zero', 'The literal divides by zero.', 'Fix the divisor.');
      return pyFloat(
        ints && (a.big !== undefined || b.big !== undefined) ? Number(bigOf(a)) / Number(bigOf(b)) : a.value / b.value,
      );
    case '//':
    case '%': {
      if (b.value === 0) {
        const message = ints
          ? 'integer division or modulo by zero'
          : op === '//'
            ? 'float floor division by zero'
            : 'float modulo';
        throw arithmeticError(range, message, 'The literal divides by zero.', 'Fix the divisor.');
      }
      if (!ints) return pyFloat(op === '//' ? floatFloorDiv(a.value, b.value) : floatMod(a.value, b.value));
      const x = bigOf(a);
      const y = bigOf(b);
      const rem = x % y;
      const adjust = rem !== 0n && rem < 0n !== y < 0n;
      return op === '//' ? pyInt(x / y - (adjust ? 1n : 0n)) : pyInt(adjust ? rem + y : rem);
    }
    case '**':
      return power(a, b, range);
    case '<<':
    case '>>':
    case '&':
    case '|':
    case '^':
      return bitwise(op, a, b, range);
    default:
      throw typeError(range, `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }
}

function power(a: PyScalar, b: PyScalar, range: SourceRange): PyScalar {
  if (isIntLike(a) && isIntLike(b)) {
    const base = bigOf(a);
    const exp = bigOf(b);
    if (exp < 0n) {
      if (base === 0n) {
        throw arithmeticError(
          range,
          '0.0 cannot be raised to a negative power',
          'The literal divides by zero.',
          'Fix the exponent.',
        );
      }
      return pyFloat(Math.pow(Number(base), Number(exp)));
    }
    const absBase = base < 0n ? -base : base;
    if (absBase > 1n && Number(exp) * absBase.toString(2).length > MAX_INT_BITS) {
      throw arithmeticError(
        range,
        'integer too large',
        `The result has more than ${MAX_INT_BITS} bits; no tensor holds such a number.`,
        'Write a smaller number.',
      );
    }
    return pyInt(base ** exp);
  }
  if (a.value < 0 && !Number.isInteger(b.value)) {
    throw readerError(range, {
      code: ReaderErrorCode.dtype,
      message: 'complex numbers are not supported',
      explanation: 'A negative number raised to a fractional power is a complex number in Python.',
      hint: 'Loss Lens reads real-valued tensors only.',
    });
  }
  if (a.value === 0 && b.value < 0) {
    throw arithmeticError(
      range,
      '0.0 cannot be raised to a negative power',
      'The literal divides by zero.',
      'Fix the exponent.',
    );
  }
  const r = Math.pow(a.value, b.value);
  if (!Number.isFinite(r) && Number.isFinite(a.value) && Number.isFinite(b.value)) {
    throw arithmeticError(
      range,
      "(34, 'Numerical result out of range')",
      'The power is too large for a float.',
      'Write a smaller number.',
    );
  }
  return pyFloat(r);
}

function bitwise(op: string, a: PyScalar, b: PyScalar, range: SourceRange): PyScalar {
  if (!isIntLike(a) || !isIntLike(b)) {
    throw typeError(range, `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }
  const x = bigOf(a);
  const y = bigOf(b);
  if ((op === '<<' || op === '>>') && y < 0n) {
    throw arithmeticError(range, 'negative shift count', 'A shift count must not be negative.', 'Fix the shift count.');
  }
  if (op === '<<' && y + BigInt(x.toString(2).length) > BigInt(MAX_INT_BITS)) {
    throw arithmeticError(
      range,
      'integer too large',
      `The result has more than ${MAX_INT_BITS} bits.`,
      'Write a smaller number.',
    );
  }
  // bool op bool stays bool for & | ^, as in Python.
  const bothBool = a.kind === 'bool' && b.kind === 'bool';
  switch (op) {
    case '<<':
      return pyInt(x << y);
    case '>>':
      return pyInt(x >> y);
    case '&':
      return bothBool ? pyBool((x & y) !== 0n) : pyInt(x & y);
    case '|':
      return bothBool ? pyBool((x | y) !== 0n) : pyInt(x | y);
    default:
      return bothBool ? pyBool((x ^ y) !== 0n) : pyInt(x ^ y);
  }
}

/** Python's comparison of two numbers. */
export function compare(op: string, a: PyScalar, b: PyScalar, range: SourceRange): boolean {
  const exact = a.big !== undefined || b.big !== undefined;
  const [x, y] = exact && isIntLike(a) && isIntLike(b) ? [bigOf(a), bigOf(b)] : [a.value, b.value];
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '==':
    case 'is':
      return x === y;
    case '!=':
    case 'is not':
      return x !== y;
    default:
      throw typeError(range, `'${op}' is not supported between numbers`);
  }
}
