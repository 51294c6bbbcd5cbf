/**
 * dtype names (PyTorch, NumPy, Python builtins, NumPy's strings), type promotion, float16/bfloat16 rounding, and the
 * casts `.long()`/`.to(...)` perform. Every rule here was checked against PyTorch 1.13 and NumPy 1.24 on x86-64
 * Linux (where NumPy's default integer is int64).
 */
import { allocate, isFloating, type DType, type Tensor } from '../tensor';

/**
 * A lookup table without a prototype: keys come from user text, and `'valueOf' in {}` or `{}['constructor']` must
 * not find Object.prototype's members.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** PyTorch's dtype attributes (`torch.<name>`). `null` marks real PyTorch dtypes Loss Lens does not support. */
export const TORCH_DTYPES: Readonly<Record<string, DType | null>> = lookupTable({
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
  complex32: null,
  chalf: null,
  complex64: null,
  cfloat: null,
  complex128: null,
  cdouble: null,
  qint8: null,
  quint8: null,
  qint32: null,
  quint4x2: null,
  quint2x4: null,
});

/** NumPy's scalar-type attributes (`np.<name>`); `null` = a NumPy type Loss Lens does not support. */
export const NUMPY_DTYPES: Readonly<Record<string, DType | null>> = lookupTable({
  float32: 'float32',
  single: 'float32',
  float64: 'float64',
  double: 'float64',
  float_: 'float64',
  float16: 'float16',
  half: 'float16',
  int64: 'int64',
  int_: 'int64',
  longlong: 'int64',
  intp: 'int64',
  int32: 'int32',
  intc: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  byte: 'int8',
  uint8: 'uint8',
  ubyte: 'uint8',
  bool_: 'bool',
  bool8: 'bool',
  uint16: null,
  uint32: null,
  uint64: null,
  longdouble: null,
  float128: null,
  complex64: null,
  complex128: null,
  complex_: null,
  object_: null,
  str_: null,
});

/** NumPy dtype strings (`dtype='f4'`, `'float32'`...). */
export const NUMPY_DTYPE_STRINGS: Readonly<Record<string, DType | null>> = lookupTable({
  float32: 'float32',
  f4: 'float32',
  f: 'float32',
  single: 'float32',
  float64: 'float64',
  f8: 'float64',
  d: 'float64',
  double: 'float64',
  float: 'float64',
  float16: 'float16',
  f2: 'float16',
  e: 'float16',
  half: 'float16',
  int64: 'int64',
  i8: 'int64',
  l: 'int64',
  long: 'int64',
  int: 'int64',
  int32: 'int32',
  i4: 'int32',
  i: 'int32',
  int16: 'int16',
  i2: 'int16',
  h: 'int16',
  int8: 'int8',
  i1: 'int8',
  b: 'int8',
  uint8: 'uint8',
  u1: 'uint8',
  B: 'uint8',
  bool: 'bool',
  '?': 'bool',
  b1: 'bool',
  float128: null,
  longdouble: null,
  complex64: null,
  complex128: null,
  uint16: null,
  uint32: null,
  uint64: null,
  object: null,
  str: null,
});

/** Python builtins used as dtypes: `dtype=float` is float64 in both PyTorch and NumPy. */
export const PYTHON_TYPE_DTYPES: Readonly<Record<string, DType>> = lookupTable({
  float: 'float64',
  int: 'int64',
  bool: 'bool',
});

/** The legacy typed constructors `torch.FloatTensor(...)` etc. (also valid under `torch.cuda.`). */
export const LEGACY_TENSOR_TYPES: Readonly<Record<string, DType>> = lookupTable({
  FloatTensor: 'float32',
  DoubleTensor: 'float64',
  HalfTensor: 'float16',
  BFloat16Tensor: 'bfloat16',
  LongTensor: 'int64',
  IntTensor: 'int32',
  ShortTensor: 'int16',
  CharTensor: 'int8',
  ByteTensor: 'uint8',
  BoolTensor: 'bool',
});

/** The casting methods `.float()`, `.long()`... */
export const CAST_METHODS: Readonly<Record<string, DType>> = lookupTable({
  float: 'float32',
  double: 'float64',
  half: 'float16',
  bfloat16: 'bfloat16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  char: 'int8',
  byte: 'uint8',
  bool: 'bool',
});

/** `torch.float32` as PyTorch prints it. */
export function torchDtypeName(dtype: DType): string {
  return `torch.${dtype}`;
}

/** Inclusive integer limits per integral dtype. */
export const INT_LIMITS: Readonly<
  Record<'int8' | 'uint8' | 'int16' | 'int32' | 'int64', { min: bigint; max: bigint }>
> = {
  int8: { min: -128n, max: 127n },
  uint8: { min: 0n, max: 255n },
  int16: { min: -32768n, max: 32767n },
  int32: { min: -2147483648n, max: 2147483647n },
  int64: { min: -9223372036854775808n, max: 9223372036854775807n },
};

type Category = 0 | 1 | 2;

function category(d: DType): Category {
  return d === 'bool' ? 0 : isFloating(d) ? 2 : 1;
}

const INT_ORDER: readonly DType[] = ['uint8', 'int8', 'int16', 'int32', 'int64'];
const FLOAT_ORDER: readonly DType[] = ['float16', 'bfloat16', 'float32', 'float64'];

