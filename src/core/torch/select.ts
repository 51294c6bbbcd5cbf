/**
 * Index-driven operations: `gather`, `scatter`/`scatter_add`, `index_select`, `masked_fill`, `masked_select`,
 * `nonzero`, `topk`, `sort`/`argsort`, `F.one_hot`. Error texts are PyTorch's.
 */
import { castValue } from '../reader/dtype';
import { allocate, isFloating, numel, scalarTypeName } from '../tensor';
import { indexError, runtimeError } from './errors';
import { tuple, type TupleArg } from './args';
import { wrapDim } from './dims';
import { broadcastAll, type OpContext } from './elementwise';
import { nonzeroCoords } from './indexing';
import { broadcastOffsets, checkBudget, cloneTensor, contiguousStrides, make, TorchTensor } from './tensor';

function requireLong(index: TorchTensor, fn: string): void {
  if (index.dtype !== 'int64') throw runtimeError(`${fn}(): Expected dtype int64 for index`);
}

/** Iterates every position of `shape`, calling `fn(flatIndex, multiIndex)`. */
function eachIndex(shape: readonly number[], fn: (k: number, idx: readonly number[]) => void): void {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    fn(k, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** `torch.gather(input, dim, index)`: out[i][j] = input[i][index[i][j]] (for dim 1). */
export function gather(ctx: OpContext, t: TorchTensor, dim: number, index: TorchTensor): TorchTensor {
  // PyTorch 2.x also accepts int32 indices.
  if (!(ctx.torchVersion !== '1.13' && index.dtype === 'int32')) requireLong(index, 'gather');
  const d = wrapDim(dim, t.shape.length);
  if (index.shape.length !== t.shape.length && !(index.shape.length <= 1 && t.shape.length <= 1)) {
    throw runtimeError('Index tensor must have the same number of dimensions as input tensor');
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > (t.shape[i] ?? 1)) {
      throw runtimeError(
        `Size does not match at dimension ${i} expected index [${index.shape.join(', ')}] to be smaller than self [${t.shape.join(', ')}] apart from dimension ${d}`,
      );
    }
  });
  checkBudget(index.shape, ctx.maxElements);
  const strides = contiguousStrides(t.shape);
  const size = t.shape[d] ?? 1;
  const data = allocate(t.dtype, index.data.length);
  eachIndex(index.shape, (k, idx) => {
    const j = index.data[k]!;
    if (j < -size || j >= size) throw runtimeError(`index ${j} is out of bounds for dimension ${d} with size ${size}`);
    let off = 0;
    for (let q = 0; q < idx.length; q++) off += (q === d ? (j < 0 ? j + size : j) : idx[q]!) * (strides[q] ?? 1);
    data[k] = t.data[off]!;
  });
  return new TorchTensor(t.dtype, index.shape, data, t.flavor);
}

/**
 * `scatter`/`scatter_add` into `target` (mutated: callers pass a clone for the out-of-place forms). `src` is a
 * tensor (read at the index's positions) or a number.
 */
export function scatterInto(
  target: TorchTensor,
  dim: number,
  index: TorchTensor,
  src: TorchTensor | number,
  mode: 'set' | 'add' | 'multiply',
  fn = 'scatter',
): void {
  requireLong(index, fn);
  const d = wrapDim(dim, target.shape.length);
  if (index.shape.length !== target.shape.length && !(index.shape.length <= 1 && target.shape.length <= 1)) {
    throw runtimeError('Index tensor must have the same number of dimensions as self tensor');
  }
  if (src instanceof TorchTensor && src.dtype !== target.dtype && target.flavor === 'torch') {
    throw runtimeError(`${fn}(): Expected self.dtype to be equal to src.dtype`);
  }
  const strides = contiguousStrides(target.shape);
  const srcStrides = src instanceof TorchTensor ? contiguousStrides(src.shape) : [];
  const size = target.shape[d] ?? 1;
  eachIndex(index.shape, (k, idx) => {
    const j = index.data[k]!;
    if (j < -size || j >= size) throw runtimeError(`index ${j} is out of bounds for dimension ${d} with size ${size}`);
    let off = 0;
    for (let q = 0; q < idx.length; q++) off += (q === d ? (j < 0 ? j + size : j) : idx[q]!) * (strides[q] ?? 1);
    let v: number;
    if (src instanceof TorchTensor) {
      let so = 0;
      for (let q = 0; q < idx.length; q++) so += idx[q]! * (srcStrides[q] ?? 1);
      v = src.data[so]!;
    } else v = src;
    const cur = target.data[off]!;
    const next = mode === 'set' ? v : mode === 'add' ? cur + v : cur * v;
    target.data[off] = castValue(next, 'float64', target.dtype);
  });
}

