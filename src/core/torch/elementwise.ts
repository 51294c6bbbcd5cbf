/**
 * Elementwise operations with broadcasting: Python's binary and unary operators on tensors and ndarrays, the math
 * functions (`exp`, `log`, `sigmoid`, ...), `where`, `clamp`. Values are computed in float64 from the stored values
 * and the result is stored in its dtype, so a float32 result is rounded once per op, as PyTorch's kernels produce.
 */
import { broadcastShapes, isFloating, isIntegral, numel, scalarTypeName, type DType } from '../tensor';
import { castValue, roundToFloatType } from '../reader/dtype';
import { runtimeError, TorchError, typeError, valueError } from './errors';
import { categoryOf, numpyResultType, torchResultType, type Operand } from './promote';
import { broadcastOffsets, checkBudget, make, TorchTensor, type Flavor } from './tensor';

/** Library settings the ops need. */
export interface OpContext {
  /** Largest number of elements a result may hold. */
  maxElements: number;
  /** NumPy's major version: 2 (NEP 50 promotion) or 1 (value-based casting). */
  numpyMajor: 1 | 2;
  /** PyTorch's version (error classes and texts differ); 2.x when absent. */
  torchVersion?: '2.x' | '1.13';
}

/**
 * PyTorch's "not supported for this dtype" errors: RuntimeError in 1.13, NotImplementedError (a RuntimeError
 * subclass) in 2.x.
 */
export function notImplemented(ctx: { torchVersion?: '2.x' | '1.13' }, message: string): TorchError {
  return new TorchError(ctx.torchVersion === '1.13' ? 'RuntimeError' : 'NotImplementedError', message);
}

/** The flavor of an operation over operands: torch as soon as one operand is a torch tensor. */
export function flavorOf(operands: readonly Operand[]): Flavor {
  let numpy = false;
  for (const op of operands) {
    if (op instanceof TorchTensor) {
      if (op.flavor === 'torch') return 'torch';
      numpy = true;
    }
  }
  return numpy ? 'numpy' : 'torch';
}

/** The result dtype of an elementwise op over operands, by the flavor's promotion rules. */
export function resultType(ctx: OpContext, operands: readonly Operand[], flavor = flavorOf(operands)): DType {
  return flavor === 'numpy' ? numpyResultType(operands, ctx.numpyMajor) : torchResultType(operands);
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;
}

/** The broadcast shape of operands, or the flavor's error (PyTorch's RuntimeError / NumPy's ValueError). */
export function broadcastAll(operands: readonly Operand[], flavor: Flavor): number[] {
  let shape: number[] = [];
  const tensors = operands.filter((o): o is TorchTensor => o instanceof TorchTensor);
  for (let i = 0; i < tensors.length; i++) {
    const next = broadcastShapes(shape, tensors[i]!.shape);
    if (!next) {
      if (flavor === 'numpy') {
        const all = tensors.map((t) => shapeText(t.shape)).join(' ');
        throw valueError(`operands could not be broadcast together with shapes ${all} `);
      }
      // PyTorch names the first mismatching dimension counted in the broadcast result.
      const a = shape;
      const b = tensors[i]!.shape;
      const n = Math.max(a.length, b.length);
      for (let d = n - 1; d >= 0; d--) {
        const da = a[a.length - n + d] ?? 1;
        const db = b[b.length - n + d] ?? 1;
        if (da !== db && da !== 1 && db !== 1) {
          throw runtimeError(
            `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${d}`,
          );
        }
      }
    }
    shape = next!;
  }
  return shape;
}

