/**
 * Shape operations: view/reshape/flatten/squeeze/unsqueeze (views sharing storage), permute/transpose (copies),
 * expand/repeat, cat/stack/split/chunk/unbind, flip, tril/triu. Error texts are PyTorch's.
 */
import { allocate, numel, scalarTypeName, type DType } from '../tensor';
import { indexError, runtimeError, valueError } from './errors';
import { permuteData, wrapDim } from './dims';
import { broadcastOffsets, castTo, checkBudget, TorchTensor, viewAs, type Flavor } from './tensor';
import { promoteTypes } from '../reader/dtype';
import { numpyPromoteTypes } from '../reader/dtype';
import type { OpContext } from './elementwise';

/** `view`/`reshape` sizes (one -1 inferred), with PyTorch's "shape '[2, 4]' is invalid for input of size 6". */
export function inferShape(t: TorchTensor, sizes: readonly number[]): number[] {
  const total = t.data.length;
  let infer = -1;
  let known = 1;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    if (s === -1) {
      if (infer >= 0) {
        if (t.flavor === 'numpy') throw valueError('can only specify one unknown dimension');
        throw runtimeError('only one dimension can be inferred');
      }
      infer = i;
    } else if (s < 0) {
      if (t.flavor === 'numpy') throw valueError('negative dimensions not allowed');
      throw runtimeError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = [...sizes];
  const bad = (): never => {
    if (t.flavor === 'numpy') {
      const shown = sizes.length === 1 ? `(${sizes[0]},)` : `(${sizes.join(',')})`;
      throw valueError(`cannot reshape array of size ${total} into shape ${shown}`);
    }
    throw runtimeError(`shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`);
  };
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) bad();
    out[infer] = total / known;
  } else if (known !== total) bad();
  return out;
}

/** `view`/`reshape`: a tensor sharing `t`'s storage. */
export function reshape(t: TorchTensor, sizes: readonly number[]): TorchTensor {
  return viewAs(t, inferShape(t, sizes));
}

/** `flatten(start_dim, end_dim)`. */
export function flatten(t: TorchTensor, start = 0, end = -1): TorchTensor {
  if (t.shape.length === 0) return viewAs(t, [1]);
  const s = wrapDim(start, t.shape.length);
  const e = wrapDim(end, t.shape.length);
  if (s > e) throw runtimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  return viewAs(t, [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)]);
}

/** `squeeze()` / `squeeze(dim)` / `squeeze((d0, d1))`. NumPy raises for a non-1 axis; PyTorch leaves it. */
export function squeeze(t: TorchTensor, dims?: readonly number[]): TorchTensor {
  if (dims === undefined)
    return viewAs(
      t,
      t.shape.filter((d) => d !== 1),
    );
  const wrapped = dims.map((d) => wrapDim(d, t.shape.length, t.flavor));
  if (t.flavor === 'numpy' && wrapped.some((d) => t.shape[d] !== 1)) {
    throw valueError('cannot select an axis to squeeze out which has size not equal to one');
  }
  return viewAs(
    t,
    t.shape.filter((s, i) => !(wrapped.includes(i) && s === 1)),
  );
}

/** `unsqueeze(dim)` (dim in [-rank-1, rank]). */
export function unsqueeze(t: TorchTensor, dim: number): TorchTensor {
  const d = wrapDim(dim, t.shape.length + 1, t.flavor);
  return viewAs(t, [...t.shape.slice(0, d), 1, ...t.shape.slice(d)]);
}