/** `index_select(input, dim, index)`. */
export function indexSelect(ctx: OpContext, t: TorchTensor, dim: number, index: TorchTensor): TorchTensor {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw runtimeError('index_select(): Expected dtype int32 or int64 for index');
  }
  if (index.shape.length > 1) throw indexError('index_select(): Index is supposed to be a vector');
  const d = wrapDim(dim, t.shape.length);
  const size = t.shape[d] ?? 1;
  const shape = t.shape.length === 0 ? [] : [...t.shape];
  if (shape.length > 0) shape[d] = index.data.length;
  checkBudget(shape, ctx.maxElements);
  const outer = numel(t.shape.slice(0, d));
  const inner = numel(t.shape.slice(d + 1));
  const data = allocate(t.dtype, numel(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < index.data.length; i++) {
      const j = index.data[i]!;
      if (j < -size || j >= size) throw indexError(`index out of range in self`);
      const jj = j < 0 ? j + size : j;
      for (let q = 0; q < inner; q++) data[k++] = t.data[(o * size + jj) * inner + q]!;
    }
  }
  return new TorchTensor(t.dtype, shape, data, t.flavor);
}

/** Validates a mask for masked_fill / masked_select. */
function requireMask(mask: TorchTensor, fn: string, ctx?: OpContext): void {
  // PyTorch 1.13 still accepted uint8 masks in masked_fill (with a deprecation warning).
  if (mask.dtype === 'uint8' && ctx?.torchVersion === '1.13' && fn === 'masked_fill') return;
  if (mask.dtype !== 'bool') {
    if (fn === 'masked_select') throw runtimeError(`masked_select: expected BoolTensor for mask`);
    throw runtimeError(
      `masked_fill_ only supports boolean masks, but got mask with dtype ${scalarTypeName(mask.dtype) === 'Byte' ? 'unsigned char' : mask.dtype}`,
    );
  }
}

/** Writes `value` where `mask` (broadcast to `target`'s shape) is true, in place. */
export function maskedFillInto(
  target: TorchTensor,
  mask: TorchTensor,
  value: number | TorchTensor,
  ctx?: OpContext,
): void {
  requireMask(mask, 'masked_fill', ctx);
  if (value instanceof TorchTensor && value.shape.length !== 0) {
    throw runtimeError(
      `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.shape.length} dimension(s).`,
    );
  }
  const v =
    value instanceof TorchTensor
      ? castValue(value.data[0]!, value.dtype, target.dtype)
      : castValue(value, 'float64', target.dtype);
  const shape = broadcastAll([target, mask], 'torch');
  if (shape.length !== target.shape.length || shape.some((s, i) => s !== target.shape[i])) {
    throw runtimeError(
      `The expanded size of the tensor (${target.shape[target.shape.length - 1]}) must match the existing size (${mask.shape[mask.shape.length - 1]}) at non-singleton dimension ${target.shape.length - 1}.  Target sizes: [${target.shape.join(', ')}].  Tensor sizes: [${mask.shape.join(', ')}]`,
    );
  }
  const map = broadcastOffsets(mask.shape, target.shape);
  for (let k = 0; k < target.data.length; k++) if (mask.data[map ? map[k]! : k]) target.data[k] = v;
}

/** `masked_select(input, mask)`: the selected values as a 1-D tensor (both broadcast). */
export function maskedSelect(ctx: OpContext, t: TorchTensor, mask: TorchTensor): TorchTensor {
  requireMask(mask, 'masked_select');
  const shape = broadcastAll([t, mask], 'torch');
  checkBudget(shape, ctx.maxElements);
  const mt = broadcastOffsets(t.shape, shape);
  const mm = broadcastOffsets(mask.shape, shape);
  const values: number[] = [];
  for (let k = 0; k < numel(shape); k++) if (mask.data[mm ? mm[k]! : k]) values.push(t.data[mt ? mt[k]! : k]!);
  return make(values, [values.length], t.dtype, t.flavor);
}

/** `nonzero()`: an [n, ndim] int64 tensor of coordinates (or, `asTuple`, one 1-D tensor per dim). */
export function nonzero(t: TorchTensor, asTuple: boolean): TorchTensor | TupleArg {
  const coords = nonzeroCoords(t);
  if (asTuple) {
    const parts =
      t.shape.length === 0
        ? [make([t.data[0] ? 0 : 0].slice(0, t.data[0] ? 1 : 0), [t.data[0] ? 1 : 0], 'int64', t.flavor)]
        : coords.map((c) => make(c, [c.length], 'int64', t.flavor));
    return tuple(parts);
  }
  const n = coords.length === 0 ? (t.data[0] ? 1 : 0) : coords[0]!.length;
  const data = new Float64Array(n * t.shape.length);
  for (let i = 0; i < n; i++) for (let d = 0; d < t.shape.length; d++) data[i * t.shape.length + d] = coords[d]![i]!;
  return make(data, [n, t.shape.length], 'int64', t.flavor);
}

