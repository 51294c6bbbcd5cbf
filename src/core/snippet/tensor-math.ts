/**
 * The numbers behind value mode: elementwise maps with broadcasting, reductions, softmax, matmul, permutes,
 * concatenation and gathers on dense tensors. Arithmetic runs in float64 on the stored values and each result is
 * stored in its dtype (float32 rounding, integer wrap-around), which keeps results within float32 rounding of
 * PyTorch's.
 */
import { castValue, roundToFloatType, wrapInt } from '../reader/dtype';
import { allocate, isFloating, numel, stridesOf, type DType, type Tensor } from '../tensor';
import { broadcastIndex } from '../losses/torch-semantics';

/** Stores float64 results in a dtype (float rounding; integer results wrap as C++ integers do; bool is `!= 0`). */
export function fromValues(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  if (isFloating(dtype)) {
    const narrow = dtype === 'float16' || dtype === 'bfloat16';
    for (let i = 0; i < values.length; i++) data[i] = narrow ? roundToFloatType(values[i]!, dtype) : values[i]!;
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      data[i] = Number.isFinite(v) ? wrapInt(Math.trunc(v), dtype) : castValue(v, 'float64', dtype);
    }
  }
  return { dtype, shape: [...shape], data };
}

/** A tensor filled with one value. */
export function filled(shape: readonly number[], dtype: DType, value: number): Tensor {
  const n = numel(shape);
  const values = new Float64Array(n).fill(value);
  return fromValues(values, shape, dtype);
}

/** Casts values between dtypes as `.to(dtype)` does. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const data = allocate(dtype, t.data.length);
  for (let i = 0; i < t.data.length; i++) data[i] = castValue(t.data[i]!, t.dtype, dtype);
  return { dtype, shape: [...t.shape], data };
}

/** Applies `fn` to every element; the result is stored in `dtype`. */
export function mapUnary(t: Tensor, dtype: DType, fn: (x: number) => number): Tensor {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(t.data[i]!);
  return fromValues(out, t.shape, dtype);
}

/** An operand of a broadcasting map: a tensor or a plain number. */
export type Operand = Tensor | number;

/** Applies `fn` elementwise over broadcast operands (`shape` is their broadcast shape). */
export function mapBroadcast(
  operands: readonly Operand[],
  shape: readonly number[],
  dtype: DType,
  fn: (xs: number[]) => number,
): Tensor {
  const n = numel(shape);
  const maps = operands.map((op) => (typeof op === 'number' ? undefined : broadcastIndex(op.shape, shape)));
  const out = new Float64Array(n);
  const xs = new Array<number>(operands.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < operands.length; j++) {
      const op = operands[j]!;
      xs[j] = typeof op === 'number' ? op : op.data[maps[j]![k]!]!;
    }
    out[k] = fn(xs);
  }
  return fromValues(out, shape, dtype);
}

/** Reorders axes (`order[i]` is the source axis of output axis i). */
export function permute(t: Tensor, order: readonly number[]): Tensor {
  const shape = order.map((d) => t.shape[d]!);
  const srcStrides = stridesOf(t.shape);
  const strides = order.map((d) => srcStrides[d]!);
  const n = t.data.length;
  const data = allocate(t.dtype, n);
  const idx = new Array<number>(shape.length).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    data[k] = t.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return { dtype: t.dtype, shape, data };
}

/** The same values under another shape (a copy of the header only). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  return { dtype: t.dtype, shape: [...shape], data: t.data };
}

/**
 * Reduces along one axis: `fn` receives the values of one line along the axis and returns one number. The axis is
 * removed (or kept with size 1 when `keepdim`).
 */
export function reduceAxis(
  t: Tensor,
  axis: number,
  keepdim: boolean,
  dtype: DType,
  fn: (line: Float64Array) => number,
): Tensor {
  const shape = t.shape.length === 0 ? [1] : t.shape;
  const size = shape[axis]!;
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  const line = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let s = 0; s < size; s++) line[s] = t.data[(o * size + s) * inner + i]!;
      out[o * inner + i] = fn(line);
    }
  }
  const outShape =
    t.shape.length === 0
      ? []
      : keepdim
        ? shape.map((d, i) => (i === axis ? 1 : d))
        : shape.filter((_, i) => i !== axis);
  return fromValues(out, outShape, dtype);
}

/** Σ over several axes (all when `axes` is empty), accumulated in float64 and stored in `dtype`. */
export function sumAxes(t: Tensor, axes: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const all = axes.length === 0;
  const reduced = t.shape.map((_, i) => all || axes.includes(i));
  const keptShape = t.shape.map((d, i) => (reduced[i] ? 1 : d));
  const outStrides = stridesOf(keptShape);
  const out = new Float64Array(numel(keptShape));
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let k = 0; k < t.data.length; k++) {
    let dst = 0;
    for (let d = 0; d < idx.length; d++) if (!reduced[d]) dst += idx[d]! * outStrides[d]!;
    out[dst]! += t.data[k]!;
    for (let d = idx.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < t.shape[d]!) break;
      idx[d] = 0;
    }
  }
  const shape = keepdim ? keptShape : t.shape.filter((_, i) => !reduced[i]);
  return fromValues(out, shape, dtype);
}