/** `torch.promote_types` for the supported dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  if (ca === 1) {
    // uint8 with a signed type needs the next wider signed type.
    if (a === 'uint8' || b === 'uint8') {
      const other = a === 'uint8' ? b : a;
      return other === 'int8' ? 'int16' : other;
    }
    return INT_ORDER.indexOf(a) > INT_ORDER.indexOf(b) ? a : b;
  }
  // float16 with bfloat16 gives float32; otherwise the wider one.
  if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32';
  return FLOAT_ORDER.indexOf(a) > FLOAT_ORDER.indexOf(b) ? a : b;
}

/**
 * `np.promote_types` for the supported dtypes. Unlike PyTorch, a float must be wide enough for the integer:
 * int16 with float16 gives float32, int32/int64 with any float give float64.
 */
export function numpyPromoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca === 2 && cb === 1) return numpyFloatFor(a, b);
  if (ca === 1 && cb === 2) return numpyFloatFor(b, a);
  return promoteTypes(a, b);
}

function numpyFloatFor(float: DType, int: DType): DType {
  const needed: DType = int === 'int8' || int === 'uint8' ? 'float16' : int === 'int16' ? 'float32' : 'float64';
  return FLOAT_ORDER.indexOf(needed) > FLOAT_ORDER.indexOf(float) ? needed : float;
}

// ---------------------------------------------------------------------------------------------------------------
// Rounding to the narrow float types
// ---------------------------------------------------------------------------------------------------------------

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Rounds a float32 value to the nearest float16 (ties to even; overflow to ±inf), as c10::Half does. */
export function roundToFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  // 65520 is halfway between float16's largest value 65504 and 65536, and rounds (to even) up to infinity.
  if (a >= 65520) return sign * Infinity;
  let quantum: number;
  if (a < 2 ** -14) {
    quantum = 2 ** -24;
  } else {
    let e = Math.floor(Math.log2(a));
    // log2 can be off by one next to powers of two.
    if (2 ** e > a) e--;
    else if (2 ** (e + 1) <= a) e++;
    quantum = 2 ** (e - 10);
  }
  return sign * roundHalfEven(a / quantum) * quantum;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a float32 value to bfloat16 (round-to-nearest-even on the top 16 bits), as c10::BFloat16 does. */
export function roundToBFloat16(x: number): number {
  if (Number.isNaN(x)) return x;
  f32[0] = x;
  const bits = u32[0]!;
  const lsb = (bits >>> 16) & 1;
  u32[0] = ((bits + 0x7fff + lsb) & 0xffff0000) >>> 0;
  return f32[0];
}

/** A double rounded to a floating dtype's precision (via float32 first, as PyTorch converts). */
export function roundToFloatType(x: number, dtype: 'float16' | 'bfloat16' | 'float32' | 'float64'): number {
  switch (dtype) {
    case 'float64':
      return x;
    case 'float32':
      return Math.fround(x);
    case 'float16':
      return roundToFloat16(Math.fround(x));
    case 'bfloat16':
      return roundToBFloat16(Math.fround(x));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Unchecked casts (`.long()`, `.to(dtype)`, `torch.tensor(ndarray, dtype=...)`)
// ---------------------------------------------------------------------------------------------------------------

const INT64_MIN = -9223372036854775808;
const TWO_63 = 9223372036854775808;
const INT32_MIN = -2147483648;

/**
 * Converts one value between dtypes the way a PyTorch cast does on x86-64 (the oracle): float → int truncates
 * toward zero; NaN, ±inf and out-of-range floats become the type's minimum (int64/int32 paths); int8/int16/int32
 * go through int32 and uint8 through int64, then wrap; bool is `!= 0` (NaN → True).
 */
export function castValue(v: number, from: DType, to: DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (isFloating(to)) return roundToFloatType(v, to as 'float16' | 'bfloat16' | 'float32' | 'float64');
  if (isFloating(from)) {
    const t = Math.trunc(v);
    if (to === 'int64' || to === 'uint8') {
      const wide = Number.isNaN(t) || t >= TWO_63 || t < -TWO_63 ? INT64_MIN : t;
      return to === 'int64' ? wide : wrapInt(wide, 'uint8');
    }
    const narrow = Number.isNaN(t) || t >= 2147483648 || t < INT32_MIN ? INT32_MIN : t;
    return wrapInt(narrow, to);
  }
  return to === 'int64' ? v : wrapInt(v, to);
}

/** Two's-complement wrap of an integer value into a narrow integral dtype (int64 and others pass through). */
export function wrapInt(v: number, dtype: DType): number {
  const modulus =
    dtype === 'uint8' || dtype === 'int8' ? 256 : dtype === 'int16' ? 65536 : dtype === 'int32' ? 4294967296 : 0;
  if (modulus === 0) return v;
  const m = ((v % modulus) + modulus) % modulus;
  return dtype !== 'uint8' && m >= modulus / 2 ? m - modulus : m;
}

/** `tensor.to(dtype)`: a cast copy (the same tensor when the dtype already matches). */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const data = allocate(dtype, t.data.length);
  for (let i = 0; i < t.data.length; i++) data[i] = castValue(t.data[i]!, t.dtype, dtype);
  return { dtype, shape: [...t.shape], data };
}
