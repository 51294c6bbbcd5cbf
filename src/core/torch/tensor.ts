/**
 * The tensor value the interpreter holds for a `torch.Tensor` or a NumPy `ndarray` / NumPy scalar. Storage is dense
 * and C-contiguous; the typed array matches the dtype (int64 in a Float64Array, exact to 2^53; bool in a
 * Uint8Array), so a float32 value is always a float32 value.
 *
 * Ops are pure functions returning new tensors; only the explicit in-place ops (`add_`, `x[i] = v`, ...) write into
 * an existing tensor's `data`, element by element, so tensors that share one typed array (`view`, `.numpy()`,
 * `torch.from_numpy`) see each other's writes as in PyTorch.
 */
import { castValue, roundToFloatType, wrapInt } from '../reader/dtype';
import { allocate, isFloating, isIntegral, numel, type DType, type TensorData } from '../tensor';
import { BudgetExceeded } from './errors';

/** Whose value this is: a `torch.Tensor` or a NumPy array/scalar (decides promotion, printing, error texts). */
export type Flavor = 'torch' | 'numpy';

/** A torch tensor or NumPy array. Mutable: in-place ops alter `data` (and `shape` for `resize_`-like ops). */
export class TorchTensor {
  /** The element type. */
  dtype: DType;
  /** The sizes; `[]` for a 0-d tensor / NumPy scalar. */
  shape: number[];
  /** The values in C order, in storage matching `dtype`. */
  data: TensorData;
  /** `torch` for a torch.Tensor, `numpy` for an ndarray or NumPy scalar. */
  flavor: Flavor;
  /** True for a NumPy scalar (`np.float32(1.5)`, `arr.sum()`), which is 0-d and prints as a scalar. */
  npScalar?: boolean;

  /**
   * @param dtype element type; @param shape sizes; @param data values (length = product of shape, not copied);
   * @param flavor torch or numpy.
   */
  constructor(dtype: DType, shape: readonly number[], data: TensorData, flavor: Flavor = 'torch') {
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data;
    this.flavor = flavor;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get numel(): number {
    return this.data.length;
  }
}

/** True for a NumPy value. */
export function isNumpy(t: TorchTensor): boolean {
  return t.flavor === 'numpy';
}

/** Throws {@link BudgetExceeded} when a result of `shape` would hold more than `maxElements` values. */
export function checkBudget(shape: readonly number[], maxElements: number): void {
  if (numel(shape) > maxElements) throw new BudgetExceeded(shape, maxElements);
}

/**
 * Stores a result computed in float64 into `dtype`: floats are rounded to the dtype (float32 per op, as PyTorch's
 * float32 kernels produce), integers wrap as C++ integers do, bool is `!= 0`.
 */
export function storeValues(values: ArrayLike<number>, dtype: DType): TensorData {
  const data = allocate(dtype, values.length);
  if (isFloating(dtype)) {
    if (dtype === 'float32' || dtype === 'float64') {
      for (let i = 0; i < values.length; i++) data[i] = values[i]!;
    } else {
      for (let i = 0; i < values.length; i++) data[i] = roundToFloatType(values[i]!, dtype as 'float16');
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // `+ 0` turns a -0 (from truncating -0.5) into the 0 an integer holds.
      data[i] = (Number.isFinite(v) ? wrapInt(Math.trunc(v), dtype) : castValue(v, 'float64', dtype)) + 0;
    }
  }
  return data;
}

/** A new tensor from float64 results (see {@link storeValues}). */
export function make(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  flavor: Flavor = 'torch',
): TorchTensor {
  return new TorchTensor(dtype, shape, storeValues(values, dtype), flavor);
}

/** A tensor of `shape` filled with `value` (converted as a cast to `dtype`). */
export function full(shape: readonly number[], value: number, dtype: DType, flavor: Flavor = 'torch'): TorchTensor {
  const data = allocate(dtype, numel(shape));
  data.fill(castValue(value, 'float64', dtype));
  return new TorchTensor(dtype, shape, data, flavor);
}

/** A 0-d tensor holding one value. */
export function scalarTensor(value: number, dtype: DType, flavor: Flavor = 'torch'): TorchTensor {
  return full([], value, dtype, flavor);
}

/** A copy with its own storage (`clone()`, `copy()`). */
export function cloneTensor(t: TorchTensor): TorchTensor {
  const copy = new TorchTensor(t.dtype, t.shape, t.data.slice(), t.flavor);
  if (t.npScalar) copy.npScalar = true;
  return copy;
}

/** Casts to `dtype` as `.to(dtype)` / `.astype(dtype)` do (a copy; the same tensor when `dtype` matches and not `copy`). */
export function castTo(t: TorchTensor, dtype: DType, copy = false): TorchTensor {
  if (t.dtype === dtype && !copy) return t;
  const data = allocate(dtype, t.data.length);
  const integral = !isFloating(dtype);
  for (let i = 0; i < t.data.length; i++) {
    const v = castValue(t.data[i]!, t.dtype, dtype);
    data[i] = integral ? v + 0 : v;
  }
  const out = new TorchTensor(dtype, t.shape, data, t.flavor);
  if (t.npScalar) out.npScalar = true;
  return out;
}

/** The same storage under another shape (a view: writes through either are seen by both). */
export function viewAs(t: TorchTensor, shape: readonly number[]): TorchTensor {
  return new TorchTensor(t.dtype, shape, t.data, t.flavor);
}

/** Strides in elements of a C-contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * For each element of `outShape` (C order), the flat offset of the element of a tensor of `shape` that broadcasting
 * reads (`shape` must broadcast to `outShape`).
 */
export function broadcastOffsets(shape: readonly number[], outShape: readonly number[]): Int32Array | null {
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return null;
  const n = numel(outShape);
  const out = new Int32Array(n);
  const lead = outShape.length - shape.length;
  const strides = contiguousStrides(shape);
  const eff = outShape.map((_, i) => {
    const d = i - lead;
    return d < 0 || shape[d] === 1 ? 0 : strides[d]!;
  });
  const idx = new Array<number>(outShape.length).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      off += eff[d]!;
      if (idx[d]! < outShape[d]!) break;
      off -= eff[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** The values of `t` read as if broadcast to `outShape` (a float64 copy). */
export function broadcastValues(t: TorchTensor, outShape: readonly number[]): Float64Array {
  const offsets = broadcastOffsets(t.shape, outShape);
  if (!offsets) return Float64Array.from(t.data);
  const out = new Float64Array(offsets.length);
  for (let k = 0; k < offsets.length; k++) out[k] = t.data[offsets[k]!]!;
  return out;
}

/** The Python value of element `i`: a float (number), an int (bigint) or a bool. */
export function elementValue(t: TorchTensor, i: number): number | bigint | boolean {
  const v = t.data[i]!;
  if (t.dtype === 'bool') return v !== 0;
  if (isIntegral(t.dtype)) return BigInt(v);
  return v;
}

/** Writes one value into element `i`, converted as a cast from float64 would (ints truncate, bool is `!= 0`). */
export function setElement(t: TorchTensor, i: number, v: number): void {
  t.data[i] = castValue(v, 'float64', t.dtype);
}

export { numel };
