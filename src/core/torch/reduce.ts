/**
 * Reductions (`sum`, `mean`, `prod`, `max`/`min` with and without `dim`, `argmax`/`argmin`, `std`/`var`,
 * `logsumexp`, `norm`, `all`/`any`), scans (`cumsum`, `cumprod`) and `softmax`/`log_softmax`, for torch tensors
 * and ndarrays. Lines are accumulated in float64 and stored in the result dtype.
 */
import { isFloating, isIntegral, numel, scalarTypeName, type DType } from '../tensor';
import { runtimeError, typeError, valueError } from './errors';
import { tuple, type TupleArg } from './args';
import { linesFor, wrapDim } from './dims';
import { reduceAllSum, torchSumLines } from './cascade';
import { roundToFloatType } from '../reader/dtype';
import { checkBudget, make, TorchTensor, type Flavor } from './tensor';
import { notImplemented, type OpContext } from './elementwise';

/** The reductions {@link reduce} computes. */
export type ReductionKind =
  | 'sum'
  | 'mean'
  | 'prod'
  | 'amax'
  | 'amin'
  | 'all'
  | 'any'
  | 'logsumexp'
  | 'var'
  | 'std'
  | 'norm'
  | 'nansum'
  | 'count_nonzero';

/** Options of a reduction. */
export interface ReduceOptions {
  /** `dtype=` (sum, mean, prod): values are cast to it first. */
  dtype?: DType;
  /** Degrees-of-freedom correction of var/std (PyTorch default 1; NumPy's `ddof` default 0). */
  correction?: number;
  /** The `p` of a norm (2 for 'fro'). */
  p?: number;
  /** Rounding to the accumulation dtype for step-by-step reductions (prod). */
  round?: (x: number) => number;
}

function lineSum(values: ArrayLike<number>, start: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += values[start + i]!;
  return s;
}

/** The dtype of a sum/prod/cumsum: integers and bool accumulate into int64. */
export function sumDType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'int64';
}

/** The result dtype of reduction `kind` of a `dtype` input, or PyTorch's/NumPy's error for it. */
export function outputDType(kind: ReductionKind, dtype: DType, flavor: Flavor, opts: ReduceOptions): DType {
  if (opts.dtype) return opts.dtype;
  switch (kind) {
    case 'sum':
    case 'prod':
    case 'nansum':
      return sumDType(dtype);
    case 'count_nonzero':
      return 'int64';
    case 'amax':
    case 'amin':
      return dtype;
    case 'all':
    case 'any':
      return flavor === 'torch' && dtype === 'uint8' ? 'uint8' : 'bool';
    case 'mean':
    case 'var':
    case 'std':
      if (isFloating(dtype)) return dtype;
      if (flavor === 'numpy') return 'float64';
      if (kind === 'mean') {
        throw runtimeError(
          `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(dtype)}`,
        );
      }
      throw runtimeError('std and var only support floating point and complex dtypes');
    case 'logsumexp':
      return isFloating(dtype) ? dtype : 'float32';
    case 'norm':
      if (isFloating(dtype)) return dtype;
      if (flavor === 'numpy') return 'float64';
      throw runtimeError(
        `linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${scalarTypeName(dtype)}`,
      );
  }
}