/** Sort order of two values: NaN is the largest. */
function compare(x: number, y: number): number {
  if (x !== x) return y !== y ? 0 : 1;
  if (y !== y) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `sort(dim, descending)` (stable): the named tuple (values, indices). */
export function sort(ctx: OpContext, t: TorchTensor, dim: number, descending: boolean): TupleArg {
  const { values, indices } = sortLines(
    ctx,
    t,
    dim,
    descending,
    t.shape.length === 0 ? 1 : t.shape[wrapDim(dim, t.shape.length)]!,
  );
  return tuple([values, indices], 'torch.return_types.sort', ['values', 'indices']);
}

/** `topk(k, dim, largest, sorted)`: the named tuple (values, indices). */
export function topk(ctx: OpContext, t: TorchTensor, k: number, dim: number, largest: boolean): TupleArg {
  const d = wrapDim(dim, t.shape.length);
  const size = t.shape.length === 0 ? 1 : t.shape[d]!;
  if (k < 0 || k > size) throw runtimeError('selected index k out of range');
  const { values, indices } = sortLines(ctx, t, dim, largest, k);
  return tuple([values, indices], 'torch.return_types.topk', ['values', 'indices']);
}

function sortLines(
  ctx: OpContext,
  t: TorchTensor,
  dim: number,
  descending: boolean,
  keep: number,
): { values: TorchTensor; indices: TorchTensor } {
  const d = wrapDim(dim, t.shape.length, t.flavor);
  const shape = t.shape.length === 0 ? [1] : t.shape;
  const size = shape[d]!;
  const outer = numel(shape.slice(0, d));
  const inner = numel(shape.slice(d + 1));
  const outShape = t.shape.length === 0 ? [] : [...t.shape];
  if (outShape.length > 0) outShape[d] = keep;
  checkBudget(outShape, ctx.maxElements);
  const vals = allocate(t.dtype, numel(outShape));
  const idxs = new Float64Array(numel(outShape));
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let s = 0; s < size; s++) order[s] = s;
      const at = (s: number): number => t.data[(o * size + s) * inner + i]!;
      order.sort((a, b) => (descending ? compare(at(b), at(a)) : compare(at(a), at(b))) || a - b);
      for (let s = 0; s < keep; s++) {
        const k = (o * keep + s) * inner + i;
        vals[k] = at(order[s]!);
        idxs[k] = order[s]!;
      }
    }
  }
  return {
    values: new TorchTensor(t.dtype, outShape, vals, t.flavor),
    indices: make(idxs, outShape, 'int64', t.flavor),
  };
}

/** `argsort(dim, descending)`. */
export function argsort(ctx: OpContext, t: TorchTensor, dim: number, descending: boolean): TorchTensor {
  const size = t.shape.length === 0 ? 1 : t.shape[wrapDim(dim, t.shape.length, t.flavor)]!;
  return sortLines(ctx, t, dim, descending, size).indices;
}

/** `F.one_hot(tensor, num_classes=-1)`: int64 input, int64 output of shape [..., num_classes]. */
export function oneHot(ctx: OpContext, t: TorchTensor, numClasses: number): TorchTensor {
  if (t.dtype !== 'int64') {
    throw runtimeError(
      ctx.torchVersion === '1.13'
        ? 'one_hot is only applicable to index tensor.'
        : 'one_hot is only applicable to index tensor of type LongTensor.',
    );
  }
  let classes = numClasses;
  if (t.data.length === 0 && classes === -1)
    throw runtimeError('Can not infer total number of classes from empty tensor.');
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < t.data.length; i++) {
    max = Math.max(max, t.data[i]!);
    min = Math.min(min, t.data[i]!);
  }
  if (min < 0) throw runtimeError('Class values must be non-negative.');
  if (classes === -1) classes = max + 1;
  else if (max >= classes) throw runtimeError('Class values must be smaller than num_classes.');
  const shape = [...t.shape, classes];
  checkBudget(shape, ctx.maxElements);
  const data = allocate('int64', numel(shape));
  for (let i = 0; i < t.data.length; i++) data[i * classes + t.data[i]!] = 1;
  return new TorchTensor('int64', shape, data, t.flavor);
}

/** A clone for the out-of-place `scatter`/`masked_fill`. */
export function outOfPlace(t: TorchTensor): TorchTensor {
  return cloneTensor(t);
}

/** True when a float tensor is used where PyTorch needs an integer index. */
export function isFloatIndex(t: TorchTensor): boolean {
  return isFloating(t.dtype);
}
