/**
 * Constructing tensors: `torch.tensor` / `np.array` from Python data (the reader's dtype inference and overflow
 * checks), the factories (`arange`, `linspace`, `zeros`, `ones`, `full`, `eye`, `*_like`), and the way back to
 * Python values (`tolist()`, `item()`).
 */
import { listToTensor } from '../reader/literal';
import type { NestedValues, PyScalar } from '../reader/values';
import { allocate, isFloating, isIntegral, numel, type DType } from '../tensor';
import { NotModelled, runtimeError, TorchError, typeError, valueError } from './errors';
import { DICT_VIEWS, isSequence, itemsOf, type TArg } from './args';
import { checkBudget, elementValue, full, TorchTensor, type Flavor } from './tensor';

/** Settings construction needs. */
export interface CreateContext {
  /** Largest number of elements a result may hold. */
  maxElements: number;
}

function toNested(data: TArg, flavor: Flavor): NestedValues {
  if (typeof data === 'number') return { kind: 'float', value: data };
  if (typeof data === 'bigint') {
    const n = Number(data);
    return Number.isSafeInteger(n) ? { kind: 'int', value: n } : { kind: 'int', value: n, big: data };
  }
  if (typeof data === 'boolean') return { kind: 'bool', value: data ? 1 : 0 };
  if (data instanceof TorchTensor) {
    if (data.shape.length === 0 || (flavor === 'torch' && data.data.length === 1 && data.flavor === 'torch')) {
      const v = data.data[0]!;
      const kind: PyScalar['kind'] = data.dtype === 'bool' ? 'bool' : isFloating(data.dtype) ? 'float' : 'int';
      return { kind, value: v, dtype: data.dtype };
    }
    if (flavor === 'torch' && data.flavor === 'torch') {
      throw valueError('only one element tensors can be converted to Python scalars');
    }
    return tensorToNested(data);
  }
  if (isSequence(data)) {
    // A dict's keys/values/items view iterates, but it is not a sequence to PyTorch, which names its type.
    if (!Array.isArray(data) && data.typeName !== undefined && DICT_VIEWS.has(data.typeName)) {
      if (flavor === 'numpy') throw new NotNumeric();
      throw runtimeError(`Could not infer dtype of ${data.typeName}`);
    }
    return itemsOf(data).map((x) => toNested(x, flavor));
  }
  if (data === null) throw runtimeError('Could not infer dtype of NoneType');
  if (typeof data === 'string') {
    if (flavor === 'numpy') throw new NotNumeric();
    throw typeError("new(): invalid data type 'str'");
  }
  throw runtimeError(`Could not infer dtype of ${data.kind === 'dtype' ? 'torch.dtype' : 'torch.device'}`);
}

class NotNumeric extends Error {}

