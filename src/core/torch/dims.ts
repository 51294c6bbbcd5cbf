/**
 * Dimension arguments: wrapping negative dims with PyTorch's / NumPy's out-of-range errors, reading `dim=` values
 * (int, tuple, list, None), and moving axes so a reduction works on contiguous lines.
 */
import { numel, type DType } from '../tensor';
import { allocate } from '../tensor';
import { indexError, runtimeError, TorchError, typeError } from './errors';
import { isSequence, itemsOf, type TArg } from './args';
import { contiguousStrides, TorchTensor, type Flavor } from './tensor';

/** Wraps `dim` into [0, rank) (a 0-d tensor accepts 0 and -1), or raises the flavor's error. */
export function wrapDim(dim: number, rank: number, flavor: Flavor = 'torch'): number {
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r) {
    // NumPy raises AxisError, a subclass of both IndexError and ValueError.
    if (flavor === 'numpy') {
      throw new TorchError('IndexError', `axis ${dim} is out of bounds for array of dimension ${rank}`, 'AxisError');
    }
    throw indexError(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + r : dim;
}

/** A Python int argument as a JS number (bools count, as Python's int does). */
export function intArg(a: TArg | undefined, what: string): number {
  if (typeof a === 'bigint') return Number(a);
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (a instanceof TorchTensor && a.data.length === 1 && a.dtype !== 'float32' && a.dtype !== 'float64') {
    return Number(a.data[0]);
  }
  throw typeError(`${what} must be int, not ${describe(a)}`);
}

function describe(a: TArg | undefined): string {
  if (a === null || a === undefined) return 'NoneType';
  if (typeof a === 'number') return 'float';
  if (typeof a === 'string') return 'str';
  if (a instanceof TorchTensor) return 'Tensor';
  if (Array.isArray(a)) return 'list';
  return typeof a === 'object' && a.kind === 'tuple' ? 'tuple' : typeof a;
}

/** A list of ints from an int, a list/tuple of ints, or a torch.Size. */
export function intList(a: TArg | undefined, what: string): number[] {
  if (isSequence(a)) return itemsOf(a).map((x) => intArg(x, what));
  return [intArg(a, what)];
}

/**
 * The reduced dims of a `dim=`/`axis=` argument: `null` for all dims (None/absent), else the wrapped, deduplicated
 * dims in increasing order.
 */
export function reductionDims(a: TArg | undefined, rank: number, flavor: Flavor = 'torch'): number[] | null {
  if (a === undefined || a === null) return null;
  const dims = intList(a, 'dim').map((d) => wrapDim(d, rank, flavor));
  const seen = new Set<number>();
  for (const d of dims) {
    if (seen.has(d)) {
      if (flavor === 'numpy') throw runtimeError("duplicate value in 'axis'");
      throw runtimeError(`dim ${d} appears multiple times in the list of dims`);
    }
    seen.add(d);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Reorders axes: `order[i]` is the source axis of output axis i. A copy with its own storage. */
export function permuteData(t: TorchTensor, order: readonly number[]): TorchTensor {
  const shape = order.map((d) => t.shape[d]!);
  const src = contiguousStrides(t.shape);
  const strides = order.map((d) => src[d]!);
  const n = t.data.length;
  const data = allocate(t.dtype, n);
  const idx = new Array<number>(shape.length).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    data[k] = t.data[off]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return new TorchTensor(t.dtype, shape, data, t.flavor);
}

/**
 * Splits a tensor into lines for a reduction over `dims` (null = all): returns the values with the reduced dims
 * moved last (so each line is contiguous), the line length, and the output shape with and without kept dims.
 */
export function linesFor(
  t: TorchTensor,
  dims: readonly number[] | null,
): { values: ArrayLike<number>; lineLength: number; lines: number; kept: number[]; dropped: number[] } {
  const rank = t.shape.length;
  const reduced = dims ?? t.shape.map((_, i) => i);
  const isReduced = (i: number): boolean => reduced.includes(i);
  const keptAxes = t.shape.map((_, i) => i).filter((i) => !isReduced(i));
  const order = [...keptAxes, ...reduced];
  const moved = order.every((d, i) => d === i) ? t : permuteData(t, order);
  const lineLength = numel(reduced.map((d) => t.shape[d] ?? 1));
  const kept = rank === 0 ? [] : t.shape.map((s, i) => (isReduced(i) ? 1 : s));
  const dropped = keptAxes.map((d) => t.shape[d]!);
  return { values: moved.data, lineLength, lines: numel(dropped), kept, dropped };
}

/** The dtype names NumPy prints in messages. */
export function numpyDTypeName(dtype: DType): string {
  return dtype === 'bool' ? 'bool' : dtype;
}