/** Reads an operand as a value getter over the broadcast output, with values first converted to `dtype`. */
function reader(op: Operand, shape: readonly number[], dtype: DType, opmath32: boolean): (k: number) => number {
  if (!(op instanceof TorchTensor)) {
    // PyTorch 2.x computes float16/bfloat16 ops in float32, where a Python scalar enters as a float32 value (1.13
    // rounded it to the tensor's dtype first).
    const v =
      opmath32 && (dtype === 'float16' || dtype === 'bfloat16')
        ? Math.fround(typeof op === 'number' ? op : Number(op))
        : castValue(typeof op === 'number' ? op : Number(op), 'float64', dtype);
    return () => v;
  }
  const conv = op.dtype === dtype ? undefined : (x: number): number => castValue(x, op.dtype, dtype);
  const offsets = broadcastOffsets(op.shape, shape);
  const data = op.data;
  if (offsets) return conv ? (k) => conv(data[offsets[k]!]!) : (k) => data[offsets[k]!]!;
  return conv ? (k) => conv(data[k]!) : (k) => data[k]!;
}

/** The dtype a scalar result of NumPy on 0-d operands is (NumPy returns scalars, not 0-d arrays, from ufuncs). */
function finish(out: TorchTensor, flavor: Flavor): TorchTensor {
  if (flavor === 'numpy' && out.shape.length === 0) out.npScalar = true;
  return out;
}

/**
 * Applies `fn` elementwise over broadcast operands converted to `computeDType`, storing results in `outDType`.
 */
export function mapOperands(
  ctx: OpContext,
  operands: readonly Operand[],
  computeDType: DType,
  outDType: DType,
  fn: (xs: number[]) => number,
  flavor = flavorOf(operands),
): TorchTensor {
  const shape = broadcastAll(operands, flavor);
  checkBudget(shape, ctx.maxElements);
  const readers = operands.map((op) => reader(op, shape, computeDType, ctx.torchVersion !== '1.13'));
  const n = numel(shape);
  const out = new Float64Array(n);
  const xs = new Array<number>(operands.length).fill(0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < readers.length; j++) xs[j] = readers[j]!(k);
    out[k] = fn(xs);
  }
  return finish(make(out, shape, outDType, flavor), flavor);
}

/** Python's binary operators as written in source. */
export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '//'
  | '%'
  | '**'
  | '@'
  | '&'
  | '|'
  | '^'
  | '<<'
  | '>>'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>=';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Floor division as ATen's `div_floor_floating` / NumPy's `npy_divmod` compute it. */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(a / b) < 0 || Object.is(a / b, -0) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** Python's `%` (the result has the divisor's sign), for floats. */
export function pyRemainder(a: number, b: number): number {
  if (b === 0) return NaN;
  let mod = a % b;
  if (mod !== 0 && b < 0 !== mod < 0) mod += b;
  else if (mod === 0) mod = b < 0 ? -0 : 0;
  return mod;
}

function intFloorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function intRemainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && b < 0 !== m < 0 ? m + b : m;
}

/** The ATen kernel name used in "not implemented for 'Float'" errors. */
const BITWISE_KERNEL: Record<string, string> = {
  '&': 'bitwise_and_cpu',
  '|': 'bitwise_or_cpu',
  '^': 'bitwise_xor_cpu',
  '<<': 'lshift_cpu',
  '>>': 'rshift_cpu',
};

const NUMPY_UFUNC: Record<string, string> = {
  '&': 'bitwise_and',
  '|': 'bitwise_or',
  '^': 'bitwise_xor',
  '<<': 'left_shift',
  '>>': 'right_shift',
};

function pyTypeOf(op: Operand): string {
  if (op instanceof TorchTensor) return op.flavor === 'numpy' ? 'numpy.ndarray' : 'Tensor';
  return typeof op === 'number' ? 'float' : typeof op === 'bigint' ? 'int' : 'bool';
}

/**
 * `a <op> b` for Python's arithmetic, bitwise and comparison operators, where at least one side is a tensor or
 * ndarray (`@` is handled by matmul). Integer division or remainder by zero raises PyTorch's `ZeroDivisionError`
 * RuntimeError; NumPy gives 0 (and warns).
 */
