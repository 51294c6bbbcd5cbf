/**
 * The tensor value type shared by the reader, the losses, the Python front end and the CLI.
 *
 * Values are stored in a typed array that matches the dtype, so a float32 literal is rounded to float32 exactly as
 * `torch.tensor` rounds it. Arithmetic inside the losses runs in float64 on those stored values.
 */

/** The dtypes Loss Lens understands, named as PyTorch names them (`torch.float32` → `'float32'`). */
export type DType =
  'float16' | 'bfloat16' | 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'bool';

/** Typed-array storage for a tensor. int64 is held in a Float64Array (exact up to 2^53). */
export type TensorData = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** A dense, C-contiguous tensor. `shape` [] is a 0-d (scalar) tensor holding one value. */
export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** True for the floating dtypes (float16/bfloat16/float32/float64). */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

/** True for the integer dtypes other than bool. */
export function isIntegral(dtype: DType): boolean {
  return !isFloating(dtype) && dtype !== 'bool';
}

/** PyTorch's scalar-type name as it appears in error messages: float32 → Float, int64 → Long. */
export function scalarTypeName(dtype: DType): string {
  const names: Record<DType, string> = {
    float16: 'Half',
    bfloat16: 'BFloat16',
    float32: 'Float',
    float64: 'Double',
    int8: 'Char',
    uint8: 'Byte',
    int16: 'Short',
    int32: 'Int',
    int64: 'Long',
    bool: 'Bool',
  };
  return names[dtype];
}

/** Number of elements for a shape (1 for a 0-d tensor). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates storage of the right kind for a dtype. */
export function allocate(dtype: DType, length: number): TensorData {
  switch (dtype) {
    case 'float16':
    case 'bfloat16':
    case 'float32':
      return new Float32Array(length);
    case 'float64':
    case 'int64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
  }
}

/**
 * Rounds to the nearest value with `mantissaBits` fraction bits and exponents down to `minExponent` (subnormals
 * below), ties to even, overflowing to ±inf past `maxFinite`: IEEE rounding to a narrower binary format.
 */
function roundToFormat(x: number, mantissaBits: number, minExponent: number, maxFinite: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  // Math.log2 can be off by one next to a power of two.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const quantum = 2 ** (Math.max(e, minExponent) - mantissaBits);
  const scaled = a / quantum;
  let whole = Math.floor(scaled);
  const rest = scaled - whole;
  if (rest > 0.5 || (rest === 0.5 && whole % 2 === 1)) whole++;
  const rounded = whole * quantum;
  // Values past the largest finite one round to infinity once they reach halfway to the next binade step.
  const result = rounded > maxFinite ? Infinity : rounded;
  return x < 0 ? -result : result;
}

/** `x` rounded to float16 as PyTorch converts a float to `c10::Half` (through float32, ties to even). */
export function roundFloat16(x: number): number {
  return roundToFormat(Math.fround(x), 10, -14, 65504);
}

/** `x` rounded to bfloat16 as PyTorch converts a float to `c10::BFloat16` (through float32, ties to even). */
export function roundBFloat16(x: number): number {
  return roundToFormat(Math.fround(x), 7, -126, 3.3895313892515355e38);
}

/** The rounding a value stored in `dtype` goes through: float16/bfloat16 rounding, float32's, or none. */
export function storageRounder(dtype: DType): (x: number) => number {
  if (dtype === 'float16') return roundFloat16;
  if (dtype === 'bfloat16') return roundBFloat16;
  if (dtype === 'float32') return Math.fround;
  return (x) => x;
}

/** Builds a tensor from flat values, converting them as a cast to `dtype` would (truncation toward zero for ints). */
export function tensorFrom(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  if (dtype === 'float16' || dtype === 'bfloat16') {
    // Stored in a Float32Array, but holding only the values the half type can: torch.tensor(..., dtype=...) rounds.
    const round = dtype === 'float16' ? roundFloat16 : roundBFloat16;
    for (let i = 0; i < values.length; i++) data[i] = round(values[i]!);
  } else if (isIntegral(dtype)) {
    for (let i = 0; i < values.length; i++) data[i] = Math.trunc(values[i]!);
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < values.length; i++) data[i] = values[i]!;
  }
  return { dtype, shape: [...shape], data };
}

/** A float64 tensor over existing values (no copy when already a Float64Array). */
export function float64(values: Float64Array | number[], shape: readonly number[]): Tensor {
  const data = values instanceof Float64Array ? values : Float64Array.from(values);
  return { dtype: 'float64', shape: [...shape], data };
}

/** Casts to another dtype (a copy), like `tensor.to(dtype)`. */
export function cast(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return tensorFrom(t.data, t.shape, dtype);
}

/** PyTorch's shape text: `[2, 5, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** `torch.Size([2, 5])` as PyTorch prints it. */
export function formatTorchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** A JSON-friendly nested array of a tensor's values (a plain number for 0-d). NaN/±Infinity stay as numbers. */
export type Nested = number | Nested[];

/** Converts a tensor to nested arrays of numbers. */
export function toNested(t: Tensor): Nested {
  if (t.shape.length === 0) return t.data[0]!;
  const build = (dim: number, offset: number): Nested[] => {
    const size = t.shape[dim]!;
    const stride = numel(t.shape.slice(dim + 1));
    const out: Nested[] = [];
    for (let i = 0; i < size; i++) {
      out.push(dim === t.shape.length - 1 ? t.data[offset + i]! : build(dim + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}

/** Strides (in elements) of a C-contiguous tensor of this shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * The broadcast shape of two shapes by NumPy/PyTorch rules, or `undefined` when they do not broadcast.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Expands a tensor to a broadcast shape (a copy in float64). Caller guarantees compatibility. */
export function broadcastTo(t: Tensor, shape: readonly number[]): Float64Array {
  const total = numel(shape);
  const out = new Float64Array(total);
  const offset = shape.length - t.shape.length;
  const srcStrides = stridesOf(t.shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let d = 0; d < t.shape.length; d++) {
      const size = t.shape[d]!;
      src += (size === 1 ? 0 : idx[d + offset]!) * srcStrides[d]!;
    }
    out[k] = t.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