function lineValue(kind: ReductionKind, v: ArrayLike<number>, start: number, n: number, opts: ReduceOptions): number {
  switch (kind) {
    case 'sum':
      return lineSum(v, start, n);
    case 'nansum': {
      let s = 0;
      for (let i = 0; i < n; i++) if (v[start + i] === v[start + i]) s += v[start + i]!;
      return s;
    }
    case 'count_nonzero': {
      let c = 0;
      for (let i = 0; i < n; i++) if (v[start + i] !== 0) c++;
      return c;
    }
    case 'mean':
      return lineSum(v, start, n) / n;
    case 'prod': {
      // Each product is rounded to the dtype, as the kernel multiplies in it.
      const r = opts.round ?? ((x: number) => x);
      let p = 1;
      for (let i = 0; i < n; i++) p = r(p * v[start + i]!);
      return p;
    }
    case 'amax':
    case 'amin': {
      let m = kind === 'amax' ? -Infinity : Infinity;
      for (let i = 0; i < n; i++) {
        const x = v[start + i]!;
        if (x !== x) return NaN;
        if (kind === 'amax' ? x > m : x < m) m = x;
      }
      return m;
    }
    case 'all':
      for (let i = 0; i < n; i++) if (v[start + i] === 0) return 0;
      return 1;
    case 'any':
      for (let i = 0; i < n; i++) if (v[start + i] !== 0) return 1;
      return 0;
    case 'logsumexp': {
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, v[start + i]!);
      if (m === Infinity || m === -Infinity) m = 0;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(v[start + i]! - m);
      return Math.log(s) + m;
    }
    case 'var':
    case 'std': {
      const mean = lineSum(v, start, n) / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (v[start + i]! - mean) ** 2;
      const variance = ss / Math.max(0, n - (opts.correction ?? 1));
      return kind === 'std' ? Math.sqrt(variance) : variance;
    }
    case 'norm': {
      const p = opts.p ?? 2;
      if (p === Infinity || p === -Infinity) {
        let m = p > 0 ? 0 : Infinity;
        for (let i = 0; i < n; i++) {
          const a = Math.abs(v[start + i]!);
          if (a !== a) return NaN;
          m = p > 0 ? Math.max(m, a) : Math.min(m, a);
        }
        return m;
      }
      if (p === 0) {
        let c = 0;
        for (let i = 0; i < n; i++) if (v[start + i] !== 0) c++;
        return c;
      }
      // With `round` (float32), the powers and the running sum are rounded step by step, as PyTorch's norm kernel
      // accumulates in float.
      const r = opts.round ?? ((x: number) => x);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(v[start + i]!);
        s = r(s + (p === 1 ? a : r(p === 2 ? a * a : a ** p)));
      }
      return p === 1 ? s : p === 2 ? Math.sqrt(s) : s ** (1 / p);
    }
  }
}

function finishNumpy(out: TorchTensor): TorchTensor {
  if (out.flavor === 'numpy' && out.shape.length === 0) out.npScalar = true;
  return out;
}

/**
 * Reduces `t` over `dims` (null = every dim). Empty max/min raise PyTorch's / NumPy's errors; an empty mean is nan.
 */
export function reduce(
  ctx: OpContext,
  t: TorchTensor,
  kind: ReductionKind,
  dims: number[] | null,
  keepdim: boolean,
  opts: ReduceOptions = {},
): TorchTensor {
  const out = outputDType(kind, t.dtype, t.flavor, opts);
  const src = opts.dtype && opts.dtype !== t.dtype ? castForReduce(t, opts.dtype) : t;
  const { values, lineLength, lines, kept, dropped } = linesFor(src, dims);
  if (lineLength === 0 && (kind === 'amax' || kind === 'amin')) {
    const name = kind === 'amax' ? 'max' : 'min';
    if (t.flavor === 'numpy') {
      throw valueError(
        `zero-size array to reduction operation ${kind === 'amax' ? 'maximum' : 'minimum'} which has no identity`,
      );
    }
    throw runtimeError(
      dims === null
        ? `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`
        : `${kind}(): Expected reduction dim ${dims[0]} to have non-zero size.`,
    );
  }
  const shape = keepdim ? kept : dropped;
  checkBudget(shape, ctx.maxElements);
  if ((kind === 'sum' || kind === 'mean') && t.flavor === 'torch' && (out === 'float32' || out === 'float64')) {
    // PyTorch's own summation order, so float32 sums and means match it bit for bit.
    const mask = src.shape.map((_, i) => dims === null || dims.includes(i));
    const sums = torchSumLines(src.data, src.shape, mask, out);
    if (sums) {
      if (kind === 'mean') {
        for (let l = 0; l < sums.length; l++) sums[l] = roundToFloatType(sums[l]! / lineLength, out);
      }
      return make(sums, shape, out, t.flavor);
    }
  }
  const result = new Float64Array(lines);
  if ((kind === 'prod' || kind === 'norm') && out === 'float32' && t.flavor === 'torch') {
    opts = { ...opts, round: Math.fround };
  }
  for (let l = 0; l < lines; l++) result[l] = lineValue(kind, values, l * lineLength, lineLength, opts);
  return finishNumpy(make(result, shape, out, t.flavor));
}