export function binary(ctx: OpContext, op: BinaryOperator, a: Operand, b: Operand): TorchTensor {
  const flavor = flavorOf([a, b]);
  const common = resultType(ctx, [a, b], flavor);
  if (COMPARISONS.has(op)) {
    const cmp = comparison(op);
    return mapOperands(ctx, [a, b], common, 'bool', ([x, y]) => (cmp(x!, y!) ? 1 : 0), flavor);
  }
  switch (op) {
    case '+':
    case '-':
    case '*': {
      if (op === '-' && flavor === 'torch') {
        const isBool = (x: Operand): boolean =>
          x instanceof TorchTensor ? x.dtype === 'bool' : typeof x === 'boolean';
        if (isBool(a) && isBool(b)) {
          throw notImplemented(
            ctx,
            'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
          );
        }
        if (isBool(a) || isBool(b)) {
          throw notImplemented(
            ctx,
            'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
          );
        }
      }
      const f =
        op === '+'
          ? (x: number, y: number) => x + y
          : op === '-'
            ? (x: number, y: number) => x - y
            : (x: number, y: number) => x * y;
      if (common === 'bool')
        return mapOperands(ctx, [a, b], common, common, ([x, y]) => (op === '+' ? x! || y! : x! && y!), flavor);
      return mapOperands(ctx, [a, b], common, common, (xs) => f(xs[0]!, xs[1]!), flavor);
    }
    case '/': {
      const out: DType = isFloating(common) ? common : flavor === 'numpy' ? 'float64' : 'float32';
      return mapOperands(ctx, [a, b], out, out, ([x, y]) => x! / y!, flavor);
    }
    case '//':
    case '%': {
      if (isFloating(common)) {
        const f = op === '//' ? floorDivide : pyRemainder;
        return mapOperands(ctx, [a, b], common, common, ([x, y]) => f(x!, y!), flavor);
      }
      if (common === 'bool' && flavor === 'torch' && op === '%') {
        throw notImplemented(ctx, `"remainder_cpu" not implemented for 'Bool'`);
      }
      const f = op === '//' ? intFloorDiv : intRemainder;
      const out: DType = common === 'bool' ? (flavor === 'numpy' ? 'int8' : 'bool') : common;
      return mapOperands(
        ctx,
        [a, b],
        common,
        out,
        ([x, y]) => {
          if (y === 0) {
            if (flavor === 'torch') throw runtimeError('ZeroDivisionError');
            return 0;
          }
          return f(x!, y!);
        },
        flavor,
      );
    }
    case '**':
      return power(ctx, a, b, flavor, common);
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>': {
      if (isFloating(common)) {
        if (flavor === 'numpy') {
          throw typeError(
            `ufunc '${NUMPY_UFUNC[op]}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`,
          );
        }
        throw notImplemented(ctx, `"${BITWISE_KERNEL[op]}" not implemented for '${scalarTypeName(common)}'`);
      }
      const f = bitwise(op);
      return mapOperands(ctx, [a, b], common, common, ([x, y]) => f(x!, y!), flavor);
    }
    default:
      throw typeError(`unsupported operand type(s) for ${op}: '${pyTypeOf(a)}' and '${pyTypeOf(b)}'`);
  }
}

function comparison(op: string): (x: number, y: number) => boolean {
  switch (op) {
    case '==':
      return (x, y) => x === y;
    case '!=':
      return (x, y) => x !== y;
    case '<':
      return (x, y) => x < y;
    case '<=':
      return (x, y) => x <= y;
    case '>':
      return (x, y) => x > y;
    default:
      return (x, y) => x >= y;
  }
}

function bitwise(op: string): (x: number, y: number) => number {
  const big = (f: (x: bigint, y: bigint) => bigint) => (x: number, y: number) => Number(f(BigInt(x), BigInt(y)));
  switch (op) {
    case '&':
      return big((x, y) => x & y);
    case '|':
      return big((x, y) => x | y);
    case '^':
      return big((x, y) => x ^ y);
    case '<<':
      return big((x, y) => BigInt.asIntN(64, x << y));
    default:
      return big((x, y) => x >> y);
  }
}