/** Σ of a line in float64. */
export function lineSum(line: Float64Array): number {
  let s = 0;
  for (let i = 0; i < line.length; i++) s += line[i]!;
  return s;
}

/** The largest value of a line (nan when any value is nan, as torch.max). */
export function lineMax(line: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < line.length; i++) {
    const v = line[i]!;
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** The smallest value of a line (nan when any value is nan). */
export function lineMin(line: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < line.length; i++) {
    const v = line[i]!;
    if (v !== v) return NaN;
    if (v < m) m = v;
  }
  return m;
}

/** Index of the first largest value (nan counts as largest). */
export function lineArgmax(line: Float64Array): number {
  let best = 0;
  for (let i = 1; i < line.length; i++) {
    const v = line[i]!;
    const b = line[best]!;
    if (b !== b) return best;
    if (v !== v || v > b) best = i;
  }
  return best;
}

/** Index of the first smallest value (nan counts as smallest). */
export function lineArgmin(line: Float64Array): number {
  let best = 0;
  for (let i = 1; i < line.length; i++) {
    const v = line[i]!;
    const b = line[best]!;
    if (b !== b) return best;
    if (v !== v || v < b) best = i;
  }
  return best;
}

/** softmax / log_softmax along an axis, in float64 with the row maximum subtracted, stored in `dtype`. */
export function softmax(t: Tensor, axis: number, dtype: DType, log: boolean): Tensor {
  const shape = t.shape.length === 0 ? [1] : t.shape;
  const size = shape[axis]!;
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const out = new Float64Array(t.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let max = -Infinity;
      for (let s = 0; s < size; s++) {
        const v = t.data[(o * size + s) * inner + i]!;
        if (v > max || v !== v) max = v;
      }
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(t.data[(o * size + s) * inner + i]! - max);
      const logSum = Math.log(sum);
      for (let s = 0; s < size; s++) {
        const k = (o * size + s) * inner + i;
        const z = t.data[k]! - max;
        out[k] = log ? z - logSum : Math.exp(z) / sum;
      }
    }
  }
  return fromValues(out, t.shape, dtype);
}

/** `torch.matmul` on known values; the shapes were checked by `matmulDims`. */
export function matmul(a: Tensor, b: Tensor, outShape: readonly number[], dtype: DType): Tensor {
  const left = a.shape.length === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const right = b.shape.length === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const m = left.shape[left.shape.length - 2]!;
  const k = left.shape[left.shape.length - 1]!;
  const n = right.shape[right.shape.length - 1]!;
  const batchA = left.shape.slice(0, -2);
  const batchB = right.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = batchA[batchA.length - rank + i] ?? 1;
    const y = batchB[batchB.length - rank + i] ?? 1;
    batch.push(x === 1 ? y : x);
  }
  const mapA = broadcastIndex(batchA, batch);
  const mapB = broadcastIndex(batchB, batch);
  const batches = numel(batch);
  const out = new Float64Array(batches * m * n);
  for (let bi = 0; bi < batches; bi++) {
    const offA = mapA[bi]! * m * k;
    const offB = mapB[bi]! * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += left.data[offA + i * k + p]! * right.data[offB + p * n + j]!;
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
  return fromValues(out, outShape, dtype);
}

/** `torch.cat` of known tensors along `axis` (1-D empty tensors skipped), stored in `dtype`. */
export function concatenate(
  tensors: readonly Tensor[],
  axis: number,
  outShape: readonly number[],
  dtype: DType,
): Tensor {
  const used = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  const outer = numel(outShape.slice(0, axis));
  const inner = numel(outShape.slice(axis + 1));
  const out = new Float64Array(numel(outShape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of used) {
      const block = t.shape[axis]! * inner;
      for (let j = 0; j < block; j++) out[k++] = t.data[o * block + j]!;
    }
  }
  return fromValues(out, outShape, dtype);
}

/** Picks elements by flat source offsets into a new tensor of `shape`. */
export function gatherOffsets(t: Tensor, offsets: ArrayLike<number>, shape: readonly number[]): Tensor {
  const data = allocate(t.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) data[i] = t.data[offsets[i]!]!;
  return { dtype: t.dtype, shape: [...shape], data };
}

/** `F.one_hot` of known int64 class indices. */
export function oneHot(t: Tensor, classes: number): Tensor {
  const n = t.data.length;
  const data = allocate('int64', n * classes);
  for (let i = 0; i < n; i++) data[i * classes + t.data[i]!] = 1;
  return { dtype: 'int64', shape: [...t.shape, classes], data };
}

/** `F.normalize`: x / max(‖x‖_p along axis, eps). */
export function normalize(t: Tensor, p: number, axis: number, eps: number): Tensor {
  const norms = reduceAxis(t, axis, true, 'float64', (line) => {
    if (p === Infinity) return lineMax(line.map(Math.abs));
    let s = 0;
    for (let i = 0; i < line.length; i++) s += Math.abs(line[i]!) ** p;
    return s ** (1 / p);
  });
  const shape = t.shape;
  return mapBroadcast([t, norms], shape, t.dtype, ([x, norm]) => x! / Math.max(norm!, eps));
}
