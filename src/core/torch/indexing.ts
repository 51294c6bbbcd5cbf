/**
 * Python subscripts on tensors and ndarrays (`t[i]`, `t[1:3, None]`, `t[..., 0]`, `t[mask]`, `t[[0, 2]]`,
 * `t[idx, labels]`), read and write, with PyTorch's and NumPy's rules: basic indices select, advanced indices
 * broadcast together and their dims go where the first one stood when they are adjacent, else first. A basic index
 * whose result is one contiguous block shares storage with the indexed tensor, as PyTorch's views do.
 */
import { castValue } from '../reader/dtype';
import { allocate, broadcastShapes, isFloating, numel, scalarTypeName } from '../tensor';
import { indexError, runtimeError, valueError } from './errors';
import type { IndexArg, TArg } from './args';
import { contiguousStrides, TorchTensor, broadcastOffsets, checkBudget, type Flavor } from './tensor';
import { fromData } from './create';
import type { OpContext } from './elementwise';

interface IntEntry {
  kind: 'int';
  srcDim: number;
  index: number;
}
interface SliceEntry {
  kind: 'slice';
  srcDim: number;
  indices: number[];
}
interface NewAxisEntry {
  kind: 'newaxis';
}
interface AdvancedEntry {
  kind: 'adv';
  /** -1 for a Python bool index, which consumes no dim. */
  srcDim: number;
  shape: number[];
  indices: Float64Array | Uint8Array | Int32Array | Float32Array | Int16Array | Int8Array;
}
type Entry = IntEntry | SliceEntry | NewAxisEntry | AdvancedEntry;

/** Where an index reads from: flat source offsets for each result element, and the result shape. */
interface Selection {
  offsets: Int32Array;
  shape: number[];
  advanced: boolean;
  allInts: boolean;
}

function isEllipsis(i: IndexArg): boolean {
  return (
    typeof i === 'object' && i !== null && !Array.isArray(i) && !(i instanceof TorchTensor) && i.kind === 'ellipsis'
  );
}

function isSlice(i: IndexArg): i is { kind: 'slice'; start: bigint | null; stop: bigint | null; step: bigint | null } {
  return typeof i === 'object' && i !== null && !Array.isArray(i) && !(i instanceof TorchTensor) && i.kind === 'slice';
}