function tensorToNested(t: TorchTensor): NestedValues {
  const kind: PyScalar['kind'] = t.dtype === 'bool' ? 'bool' : isFloating(t.dtype) ? 'float' : 'int';
  const build = (dim: number, offset: number): NestedValues => {
    if (dim === t.shape.length) return { kind, value: t.data[offset]!, dtype: t.dtype };
    const size = t.shape[dim]!;
    const stride = numel(t.shape.slice(dim + 1));
    const out: NestedValues[] = [];
    for (let i = 0; i < size; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/**
 * `torch.tensor(data, dtype=)` (flavor torch) or `np.array(data, dtype=)` (flavor numpy): nested lists/tuples of
 * Python numbers, 0-d tensors, and (NumPy) arrays; dtype inferred as the library does (Python floats → float32 in
 * torch, float64 in NumPy). A tensor/ndarray argument is copied (and cast when `dtype` is given).
 */
export function fromData(ctx: CreateContext, data: TArg, dtype: DType | undefined, flavor: Flavor): TorchTensor {
  if (data instanceof TorchTensor) {
    const target = dtype ?? data.dtype;
    const out = new TorchTensor(target, data.shape, allocate(target, data.data.length), flavor);
    const converted = listToTensor(tensorToNested(data), undefined, target, flavor);
    out.data.set(converted.data);
    return out;
  }
  // A nested list's size is known from its first elements: one over the budget is refused before it is walked (a
  // list repeated by `*` holds 10^8 elements in a few kilobytes of references).
  checkBudget(leadingShape(data), ctx.maxElements);
  let nested: NestedValues;
  try {
    nested = toNested(data, flavor);
  } catch (e) {
    if (e instanceof NotNumeric) throw new NotModelled('NumPy arrays of strings');
    throw e;
  }
  try {
    const t = listToTensor(nested, undefined, dtype, flavor);
    checkBudget(t.shape, ctx.maxElements);
    return new TorchTensor(t.dtype, t.shape, t.data, flavor);
  } catch (e) {
    if (e instanceof TorchError) throw e;
    const code = (e as { diagnostic?: { code?: string } }).diagnostic?.code ?? '';
    const message = e instanceof Error ? e.message : String(e);
    if (code.includes('overflow')) throw runtimeError(message);
    if (code.includes('ragged')) throw valueError(message);
    throw e;
  }
}

/** The shape a nested list claims along its first elements (a ragged list is found later, when it is read). */
function leadingShape(data: TArg): number[] {
  const shape: number[] = [];
  let x: TArg = data;
  while (isSequence(x)) {
    const items = itemsOf(x);
    shape.push(items.length);
    if (items.length === 0) break;
    x = items[0]!;
  }
  if (x instanceof TorchTensor) shape.push(...x.shape);
  return shape;
}

/** Reads a size argument (`zeros(2, 3)`, `zeros((2, 3))`, `zeros(torch.Size([2, 3]))`). */
export function sizeArg(a: TArg | undefined, fn: string): number[] {
  if (a === undefined) return [];
  const items = isSequence(a) ? itemsOf(a) : [a];
  return items.map((x) => {
    if (typeof x === 'bigint') {
      if (x < 0n) throw runtimeError(`Trying to create tensor with negative dimension ${x}: [${items.join(', ')}]`);
      return Number(x);
    }
    if (isSequence(x)) return NaN;
    throw typeError(
      `${fn}(): argument 'size' must be tuple of ints, but found element of type ${typeof x === 'number' ? 'float' : typeof x} at pos 0`,
    );
  });
}

/** `zeros`/`ones`/`full`/`empty` (empty is zero-filled: its contents are unspecified in PyTorch). */
export function filled(
  ctx: CreateContext,
  shape: readonly number[],
  value: number,
  dtype: DType,
  flavor: Flavor,
): TorchTensor {
  checkBudget(shape, ctx.maxElements);
  return full(shape, value, dtype, flavor);
}

/** The dtype `torch.full` infers from its fill value (float → float32, int → int64, bool → bool). */
export function fillDType(value: TArg, flavor: Flavor): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  if (value instanceof TorchTensor) return value.dtype;
  return flavor === 'torch' ? 'float32' : 'float64';
}

/**
 * `torch.arange(start, end, step)` / `np.arange`: int64 when every bound is an int, else float32 (torch) /
 * float64 (NumPy); values `start + i*step` computed in double.
 */
export function arange(
  ctx: CreateContext,
  bounds: Array<number | bigint>,
  dtype: DType | undefined,
  flavor: Flavor,
): TorchTensor {
  const [start, end, step] =
    bounds.length === 1
      ? [0, Number(bounds[0]), 1]
      : [Number(bounds[0]), Number(bounds[1]), bounds.length > 2 ? Number(bounds[2]) : 1];
  const allInts = bounds.every((b) => typeof b === 'bigint');
  const out = dtype ?? (allInts ? 'int64' : flavor === 'torch' ? 'float32' : 'float64');
  if (step === 0) {
    if (flavor === 'numpy') throw new TorchError('ZeroDivisionError', 'division by zero');
    throw runtimeError('step must be nonzero');
  }
  if (flavor === 'torch' && (end - start) / step < 0) {
    throw runtimeError('upper bound and larger bound inconsistent with step sign');
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkBudget([n], ctx.maxElements);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  const t = full([n], 0, out, flavor);
  for (let i = 0; i < n; i++) t.data[i] = isIntegral(out) ? Math.trunc(values[i]!) : values[i]!;
  if (out === 'float32') for (let i = 0; i < n; i++) t.data[i] = Math.fround(values[i]!);
  return t;
}

/**
 * `torch.linspace(start, end, steps)` (float32 computed in float32 from both ends, as PyTorch's kernel does) or
 * `np.linspace(start, stop, num=50)` (float64, `start + i*step`, last value exactly `stop`).
 */
export function linspace(
  ctx: CreateContext,
  start: number,
  end: number,
  steps: number,
  dtype: DType | undefined,
  flavor: Flavor,
): TorchTensor {
  if (steps < 0) {
    if (flavor === 'numpy') throw valueError(`Number of samples, ${steps}, must be non-negative.`);
    throw runtimeError('number of steps must be non-negative');
  }
  checkBudget([steps], ctx.maxElements);
  const out = dtype ?? (flavor === 'torch' ? 'float32' : 'float64');
  const values = new Float64Array(steps);
  if (flavor === 'numpy') {
    const div = steps - 1;
    const step = div > 0 ? (end - start) / div : NaN;
    for (let i = 0; i < steps; i++) values[i] = div > 0 ? start + i * step : start;
    if (steps > 1) values[steps - 1] = end;
  } else {
    const r = out === 'float32' ? Math.fround : (x: number) => x;
    const s = r(start);
    const e = r(end);
    const step = steps > 1 ? r((e - s) / (steps - 1)) : 0;
    const half = Math.floor(steps / 2);
    // One rounding of start + step*i (end - step*(steps-1-i) past the middle): the fused multiply-add of PyTorch's
    // kernel (the float32 product is exact in a double).
    for (let i = 0; i < steps; i++) values[i] = i < half ? r(s + step * i) : r(e - step * (steps - i - 1));
    if (steps === 1) values[0] = s;
  }
  const t = full([steps], 0, out, flavor);
  for (let i = 0; i < steps; i++) t.data[i] = isIntegral(out) ? Math.trunc(values[i]!) : values[i]!;
  return t;
}

/** `torch.eye(n, m)` / `np.eye(N, M, k)`. */
export function eye(ctx: CreateContext, n: number, m: number, k: number, dtype: DType, flavor: Flavor): TorchTensor {
  const t = filled(ctx, [n, m], 0, dtype, flavor);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) t.data[i * m + j] = 1;
  }
  return t;
}

/** `tolist()`: nested Python lists of floats/ints/bools (a scalar for a 0-d tensor). */
export function toList(t: TorchTensor): TArg {
  const build = (dim: number, offset: number): TArg => {
    if (dim === t.shape.length) return elementValue(t, offset);
    const size = t.shape[dim]!;
    const stride = numel(t.shape.slice(dim + 1));
    const out: TArg[] = [];
    for (let i = 0; i < size; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/**
 * `item()` / `float(t)` / `int(t)`: the single value as a Python float, int or bool. PyTorch 1.13 raised
 * ValueError for a multi-element tensor, 2.x raises RuntimeError.
 */
export function scalarOf(t: TorchTensor, torchVersion: '2.x' | '1.13' = '2.x'): number | bigint | boolean {
  if (t.data.length !== 1) {
    if (t.flavor === 'numpy') {
      throw valueError('can only convert an array of size 1 to a Python scalar');
    }
    if (torchVersion === '1.13') throw valueError('only one element tensors can be converted to Python scalars');
    throw runtimeError(`a Tensor with ${t.data.length} elements cannot be converted to Scalar`);
  }
  return elementValue(t, 0);
}