function castForReduce(t: TorchTensor, dtype: DType): TorchTensor {
  return make(t.data, t.shape, dtype, t.flavor);
}

/** `torch.max(t, dim)` / `torch.min(t, dim)`: the named tuple (values, indices); the first extreme index wins. */
export function maxMinDim(
  ctx: OpContext,
  t: TorchTensor,
  dim: number,
  keepdim: boolean,
  which: 'max' | 'min',
): TupleArg {
  const d = wrapDim(dim, t.shape.length);
  const { values, lineLength, lines, kept, dropped } = linesFor(t, t.shape.length === 0 ? [] : [d]);
  if (lineLength === 0) {
    throw runtimeError(`${which}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  const shape = keepdim ? kept : dropped;
  checkBudget(shape, ctx.maxElements);
  const vals = new Float64Array(lines);
  const idx = new Float64Array(lines);
  for (let l = 0; l < lines; l++) {
    const i = lineArgExtreme(values, l * lineLength, lineLength, which);
    vals[l] = values[l * lineLength + i]!;
    idx[l] = i;
  }
  return tuple([make(vals, shape, t.dtype), make(idx, shape, 'int64')], `torch.return_types.${which}`, [
    'values',
    'indices',
  ]);
}

/** Index of the first maximum (or minimum) of a line; a NaN counts as the extreme. */
function lineArgExtreme(v: ArrayLike<number>, start: number, n: number, which: 'max' | 'min'): number {
  let best = 0;
  for (let i = 1; i < n; i++) {
    const b = v[start + best]!;
    if (b !== b) return best;
    const x = v[start + i]!;
    if (x !== x || (which === 'max' ? x > b : x < b)) best = i;
  }
  return best;
}

/** `argmax`/`argmin` over one dim, or over the flattened tensor when `dim` is null. */
export function argExtreme(
  ctx: OpContext,
  t: TorchTensor,
  dim: number | null,
  keepdim: boolean,
  which: 'max' | 'min',
): TorchTensor {
  const dims = dim === null ? null : t.shape.length === 0 ? [] : [wrapDim(dim, t.shape.length, t.flavor)];
  const { values, lineLength, lines, kept, dropped } = linesFor(t, dims);
  if (lineLength === 0) {
    if (t.flavor === 'numpy') throw valueError(`attempt to get arg${which} of an empty sequence`);
    throw runtimeError(
      dim === null
        ? `arg${which}(): Expected reduction dim to be specified for input.numel() == 0.`
        : `arg${which}(): Expected reduction dim ${dims![0]} to have non-zero size.`,
    );
  }
  const shape = keepdim ? (dim === null ? t.shape.map(() => 1) : kept) : dropped;
  checkBudget(shape, ctx.maxElements);
  const out = new Float64Array(lines);
  for (let l = 0; l < lines; l++) out[l] = lineArgExtreme(values, l * lineLength, lineLength, which);
  return finishNumpy(make(out, shape, 'int64', t.flavor));
}

/** `cumsum` / `cumprod` along `dim` (integers accumulate into int64 unless `dtype` is given). */
export function scan(
  ctx: OpContext,
  t: TorchTensor,
  dim: number | null,
  which: 'cumsum' | 'cumprod',
  dtype?: DType,
): TorchTensor {
  const src = dim === null ? new TorchTensor(t.dtype, [t.data.length], t.data, t.flavor) : t;
  const d = wrapDim(dim ?? 0, src.shape.length, t.flavor);
  checkBudget(src.shape, ctx.maxElements);
  const size = src.shape.length === 0 ? 1 : src.shape[d]!;
  const inner = numel(src.shape.slice(d + 1));
  const outer = numel(src.shape.slice(0, d));
  const out = new Float64Array(src.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = which === 'cumsum' ? 0 : 1;
      for (let s = 0; s < size; s++) {
        const k = (o * size + s) * inner + i;
        acc = which === 'cumsum' ? acc + src.data[k]! : acc * src.data[k]!;
        out[k] = acc;
      }
    }
  }
  return make(out, src.shape, dtype ?? sumDType(t.dtype), t.flavor);
}

/**
 * `softmax` / `log_softmax` along `dim`, as PyTorch computes them: the line maximum is subtracted, exp-sum in the
 * accumulation type, `x - max - log(sum)` for log_softmax. Integer inputs need `dtype=` (PyTorch's error otherwise).
 */
export function softmax(ctx: OpContext, t: TorchTensor, dim: number, log: boolean, dtype?: DType): TorchTensor {
  const out = dtype ?? t.dtype;
  if (!isFloating(out)) {
    throw notImplemented(
      ctx,
      `"${log ? 'log_softmax' : 'softmax'}_lastdim_kernel_impl" not implemented for '${scalarTypeName(out)}'`,
    );
  }
  const d = wrapDim(dim, t.shape.length);
  checkBudget(t.shape, ctx.maxElements);
  const shape = t.shape.length === 0 ? [1] : t.shape;
  const size = shape[d]!;
  const inner = numel(shape.slice(d + 1));
  const outer = numel(shape.slice(0, d));
  const x = t.dtype === out ? t.data : make(t.data, t.shape, out).data;
  const res = new Float64Array(t.data.length);
  if ((out === 'float32' || out === 'float64') && t.flavor === 'torch') {
    // PyTorch's kernels step by step in the dtype: x - max, exp, the sum in the kernel's order, then
    // x - max - log(sum) or exp * (1 / sum).
    const r = out === 'float32' ? Math.fround : (v: number) => v;
    const lastDim = inner === 1;
    const line = new Float64Array(size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let max = -Infinity;
        for (let s = 0; s < size; s++) {
          const v = x[(o * size + s) * inner + i]!;
          if (v > max || v !== v) max = v;
        }
        for (let s = 0; s < size; s++) line[s] = r(Math.exp(r(x[(o * size + s) * inner + i]! - max)));
        let sum: number;
        if (lastDim) sum = reduceAllSum(line, out, ctx.torchVersion !== '1.13');
        else {
          sum = 0;
          for (let s = 0; s < size; s++) sum = r(sum + line[s]!);
        }
        if (log) {
          const logSum = r(Math.log(sum));
          for (let s = 0; s < size; s++) {
            const k = (o * size + s) * inner + i;
            res[k] = r(r(x[k]! - max) - logSum);
          }
        } else {
          const inv = r(1 / sum);
          for (let s = 0; s < size; s++) {
            const k = (o * size + s) * inner + i;
            res[k] = lastDim ? r(line[s]! * inv) : r(line[s]! / sum);
          }
        }
      }
    }
    return make(res, t.shape, out, t.flavor);
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let max = -Infinity;
      for (let s = 0; s < size; s++) {
        const v = x[(o * size + s) * inner + i]!;
        if (v > max || v !== v) max = v;
      }
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[(o * size + s) * inner + i]! - max);
      const logSum = Math.log(sum);
      for (let s = 0; s < size; s++) {
        const k = (o * size + s) * inner + i;
        const z = x[k]! - max;
        res[k] = log ? z - logSum : Math.exp(z) / sum;
      }
    }
  }
  return make(res, t.shape, out, t.flavor);
}

/** Raises PyTorch's TypeError for a reduction argument of the wrong kind. */
export function badArgument(fn: string, detail: string): never {
  throw typeError(`${fn}(): ${detail}`);
}

/** True when a reduction over an integer dtype needs PyTorch's int64 accumulation. */
export function accumulatesToLong(dtype: DType): boolean {
  return isIntegral(dtype) || dtype === 'bool';
}