/** Python's `slice.indices(size)`: the selected positions. */
function sliceIndices(
  s: { start: bigint | null; stop: bigint | null; step: bigint | null },
  size: number,
  flavor: Flavor,
): number[] {
  const step = s.step === null ? 1 : Number(s.step);
  if (step === 0) throw valueError('slice step cannot be zero');
  if (step < 0 && flavor === 'torch') throw valueError('step must be greater than zero');
  const clamp = (v: bigint | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    let x = Number(v);
    if (x < 0) x += size;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    const start = clamp(s.start, 0, 0, size);
    const stop = clamp(s.stop, size, 0, size);
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    const start = clamp(s.start, size - 1, -1, size - 1);
    const stop = clamp(s.stop, -1, -1, size - 1);
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

function toIndexTensor(ctx: OpContext, item: IndexArg, flavor: Flavor): TorchTensor {
  if (item instanceof TorchTensor) return item;
  const t = fromData(ctx, item as TArg, undefined, flavor);
  if (Array.isArray(item) && item.length === 0) return new TorchTensor('int64', [0], allocate('int64', 0), flavor);
  return t;
}

function outOfBounds(flavor: Flavor, index: number, dim: number, size: number): never {
  throw indexError(
    flavor === 'numpy'
      ? `index ${index} is out of bounds for axis ${dim} with size ${size}`
      : `index ${index} is out of bounds for dimension ${dim} with size ${size}`,
  );
}

/** Resolves a subscript against `t` into source offsets and a result shape. */
function select(ctx: OpContext, t: TorchTensor, index: IndexArg): Selection {
  const flavor = t.flavor;
  const items: IndexArg[] =
    typeof index === 'object' &&
    index !== null &&
    !Array.isArray(index) &&
    !(index instanceof TorchTensor) &&
    index.kind === 'tuple'
      ? index.items
      : [index];
  // Classify, converting lists and masks to tensors.
  type Item =
    | { kind: 'int'; v: number }
    | { kind: 'slice'; s: IndexArg }
    | { kind: 'none' }
    | { kind: 'ellipsis' }
    | { kind: 'tensor'; t: TorchTensor }
    | { kind: 'bool'; v: boolean };
  const classified: Item[] = [];
  let ellipses = 0;
  for (const item of items) {
    if (typeof item === 'bigint') classified.push({ kind: 'int', v: Number(item) });
    else if (typeof item === 'boolean') classified.push({ kind: 'bool', v: item });
    else if (item === null) classified.push({ kind: 'none' });
    else if (isEllipsis(item)) {
      ellipses++;
      classified.push({ kind: 'ellipsis' });
    } else if (isSlice(item)) classified.push({ kind: 'slice', s: item });
    else if (
      item instanceof TorchTensor &&
      item.shape.length === 0 &&
      item.dtype !== 'bool' &&
      !isFloating(item.dtype)
    ) {
      // A 0-d integer tensor or NumPy integer scalar indexes like a Python int (via __index__).
      classified.push({ kind: 'int', v: item.data[0]! });
    } else {
      const it = toIndexTensor(ctx, item, flavor);
      if (isFloating(it.dtype)) {
        throw indexError(
          flavor === 'numpy'
            ? 'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices'
            : ctx.torchVersion === '1.13'
              ? 'tensors used as indices must be long, byte or bool tensors'
              : 'tensors used as indices must be long, int, byte or bool tensors',
        );
      }
      classified.push({ kind: 'tensor', t: it });
    }
  }
  if (ellipses > 1 && flavor === 'numpy') throw indexError("an index can only have a single ellipsis ('...')");
  const consumes = (c: Item): number =>
    c.kind === 'int' || c.kind === 'slice'
      ? 1
      : c.kind === 'tensor'
        ? c.t.dtype === 'bool' || c.t.dtype === 'uint8'
          ? c.t.shape.length
          : 1
        : 0;
  const used = classified.reduce((s, c) => s + consumes(c), 0);
  if (used > t.shape.length) {
    throw indexError(
      flavor === 'numpy'
        ? `too many indices for array: array is ${t.shape.length}-dimensional, but ${used} were indexed`
        : `too many indices for tensor of dimension ${t.shape.length}`,
    );
  }
  const hasAdvanced = classified.some((c) => c.kind === 'tensor' || c.kind === 'bool');
  const entries: Entry[] = [];
  let src = 0;
  let torchDim = 0;
  for (const c of classified) {
    switch (c.kind) {
      case 'ellipsis': {
        // PyTorch accepts several ellipses; only the first one spans the unindexed dims.
        const n = ellipses-- === classified.filter((x) => x.kind === 'ellipsis').length ? t.shape.length - used : 0;
        for (let k = 0; k < n; k++) {
          entries.push({ kind: 'slice', srcDim: src, indices: range(t.shape[src]!) });
          src++;
          torchDim++;
        }
        break;
      }
      case 'none':
        entries.push({ kind: 'newaxis' });
        torchDim++;
        break;
      case 'int': {
        const size = t.shape[src]!;
        const i = c.v < 0 ? c.v + size : c.v;
        if (i < 0 || i >= size) outOfBounds(flavor, c.v, src, size);
        if (flavor === 'numpy' && hasAdvanced) {
          entries.push({ kind: 'adv', srcDim: src, shape: [], indices: Float64Array.of(i) });
        } else entries.push({ kind: 'int', srcDim: src, index: i });
        src++;
        break;
      }
      case 'slice':
        entries.push({ kind: 'slice', srcDim: src, indices: sliceIndices(c.s as never, t.shape[src]!, flavor) });
        src++;
        torchDim++;
        break;
      case 'bool':
        entries.push({
          kind: 'adv',
          srcDim: -1,
          shape: [c.v ? 1 : 0],
          indices: c.v ? Float64Array.of(0) : new Float64Array(0),
        });
        torchDim++;
        break;
      case 'tensor': {
        const it = c.t;
        if (it.dtype === 'bool' || it.dtype === 'uint8') {
          for (let k = 0; k < it.shape.length; k++) {
            if (it.shape[k] !== t.shape[src + k]) {
              throw indexError(
                flavor === 'numpy'
                  ? ctx.numpyMajor === 1
                    ? `boolean index did not match indexed array along dimension ${src + k}; dimension is ${t.shape[src + k]} but corresponding boolean dimension is ${it.shape[k]}`
                    : `boolean index did not match indexed array along axis ${src + k}; size of axis is ${t.shape[src + k]} but size of corresponding boolean axis is ${it.shape[k]}`
                  : `The shape of the mask [${it.shape.join(', ')}] at index ${k} does not match the shape of the indexed tensor [${t.shape.join(', ')}] at index ${src + k}`,
              );
            }
          }
          const coords = nonzeroCoords(it);
          const count = coords.length === 0 ? countTrue(it) : coords[0]!.length;
          if (it.shape.length === 0) {
            entries.push({ kind: 'adv', srcDim: -1, shape: [count], indices: new Float64Array(count) });
          }
          for (let k = 0; k < it.shape.length; k++) {
            entries.push({ kind: 'adv', srcDim: src + k, shape: [count], indices: coords[k]! });
          }
          src += it.shape.length;
          torchDim++;
        } else {
          const size = t.shape[src]!;
          const idx = new Float64Array(it.data.length);
          for (let k = 0; k < idx.length; k++) {
            const v = it.data[k]!;
            const w = v < 0 ? v + size : v;
            if (w < 0 || w >= size) outOfBounds(flavor, v, flavor === 'numpy' ? src : torchDim, size);
            idx[k] = w;
          }
          entries.push({ kind: 'adv', srcDim: src, shape: [...it.shape], indices: idx });
          src++;
          torchDim++;
        }
        break;
      }
    }
  }
  // Dims not indexed are kept whole.
  while (src < t.shape.length) {
    entries.push({ kind: 'slice', srcDim: src, indices: range(t.shape[src]!) });
    src++;
  }
  return resolve(ctx, t, entries);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function countTrue(mask: TorchTensor): number {
  let c = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) c++;
  return c;
}

/** Coordinates of the true elements of a mask, one array per dim (C order). */
export function nonzeroCoords(mask: TorchTensor): Float64Array[] {
  const rank = mask.shape.length;
  const count = countTrue(mask);
  const out = Array.from({ length: rank }, () => new Float64Array(count));
  const strides = contiguousStrides(mask.shape);
  let j = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (!mask.data[i]) continue;
    let rest = i;
    for (let d = 0; d < rank; d++) {
      out[d]![j] = Math.floor(rest / strides[d]!);
      rest %= strides[d]!;
    }
    j++;
  }
  return out;
}

function resolve(ctx: OpContext, t: TorchTensor, entries: Entry[]): Selection {
  const strides = contiguousStrides(t.shape);
  let base = 0;
  const adv = entries.filter((e): e is AdvancedEntry => e.kind === 'adv');
  let advShape: number[] = [];
  for (const a of adv) {
    const next = broadcastShapes(advShape, a.shape);
    if (!next) {
      const shapes = adv.map((e) =>
        t.flavor === 'numpy' ? `(${e.shape.join(',')}${e.shape.length === 1 ? ',' : ''})` : `[${e.shape.join(', ')}]`,
      );
      if (t.flavor === 'numpy')
        throw indexError(
          `shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.join(' ')} `,
        );
      throw indexError(
        `shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.join(', ')}`,
      );
    }
    advShape = next;
  }
  // Adjacent advanced entries keep their place; otherwise their dims go first.
  const positions = entries.map((e, i) => (e.kind === 'adv' ? i : -1)).filter((i) => i >= 0);
  const between = positions.length > 0 ? entries.slice(positions[0]!, positions[positions.length - 1]! + 1) : [];
  const adjacent = between.every((e) => e.kind === 'adv' || e.kind === 'int');
  interface Axis {
    size: number;
    offsets: ArrayLike<number>;
  }
  const axes: Axis[] = [];
  let advAxis = -1;
  const advNumel = numel(advShape);
  let advOffsets: Int32Array | undefined;
  if (adv.length > 0) {
    advOffsets = new Int32Array(advNumel);
    for (const a of adv) {
      if (a.srcDim < 0) continue;
      const map = broadcastOffsets(a.shape, advShape);
      const stride = strides[a.srcDim]!;
      for (let k = 0; k < advNumel; k++) advOffsets[k]! += a.indices[map ? map[k]! : k]! * stride;
    }
    if (!adjacent) {
      advAxis = 0;
      axes.push({ size: advNumel, offsets: advOffsets });
    }
  }
  for (const e of entries) {
    if (e.kind === 'int') base += e.index * strides[e.srcDim]!;
    else if (e.kind === 'slice') {
      const stride = strides[e.srcDim]!;
      axes.push({ size: e.indices.length, offsets: e.indices.map((i) => i * stride) });
    } else if (e.kind === 'newaxis') axes.push({ size: 1, offsets: [0] });
    else if (adjacent && advAxis < 0) {
      advAxis = axes.length;
      axes.push({ size: advNumel, offsets: advOffsets! });
    }
  }
  const shape: number[] = [];
  axes.forEach((a, i) => {
    if (i === advAxis) shape.push(...advShape);
    else shape.push(a.size);
  });
  checkBudget(shape, ctx.maxElements);
  const n = numel(shape);
  const offsets = new Int32Array(n);
  const idx = new Array<number>(axes.length).fill(0);
  if (n > 0) {
    for (let k = 0; k < n; k++) {
      let off = base;
      for (let d = 0; d < axes.length; d++) off += axes[d]!.offsets[idx[d]!]!;
      offsets[k] = off;
      for (let d = axes.length - 1; d >= 0; d--) {
        idx[d]!++;
        if (idx[d]! < axes[d]!.size) break;
        idx[d] = 0;
      }
    }
  }
  return { offsets, shape, advanced: adv.length > 0, allInts: entries.every((e) => e.kind === 'int') };
}

function contiguousRun(offsets: Int32Array): boolean {
  for (let k = 1; k < offsets.length; k++) if (offsets[k] !== offsets[0]! + k) return false;
  return true;
}

/**
 * `t[index]`. A basic index whose elements form one contiguous block returns a tensor sharing `t`'s storage (so
 * `t[0] += 1` and `t[0][1] = 5` write into `t`); other results are copies. A NumPy index selecting one element
 * returns a NumPy scalar.
 */
export function getItem(ctx: OpContext, t: TorchTensor, index: IndexArg): TorchTensor {
  if (t.npScalar || (t.shape.length === 0 && t.flavor === 'numpy' && !(typeof index === 'object' && index !== null))) {
    if (t.shape.length === 0 && (typeof index === 'bigint' || typeof index === 'number')) {
      throw indexError('invalid index to scalar variable.');
    }
  }
  if (t.shape.length === 0 && typeof index === 'bigint' && t.flavor === 'torch') {
    throw indexError(
      'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number',
    );
  }
  const sel = select(ctx, t, index);
  if (
    !sel.advanced &&
    sel.offsets.length > 0 &&
    contiguousRun(sel.offsets) &&
    !(t.flavor === 'numpy' && sel.allInts && sel.shape.length === 0)
  ) {
    const start = sel.offsets[0]!;
    return new TorchTensor(t.dtype, sel.shape, t.data.subarray(start, start + sel.offsets.length), t.flavor);
  }
  const data = allocate(t.dtype, sel.offsets.length);
  for (let k = 0; k < sel.offsets.length; k++) data[k] = t.data[sel.offsets[k]!]!;
  const out = new TorchTensor(t.dtype, sel.shape, data, t.flavor);
  if (t.flavor === 'numpy' && sel.shape.length === 0 && sel.allInts) out.npScalar = true;
  return out;
}

/** `t[index] = value` (in place): `value` broadcasts to the indexed shape and is converted to `t`'s dtype. */
export function setItem(
  ctx: OpContext,
  t: TorchTensor,
  index: IndexArg,
  value: TorchTensor | number | bigint | boolean,
): void {
  const sel = select(ctx, t, index);
  if (!(value instanceof TorchTensor)) {
    const v = castValue(typeof value === 'number' ? value : Number(value), 'float64', t.dtype);
    for (let k = 0; k < sel.offsets.length; k++) t.data[sel.offsets[k]!] = v;
    return;
  }
  if (
    t.flavor === 'torch' &&
    value.flavor === 'torch' &&
    isFloating(value.dtype) &&
    !isFloating(t.dtype) &&
    value.shape.length > 0
  ) {
    // PyTorch's index_put_ requires matching dtypes for tensor values.
    if (sel.advanced) {
      throw runtimeError(
        `Index put requires the source and destination dtypes match, got ${scalarTypeName(t.dtype)} for the destination and ${scalarTypeName(value.dtype)} for the source.`,
      );
    }
  }
  const target = sel.shape;
  const vshape = value.shape;
  // A value may carry extra leading size-1 dims.
  let trimmed = [...vshape];
  while (trimmed.length > target.length && trimmed[0] === 1) trimmed = trimmed.slice(1);
  const ok =
    trimmed.length <= target.length &&
    trimmed.every((d, i) => d === 1 || d === target[target.length - trimmed.length + i]);
  if (!ok) {
    if (t.flavor === 'numpy') {
      const fmt = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(',')})`);
      throw valueError(`could not broadcast input array from shape ${fmt(vshape)} into shape ${fmt(target)}`);
    }
    if (sel.advanced) {
      throw runtimeError(
        `shape mismatch: value tensor of shape [${vshape.join(', ')}] cannot be broadcast to indexing result of shape [${target.join(', ')}]`,
      );
    }
    const n = Math.max(trimmed.length, target.length);
    for (let d = n - 1; d >= 0; d--) {
      const want = target[target.length - n + d] ?? 1;
      const have = trimmed[trimmed.length - n + d] ?? 1;
      if (have !== 1 && have !== want) {
        throw runtimeError(
          `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${d}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${trimmed.join(', ')}]`,
        );
      }
    }
  }
  const map = broadcastOffsets(trimmed, target);
  const source = value.data.slice();
  for (let k = 0; k < sel.offsets.length; k++) {
    t.data[sel.offsets[k]!] = castValue(source[map ? map[k]! : k]!, value.dtype, t.dtype);
  }
}