/** `permute(dims)` with PyTorch's checks. */
export function permute(t: TorchTensor, dims: readonly number[]): TorchTensor {
  if (dims.length !== t.shape.length) {
    if (t.flavor === 'numpy') throw valueError("axes don't match array");
    throw runtimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${t.shape.length} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const order = dims.map((d) => wrapDim(d, t.shape.length, t.flavor));
  if (new Set(order).size !== order.length) {
    if (t.flavor === 'numpy') throw valueError('repeated axis in transpose');
    throw runtimeError('permute(): duplicate dims are not allowed.');
  }
  return permuteData(t, order);
}

/** `transpose(d0, d1)`. */
export function transpose(t: TorchTensor, d0: number, d1: number): TorchTensor {
  const rank = t.shape.length;
  if (rank === 0) return t;
  const a = wrapDim(d0, rank);
  const b = wrapDim(d1, rank);
  const order = t.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permuteData(t, order);
}

/** `t()` (≤ 2-D) / `.T` (all axes reversed; NumPy's and PyTorch's). */
export function reverseAxes(t: TorchTensor, strictT = false): TorchTensor {
  if (strictT && t.shape.length > 2) {
    throw runtimeError(`t() expects a tensor with <= 2 dimensions, but self is ${t.shape.length}D`);
  }
  return permuteData(
    t,
    t.shape.map((_, i) => t.shape.length - 1 - i),
  );
}

/** `expand(*sizes)` (-1 keeps a size) with PyTorch's error text. A copy (PyTorch returns a view). */
export function expand(ctx: OpContext, t: TorchTensor, sizes: readonly number[]): TorchTensor {
  if (sizes.length < t.shape.length) {
    throw runtimeError(
      `expand(torch.${t.dtype === 'float32' ? 'FloatTensor' : scalarTypeName(t.dtype) + 'Tensor'}{[${t.shape.join(', ')}]}, size=[${sizes.join(', ')}]): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${t.shape.length})`,
    );
  }
  const lead = sizes.length - t.shape.length;
  const shape = sizes.map((s, i) => {
    const own = i >= lead ? t.shape[i - lead]! : undefined;
    if (s === -1) {
      if (own === undefined)
        throw runtimeError(
          `The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`,
        );
      return own;
    }
    if (own !== undefined && own !== 1 && own !== s) {
      throw runtimeError(
        `The expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${sizes.join(', ')}].  Tensor sizes: [${t.shape.join(', ')}]`,
      );
    }
    return s;
  });
  return broadcastTo(ctx, t, shape);
}

/** Materialises `t` broadcast to `shape` (caller checked compatibility). */
export function broadcastTo(ctx: OpContext, t: TorchTensor, shape: readonly number[]): TorchTensor {
  checkBudget(shape, ctx.maxElements);
  const offsets = broadcastOffsets(t.shape, shape);
  if (!offsets) return new TorchTensor(t.dtype, shape, t.data.slice(), t.flavor);
  const data = allocate(t.dtype, offsets.length);
  for (let k = 0; k < offsets.length; k++) data[k] = t.data[offsets[k]!]!;
  return new TorchTensor(t.dtype, shape, data, t.flavor);
}

/** `repeat(*repeats)` (PyTorch: tiles; repeats may add leading dims). */
export function repeat(ctx: OpContext, t: TorchTensor, repeats: readonly number[]): TorchTensor {
  if (repeats.length < t.shape.length) {
    throw runtimeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  const lead = repeats.length - t.shape.length;
  const src = [...new Array<number>(lead).fill(1), ...t.shape];
  const shape = src.map((s, i) => s * repeats[i]!);
  checkBudget(shape, ctx.maxElements);
  const n = numel(shape);
  const data = allocate(t.dtype, n);
  const srcStrides = stridesOf(src);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += (idx[d]! % src[d]!) * srcStrides[d]!;
    data[k] = t.data[off]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return new TorchTensor(t.dtype, shape, data, t.flavor);
}

function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

/** The dtype of a concatenation: promoted across inputs (flavor rules). */
function catDType(tensors: readonly TorchTensor[], flavor: Flavor): DType {
  const f = flavor === 'numpy' ? numpyPromoteTypes : promoteTypes;
  return tensors.map((t) => t.dtype).reduce(f);
}

/** `torch.cat` / `np.concatenate` along `dim`. PyTorch skips 1-D empty tensors. */
export function cat(
  ctx: OpContext,
  tensors: readonly TorchTensor[],
  dim: number,
  flavor: Flavor = 'torch',
): TorchTensor {
  if (tensors.length === 0) {
    if (flavor === 'numpy') throw valueError('need at least one array to concatenate');
    throw runtimeError('torch.cat(): expected a non-empty list of Tensors');
  }
  const dtype = catDType(tensors, flavor);
  const used = flavor === 'torch' ? tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0)) : [...tensors];
  if (used.length === 0) return new TorchTensor(dtype, [0], allocate(dtype, 0), flavor);
  const first = used[0]!;
  if (first.shape.length === 0) {
    if (flavor === 'numpy') throw valueError('zero-dimensional arrays cannot be concatenated');
    throw runtimeError('zero-dimensional tensor (at position 0) cannot be concatenated');
  }
  const rank = first.shape.length;
  const d = wrapDim(dim, rank, flavor);
  used.forEach((t, i) => {
    if (t.shape.length !== rank) {
      if (flavor === 'numpy') {
        throw valueError(
          `all the input arrays must have same number of dimensions, but the array at index 0 has ${rank} dimension(s) and the array at index ${i} has ${t.shape.length} dimension(s)`,
        );
      }
      throw runtimeError(`Tensors must have same number of dimensions: got ${rank} and ${t.shape.length}`);
    }
    for (let j = 0; j < rank; j++) {
      if (j !== d && t.shape[j] !== first.shape[j]) {
        if (flavor === 'numpy') {
          throw valueError(
            `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${j}, the array at index 0 has size ${first.shape[j]} and the array at index ${i} has size ${t.shape[j]}`,
          );
        }
        throw runtimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[j]} but got size ${t.shape[j]} for tensor number ${i} in the list.`,
        );
      }
    }
  });
  const shape = [...first.shape];
  shape[d] = used.reduce((s, t) => s + t.shape[d]!, 0);
  checkBudget(shape, ctx.maxElements);
  const outer = numel(shape.slice(0, d));
  const inner = numel(shape.slice(d + 1));
  const data = allocate(dtype, numel(shape));
  const parts = used.map((t) => castTo(t, dtype));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of parts) {
      const block = t.shape[d]! * inner;
      for (let j = 0; j < block; j++) data[k++] = t.data[o * block + j]!;
    }
  }
  return new TorchTensor(dtype, shape, data, flavor);
}

/** `torch.stack` / `np.stack`: all shapes equal. */
export function stack(
  ctx: OpContext,
  tensors: readonly TorchTensor[],
  dim: number,
  flavor: Flavor = 'torch',
): TorchTensor {
  if (tensors.length === 0) {
    if (flavor === 'numpy') throw valueError('need at least one array to stack');
    throw runtimeError('stack expects a non-empty TensorList');
  }
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.shape.length !== first.shape.length || t.shape.some((s, j) => s !== first.shape[j])) {
      if (flavor === 'numpy') throw valueError('all input arrays must have the same shape');
      throw runtimeError(
        `stack expects each tensor to be equal size, but got [${first.shape.join(', ')}] at entry 0 and [${t.shape.join(', ')}] at entry ${i}`,
      );
    }
  });
  const d = wrapDim(dim, first.shape.length + 1, flavor);
  const expanded = tensors.map((t) => viewAs(t, [...t.shape.slice(0, d), 1, ...t.shape.slice(d)]));
  return cat(ctx, expanded, d, flavor);
}

/** Narrows `t` to `[start, start+length)` along `dim` (a copy). */
export function narrow(t: TorchTensor, dim: number, start: number, length: number): TorchTensor {
  const d = wrapDim(dim, t.shape.length);
  const size = t.shape[d]!;
  if (start < 0) start += size;
  if (start < 0 || start + length > size || length < 0) {
    throw indexError(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  }
  const shape = [...t.shape];
  shape[d] = length;
  const outer = numel(t.shape.slice(0, d));
  const inner = numel(t.shape.slice(d + 1));
  const data = allocate(t.dtype, numel(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    const base = (o * size + start) * inner;
    for (let j = 0; j < length * inner; j++) data[k++] = t.data[base + j]!;
  }
  return new TorchTensor(t.dtype, shape, data, t.flavor);
}

/** `split(split_size_or_sections, dim)`: equal chunks of `size` (last smaller) or the given section sizes. */
export function split(t: TorchTensor, sizes: number | readonly number[], dim: number): TorchTensor[] {
  const d = wrapDim(dim, t.shape.length);
  const total = t.shape[d]!;
  const lengths: number[] = [];
  if (typeof sizes === 'number') {
    if (sizes <= 0 && total > 0)
      throw runtimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${total}`);
    for (let s = 0; s < total; s += sizes) lengths.push(Math.min(sizes, total - s));
    if (total === 0) lengths.push(0);
  } else {
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== total) {
      throw runtimeError(
        `split_with_sizes expects split_sizes to sum exactly to ${total} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(', ')}]`,
      );
    }
    lengths.push(...sizes);
  }
  const out: TorchTensor[] = [];
  let start = 0;
  for (const len of lengths) {
    out.push(narrow(t, d, start, len));
    start += len;
  }
  return out;
}