function power(ctx: OpContext, a: Operand, b: Operand, flavor: Flavor, common: DType): TorchTensor {
  if (isIntegral(common) || common === 'bool') {
    const negative = (op: Operand): boolean =>
      op instanceof TorchTensor ? op.data.some((v) => v < 0) : Number(op) < 0;
    if (negative(b)) {
      const message = 'Integers to negative integer powers are not allowed.';
      throw flavor === 'numpy' ? valueError(message) : runtimeError(message);
    }
    const out: DType = common === 'bool' ? (flavor === 'numpy' ? 'int8' : 'int64') : common;
    return mapOperands(ctx, [a, b], common, out, ([x, y]) => x! ** y!, flavor);
  }
  return mapOperands(ctx, [a, b], common, common, ([x, y]) => x! ** y!, flavor);
}

/** Python's unary operators on a tensor: `-t`, `+t`, `~t`, `abs(t)`. */
export function unary(ctx: OpContext, op: '-' | '+' | '~' | 'abs', t: TorchTensor): TorchTensor {
  const flavor = t.flavor;
  switch (op) {
    case '+':
      return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) => x!, flavor);
    case '-':
      if (t.dtype === 'bool') {
        if (flavor === 'numpy') {
          throw typeError(
            'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.',
          );
        }
        throw notImplemented(
          ctx,
          'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
        );
      }
      return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) => -x!, flavor);
    case 'abs':
      return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) => Math.abs(x!), flavor);
    case '~':
      if (t.dtype === 'bool') return mapOperands(ctx, [t], 'bool', 'bool', ([x]) => (x ? 0 : 1), flavor);
      if (isFloating(t.dtype)) {
        if (flavor === 'numpy') {
          throw typeError(
            "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
          );
        }
        throw typeError('~ (operator.invert) is only implemented on integer and Boolean-type tensors');
      }
      return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) => -x! - 1, flavor);
  }
}

/** The floating dtype a float function (exp, log, ...) returns for an input dtype. */
export function floatResultDType(dtype: DType, flavor: Flavor): DType {
  if (isFloating(dtype)) return dtype;
  if (flavor === 'torch') return 'float32';
  // NumPy picks the first float loop the input casts to safely: e (float16), f (float32), d (float64).
  if (dtype === 'bool' || dtype === 'int8' || dtype === 'uint8') return 'float16';
  if (dtype === 'int16') return 'float32';
  return 'float64';
}

/**
 * The error function from the everywhere-positive series erf(x) = 2/sqrt(pi) * exp(-x^2) * sum 2^n x^(2n+1) /
 * (1*3*...*(2n+1)), which has no cancellation (accurate to a few ulps of a double); |x| > 6 is ±1 in double.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  const x2 = ax * ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

/** The float functions: result dtype floating (int inputs promoted), computed in float64 and rounded. */
export const FLOAT_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  reciprocal: (x) => 1 / x,
  erf,
  erfc: (x) => 1 - erf(x),
  logit: (x) => Math.log(x / (1 - x)),
};

/**
 * Functions PyTorch's float kernels compute as several rounded float32 steps (not one rounding of the exact value):
 * `r` rounds to the result dtype.
 */
export const STEPWISE: Readonly<Record<string, (x: number, r: (v: number) => number) => number>> = {
  sigmoid: (x, r) => r(1 / r(1 + r(Math.exp(-x)))),
  silu: (x, r) => r(x / r(1 + r(Math.exp(-x)))),
};

/** Functions whose result keeps the input dtype. */
export const SAME_DTYPE_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  neg: (x) => -x,
  negative: (x) => -x,
  abs: Math.abs,
  absolute: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  relu: (x) => (x > 0 ? x : 0),
  square: (x) => x * x,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  fix: Math.trunc,
  round: roundHalfEven,
  rint: roundHalfEven,
};

/** Round half to even (torch.round, np.round with 0 decimals). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Applies a named elementwise function. `name` from {@link FLOAT_FUNCTIONS} promotes integer inputs to float
 * (float32 in PyTorch; NumPy's loop choice); {@link SAME_DTYPE_FUNCTIONS} keep the dtype. For float32 the value
 * is computed in float64 and rounded once, matching PyTorch's kernels to within their 1-ulp vectorised math.
 */