/** `chunk(chunks, dim)`: ceil-sized pieces, as PyTorch splits them. */
export function chunk(t: TorchTensor, chunks: number, dim: number): TorchTensor[] {
  if (chunks <= 0) throw runtimeError('chunk expects `chunks` to be greater than 0, got: ' + chunks);
  const d = wrapDim(dim, t.shape.length);
  const size = Math.ceil(t.shape[d]! / chunks);
  return split(t, Math.max(size, 1), d).slice(0, chunks);
}

/** `unbind(dim)`: the slices along `dim`, without that dim. */
export function unbind(t: TorchTensor, dim: number): TorchTensor[] {
  const d = wrapDim(dim, t.shape.length);
  return split(t, 1, d).map((p) => viewAs(p, [...t.shape.slice(0, d), ...t.shape.slice(d + 1)]));
}

/** `flip(dims)`. */
export function flip(t: TorchTensor, dims: readonly number[]): TorchTensor {
  const axes = dims.map((d) => wrapDim(d, t.shape.length, t.flavor));
  const strides = stridesOf(t.shape);
  const n = t.data.length;
  const data = allocate(t.dtype, n);
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < idx.length; d++) {
      const i = axes.includes(d) ? t.shape[d]! - 1 - idx[d]! : idx[d]!;
      off += i * strides[d]!;
    }
    data[k] = t.data[off]!;
    for (let d = idx.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < t.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return new TorchTensor(t.dtype, t.shape, data, t.flavor);
}

/** `tril(diagonal)` / `triu(diagonal)` on the last two dims. */
export function triangle(t: TorchTensor, diagonal: number, upper: boolean): TorchTensor {
  if (t.shape.length < 2) {
    throw runtimeError(`${upper ? 'triu' : 'tril'}: input tensor must have at least 2 dimensions`);
  }
  const rows = t.shape[t.shape.length - 2]!;
  const cols = t.shape[t.shape.length - 1]!;
  const data = t.data.slice();
  for (let k = 0; k < data.length; k++) {
    const j = k % cols;
    const i = Math.floor(k / cols) % rows;
    const keep = upper ? j - i >= diagonal : j - i <= diagonal;
    if (!keep) data[k] = 0;
  }
  return new TorchTensor(t.dtype, t.shape, data, t.flavor);
}