export function mathFunction(ctx: OpContext, name: string, t: TorchTensor): TorchTensor {
  const ff = FLOAT_FUNCTIONS[name];
  const stepwise = STEPWISE[name];
  if (stepwise && t.flavor === 'torch') {
    const out = floatResultDType(t.dtype, t.flavor);
    const r = out === 'float64' ? (v: number) => v : Math.fround;
    return mapOperands(ctx, [t], 'float64', out, ([x]) => stepwise(x!, r), t.flavor);
  }
  if (ff) {
    const out = floatResultDType(t.dtype, t.flavor);
    return mapOperands(ctx, [t], 'float64', out, ([x]) => ff(x!), t.flavor);
  }
  const sf = SAME_DTYPE_FUNCTIONS[name];
  if (!sf) throw new Error(`mathFunction: unknown ${name}`);
  if (t.dtype === 'bool' && (name === 'neg' || name === 'negative')) return unary(ctx, '-', t);
  if (t.dtype === 'bool' && name === 'sign' && t.flavor === 'torch')
    return mapOperands(ctx, [t], 'bool', 'bool', ([x]) => x!);
  return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) => sf(x!), t.flavor);
}

/** Rounds `x` as a value of `dtype` would hold it. */
export function asDType(x: number, dtype: DType): number {
  return isFloating(dtype) ? roundToFloatType(x, dtype as 'float32') : x;
}

/** `torch.where(condition, x, y)` / `np.where`. */
export function where(ctx: OpContext, condition: TorchTensor, x: Operand, y: Operand): TorchTensor {
  const flavor = flavorOf([condition, x, y]);
  if (flavor === 'torch' && condition.dtype !== 'bool' && condition.dtype !== 'uint8') {
    throw runtimeError(
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(condition.dtype)}`,
    );
  }
  const common = resultType(ctx, [x, y], flavor);
  return mapOperands(ctx, [condition, x, y], common, common, ([c, a, b]) => (c ? a! : b!), flavor);
}

/**
 * `torch.clamp(input, min, max)` (min/max Python numbers or tensors). With a number bound, the result keeps the
 * input's dtype unless the bound's category is higher (int tensor clamped by a float → float32).
 */
export function clamp(ctx: OpContext, t: TorchTensor, lo: Operand | null, hi: Operand | null): TorchTensor {
  if (lo === null && hi === null) {
    if (t.flavor === 'numpy') throw valueError('One of max or min must be given');
    throw runtimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  const operands: Operand[] = [t];
  if (lo !== null) operands.push(lo);
  if (hi !== null) operands.push(hi);
  const common = resultType(ctx, operands, t.flavor);
  const nLo = lo === null ? -1 : 1;
  return mapOperands(
    ctx,
    operands,
    common,
    common,
    (xs) => {
      let v = xs[0]!;
      if (v !== v) return v;
      if (lo !== null) {
        const m = xs[nLo]!;
        if (m !== m) return m;
        if (v < m) v = m;
      }
      if (hi !== null) {
        const m = xs[lo === null ? 1 : 2]!;
        if (m !== m) return m;
        if (v > m) v = m;
      }
      return v;
    },
    t.flavor,
  );
}

/** Raises PyTorch's error for an operation that needs a floating input (`mean` of a Long tensor...). */
export function requireFloating(what: string, dtype: DType): void {
  if (!isFloating(dtype)) throw runtimeError(`${what}: ${dtypeDescription(dtype)}`);
}

function dtypeDescription(dtype: DType): string {
  return `expected a floating point or complex tensor but got ${scalarTypeName(dtype)}`;
}

/** True when the value category of `op` is floating. */
export function isFloatOperand(op: Operand): boolean {
  return op instanceof TorchTensor ? categoryOf(op.dtype) === 2 : typeof op === 'number';
}

export { TorchError };
