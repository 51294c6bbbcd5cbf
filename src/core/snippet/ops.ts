/**
 * Tensor operations over symbolic values: each computes the result's shape and dtype by PyTorch's rules and, when the
 * operands' values are known (and the result is small enough to hold), the values too. An operation PyTorch would
 * reject, or one on unknown operands, gives a tensor with less known about it, never an error: only loss calls are
 * diagnosed.
 */
import { promoteTypes } from '../reader/dtype';
import { resultType, type TypeOperand } from '../losses/torch-semantics';
import { isFloating, isIntegral, numel, type DType, type Tensor } from '../tensor';
import {
  broadcastAll,
  broadcastDims,
  catDims,
  flattenDims,
  matmulDims,
  normalizeDim,
  permuteDims,
  reducedDims,
  reshapeDims,
  squeezeDims,
  stackDims,
  transposeOrder,
  unsqueezeDims,
} from './shapes';
import * as math from './tensor-math';
import {
  concreteShape,
  int,
  shaped,
  tuple,
  UNKNOWN,
  type Dim,
  type Producer,
  type Shape,
  type TensorValue,
  type Value,
} from './values';

/** Limits that keep evaluation fast: tensors with more elements are tracked by shape only. */
export interface OpLimits {
  /** Largest number of elements whose values are computed. */
  readonly maxElements: number;
}

/**
 * A tensor result: values from `compute` when the shape is fully known and small enough, else shape and dtype only.
 * A failure inside `compute` (a case PyTorch rejects that the shape rules did not catch) also falls back to shape only.
 */
export function produce(
  limits: OpLimits,
  shape: Shape | undefined,
  dtype: DType | undefined,
  compute: (() => Tensor) | undefined,
  extra: { numpy?: boolean; producer?: Producer } = {},
): TensorValue {
  const concrete = concreteShape(shape);
  if (compute && concrete && dtype && numel(concrete) <= limits.maxElements) {
    const data = compute();
    return {
      kind: 'tensor',
      shape: data.shape,
      dtype: data.dtype,
      data,
      ...(extra.numpy ? { numpy: true } : {}),
      ...(extra.producer ? { producer: extra.producer } : {}),
    };
  }
  return shaped(shape, dtype, extra);
}

/** A stand-in tensor for dtype rules that only look at rank and dtype. */
function typeOperand(v: TensorValue): TypeOperand {
  return { dtype: v.dtype!, shape: v.shape ?? [0], data: new Float32Array(0) } as Tensor;
}

/** A binary operand: a tensor, or a Python number. */
export type NumOperand =
  | TensorValue
  | { readonly kind: 'scalar'; readonly value: { readonly kind: 'int' | 'float' | 'bool'; readonly value: number } };

/** `torch.result_type` over tensor values and Python numbers; undefined when a tensor's dtype is unknown. */
export function promote(operands: readonly NumOperand[]): DType | undefined {
  const ops: TypeOperand[] = [];
  let allBool = true;
  for (const o of operands) {
    if (o.kind === 'tensor') {
      if (!o.dtype) return undefined;
      ops.push(typeOperand(o));
      if (o.dtype !== 'bool') allBool = false;
    } else if (o.value.kind === 'float') {
      ops.push('float');
      allBool = false;
    } else if (o.value.kind === 'int') {
      ops.push('int');
      allBool = false;
    }
  }
  if (ops.length === 0) return allBool ? 'bool' : 'int64';
  const numpy =
    operands.some((o) => o.kind === 'tensor' && o.numpy) && !operands.some((o) => o.kind === 'tensor' && !o.numpy);
  const dtype = resultType(...ops);
  // NumPy's default float is float64: an integer array with a Python float gives float64.
  if (numpy && dtype === 'float32' && !operands.some((o) => o.kind === 'tensor' && o.dtype === 'float32'))
    return 'float64';
  return dtype;
}

function operandData(o: NumOperand): math.Operand | undefined {
  if (o.kind === 'tensor') return o.data;
  return o.value.value;
}

function operandShape(o: NumOperand): Shape | undefined {
  return o.kind === 'tensor' ? o.shape : [];
}

function isNumpy(operands: readonly NumOperand[]): boolean {
  return operands.some((o) => o.kind === 'tensor' && o.numpy);
}

const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

function bitwise(op: string, a: number, b: number): number {
  const x = BigInt(Math.trunc(a));
  const y = BigInt(Math.trunc(b));
  switch (op) {
    case '&':
      return Number(x & y);
    case '|':
      return Number(x | y);
    case '^':
      return Number(x ^ y);
    case '<<':
      return Number(x << y);
    default:
      return Number(x >> y);
  }
}

/** Python's binary operators on tensors (and a tensor with a number), with broadcasting and type promotion. */
export function binaryTensorOp(limits: OpLimits, op: string, a: NumOperand, b: NumOperand): Value {
  if (op === '@') {
    if (a.kind !== 'tensor' || b.kind !== 'tensor') return UNKNOWN;
    return matmulOp(limits, a, b);
  }
  const sa = operandShape(a);
  const sb = operandShape(b);
  const shape = sa && sb ? broadcastDims(sa, sb) : undefined;
  if (sa && sb && !shape) return UNKNOWN;
  let dtype = promote([a, b]);
  const numpy = isNumpy([a, b]);
  if (dtype !== undefined) {
    if (COMPARISONS.has(op)) dtype = 'bool';
    else if (op === '/' && !isFloating(dtype)) dtype = numpy ? 'float64' : 'float32';
    else if ((op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>') && isFloating(dtype))
      return UNKNOWN;
    else if (op === '-' && dtype === 'bool') return UNKNOWN;
    else if ((op === '+' || op === '*') && dtype === 'bool' && !numpy) dtype = 'bool';
    else if ((op === '//' || op === '%') && dtype === 'bool') dtype = 'int64';
  }
  const da = operandData(a);
  const db = operandData(b);
  const resultDtype = dtype;
  const compute =
    da !== undefined && db !== undefined && resultDtype !== undefined && shape
      ? () => {
          const fn = elementwise(op, resultDtype === 'bool');
          return math.mapBroadcast([da, db], concreteShape(shape)!, resultDtype, (xs) => fn(xs[0]!, xs[1]!));
        }
      : undefined;
  if (compute && !isFloating(resultDtype!) && (op === '//' || op === '%') && hasZero(db!))
    return shaped(shape, resultDtype, { numpy });
  if (compute && op === '**' && isIntegral(resultDtype!) && hasNegative(db!)) return UNKNOWN;
  return produce(limits, shape, resultDtype, compute, { numpy });
}

function hasZero(o: math.Operand): boolean {
  if (typeof o === 'number') return o === 0;
  for (let i = 0; i < o.data.length; i++) if (o.data[i] === 0) return true;
  return false;
}

function hasNegative(o: math.Operand): boolean {
  if (typeof o === 'number') return o < 0;
  for (let i = 0; i < o.data.length; i++) if (o.data[i]! < 0) return true;
  return false;
}

function elementwise(op: string, boolResult: boolean): (a: number, b: number) => number {
  switch (op) {
    case '+':
      return boolResult ? (a, b) => (a || b ? 1 : 0) : (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return boolResult ? (a, b) => (a && b ? 1 : 0) : (a, b) => a * b;
    case '/':
      return (a, b) => a / b;
    case '//':
      return floorDiv;
    case '%':
      return pyMod;
    case '**':
      return (a, b) => Math.pow(a, b);
    case '<':
      return (a, b) => (a < b ? 1 : 0);
    case '>':
      return (a, b) => (a > b ? 1 : 0);
    case '<=':
      return (a, b) => (a <= b ? 1 : 0);
    case '>=':
      return (a, b) => (a >= b ? 1 : 0);
    case '==':
      return (a, b) => (a === b ? 1 : 0);
    case '!=':
      return (a, b) => (a !== b ? 1 : 0);
    case 'maximum':
      return (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b));
    case 'minimum':
      return (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b));
    default:
      return (a, b) => bitwise(op, a, b);
  }
}

/** Unary operators `-x`, `+x`, `~x` on a tensor. */
export function unaryTensorOp(limits: OpLimits, op: string, v: TensorValue): Value {
  if (op === '+') return v;
  if (op === '-') {
    if (v.dtype === 'bool') return UNKNOWN;
    return produce(limits, v.shape, v.dtype, v.data ? () => math.mapUnary(v.data!, v.dtype!, (x) => -x) : undefined, {
      numpy: v.numpy,
    });
  }
  if (op === '~') {
    if (v.dtype !== undefined && isFloating(v.dtype)) return UNKNOWN;
    const fn = v.dtype === 'bool' ? (x: number) => (x ? 0 : 1) : (x: number) => -x - 1;
    return produce(limits, v.shape, v.dtype, v.data ? () => math.mapUnary(v.data!, v.dtype!, fn) : undefined, {
      numpy: v.numpy,
    });
  }
  return UNKNOWN;
}

/** Elementwise functions whose result is floating point (integer inputs give float32, as in PyTorch). */
export const FLOAT_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  reciprocal: (x) => 1 / x,
};

/** Elementwise functions that keep the dtype. */
export const SAME_DTYPE_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  neg: (x) => -x,
  negative: (x) => -x,
  relu: (x) => (x > 0 ? x : x !== x ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    // Round half to even, as torch.round does.
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  trunc: Math.trunc,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  square: (x) => x * x,
};

/** Applies a named elementwise function. */
export function elementwiseFunction(limits: OpLimits, name: string, v: TensorValue, producer?: Producer): Value {
  const floatFn = FLOAT_FUNCTIONS[name];
  if (floatFn) {
    const dtype = v.dtype === undefined ? undefined : isFloating(v.dtype) ? v.dtype : v.numpy ? 'float64' : 'float32';
    return produce(limits, v.shape, dtype, v.data && dtype ? () => math.mapUnary(v.data!, dtype, floatFn) : undefined, {
      numpy: v.numpy,
      ...(producer ? { producer } : {}),
    });
  }
  const sameFn = SAME_DTYPE_FUNCTIONS[name];
  if (sameFn) {
    if (v.dtype === 'bool' && name !== 'abs') return UNKNOWN;
    return produce(limits, v.shape, v.dtype, v.data ? () => math.mapUnary(v.data!, v.dtype!, sameFn) : undefined, {
      numpy: v.numpy,
    });
  }
  return UNKNOWN;
}

/** `clamp(min, max)`: the bounds take part in type promotion (an int tensor clamped at 0.5 becomes float32). */
export function clampOp(
  limits: OpLimits,
  v: TensorValue,
  min: NumOperand | undefined,
  max: NumOperand | undefined,
): Value {
  if (!min && !max) return UNKNOWN;
  const operands: NumOperand[] = [v];
  if (min) operands.push(min);
  if (max) operands.push(max);
  const dtype = promote(operands);
  const tensors = operands.filter((o): o is TensorValue => o.kind === 'tensor');
  const shape = tensors.every((t) => t.shape) ? broadcastAll(tensors.map((t) => t.shape!)) : undefined;
  if (tensors.every((t) => t.shape) && !shape) return UNKNOWN;
  const lo = min ? operandData(min) : -Infinity;
  const hi = max ? operandData(max) : Infinity;
  const compute =
    v.data && lo !== undefined && hi !== undefined && dtype && shape
      ? () =>
          math.mapBroadcast([v.data!, lo, hi], concreteShape(shape)!, dtype, ([x, a, b]) => {
            if (x !== x) return x!;
            return Math.min(Math.max(x!, a!), b!);
          })
      : undefined;
  return produce(limits, shape, dtype, compute, { numpy: v.numpy });
}

/** `.to(dtype)` / `.float()` / `.long()`: a cast. The producer survives casts between float types. */
export function castOp(limits: OpLimits, v: TensorValue, dtype: DType): TensorValue {
  if (v.dtype === dtype) return v;
  const keep = v.producer && v.dtype && isFloating(v.dtype) && isFloating(dtype) ? { producer: v.producer } : {};
  return produce(limits, v.shape, dtype, v.data ? () => math.castTo(v.data!, dtype) : undefined, {
    numpy: v.numpy,
    ...keep,
  });
}

/** A view that keeps the values in C order under another shape (reshape, view, flatten, squeeze, unsqueeze). */
function viewAs(limits: OpLimits, v: TensorValue, shape: Dim[] | undefined): Value {
  if (!shape) return v.shape ? UNKNOWN : shaped(undefined, v.dtype, { numpy: v.numpy });
  return produce(limits, shape, v.dtype, v.data ? () => math.reshape(v.data!, concreteShape(shape)!) : undefined, {
    numpy: v.numpy,
    ...(v.producer ? { producer: v.producer } : {}),
  });
}

/** `reshape(*sizes)` / `view(*sizes)` with `-1` inference. */
export function reshapeOp(limits: OpLimits, v: TensorValue, sizes: readonly Dim[]): Value {
  if (!v.shape)
    return shaped(sizes.includes(-1) ? sizes.map((s) => (s === -1 ? null : s)) : sizes, v.dtype, { numpy: v.numpy });
  return viewAs(limits, v, reshapeDims(v.shape, sizes));
}

/** `squeeze(dim?)`. */
export function squeezeOp(limits: OpLimits, v: TensorValue, dim?: number): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  return viewAs(limits, v, squeezeDims(v.shape, dim));
}

/** `unsqueeze(dim)`. */
export function unsqueezeOp(limits: OpLimits, v: TensorValue, dim: number): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  return viewAs(limits, v, unsqueezeDims(v.shape, dim));
}

/** `flatten(start_dim, end_dim)`. */
export function flattenOp(limits: OpLimits, v: TensorValue, start = 0, end = -1): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  return viewAs(limits, v, flattenDims(v.shape, start, end));
}

/** `permute(*dims)`. */
export function permuteOp(limits: OpLimits, v: TensorValue, dims: readonly number[]): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  const p = permuteDims(v.shape, dims);
  if (!p) return UNKNOWN;
  return produce(limits, p.shape, v.dtype, v.data ? () => math.permute(v.data!, p.order) : undefined, {
    numpy: v.numpy,
    ...(v.producer ? { producer: v.producer } : {}),
  });
}

/** `transpose(d0, d1)`. */
export function transposeOp(limits: OpLimits, v: TensorValue, d0: number, d1: number): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  const order = transposeOrder(v.shape.length, d0, d1);
  return order ? permuteOp(limits, v, order) : UNKNOWN;
}

/** `.T`: all axes reversed. */
export function reverseAxesOp(limits: OpLimits, v: TensorValue): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  return permuteOp(
    limits,
    v,
    v.shape.map((_, i) => v.shape!.length - 1 - i),
  );
}

/** `expand(*sizes)`: broadcasts to sizes (-1 keeps a size). */
export function expandOp(limits: OpLimits, v: TensorValue, sizes: readonly Dim[]): Value {
  if (!v.shape) return shaped(sizes.some((s) => s === -1) ? undefined : sizes, v.dtype);
  if (sizes.length < v.shape.length) return UNKNOWN;
  const offset = sizes.length - v.shape.length;
  const target: Dim[] = sizes.map((s, i) => (s === -1 ? (i >= offset ? v.shape![i - offset]! : null) : s));
  const shape = broadcastDims(v.shape, target);
  if (!shape || shape.some((d, i) => target[i] !== null && d !== target[i])) return UNKNOWN;
  return produce(
    limits,
    shape,
    v.dtype,
    v.data ? () => math.mapBroadcast([v.data!], concreteShape(shape)!, v.dtype!, (xs) => xs[0]!) : undefined,
    {
      numpy: v.numpy,
    },
  );
}

/** `repeat(*sizes)`: tiles the tensor. */
export function repeatOp(limits: OpLimits, v: TensorValue, repeats: readonly number[]): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  if (repeats.length < v.shape.length) return UNKNOWN;
  const offset = repeats.length - v.shape.length;
  const padded: Dim[] = [...new Array<Dim>(offset).fill(1), ...v.shape];
  const shape = padded.map((d, i) => (d === null ? null : d * repeats[i]!));
  const compute = v.data
    ? () => {
        const src = math.reshape(v.data!, padded as number[]);
        const out = concreteShape(shape)!;
        const strides = out.map((_, i) => numel((padded as number[]).slice(i + 1)));
        const offsets = new Float64Array(numel(out));
        const idx = new Array<number>(out.length).fill(0);
        for (let k = 0; k < offsets.length; k++) {
          let s = 0;
          for (let d = 0; d < out.length; d++) s += (idx[d]! % (padded[d] as number)) * strides[d]!;
          offsets[k] = s;
          for (let d = out.length - 1; d >= 0; d--) {
            idx[d]!++;
            if (idx[d]! < out[d]!) break;
            idx[d] = 0;
          }
        }
        return math.gatherOffsets(src, offsets, out);
      }
    : undefined;
  return produce(limits, shape, v.dtype, compute, { numpy: v.numpy });
}

/** softmax / log_softmax along `dim`. Integer inputs have no kernel (unknown). */
export function softmaxOp(
  limits: OpLimits,
  v: TensorValue,
  dim: number,
  log: boolean,
  producer?: Producer,
  dtype?: DType,
): Value {
  const outDtype = dtype ?? v.dtype;
  if (outDtype !== undefined && !isFloating(outDtype)) return UNKNOWN;
  if (v.shape && normalizeDim(dim, v.shape.length) === undefined) return UNKNOWN;
  const axis = v.shape ? normalizeDim(dim, v.shape.length)! : 0;
  return produce(
    limits,
    v.shape,
    outDtype,
    v.data && outDtype ? () => math.softmax(v.data!, axis, outDtype, log) : undefined,
    {
      numpy: v.numpy,
      ...(producer ? { producer } : {}),
    },
  );
}

/** The implicit dim of `F.softmax(x)` without `dim` (PyTorch's `_get_softmax_dim`). */
export function implicitSoftmaxDim(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

/** Which reduction. */
export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin' | 'prod';

/**
 * Reductions. `sum`/`mean` accept several dims; `max`/`min` with a dim return (values, indices); without one, a 0-d
 * tensor. Integer sums give int64; an integer mean is rejected by PyTorch (unknown here).
 */
export function reduceOp(
  limits: OpLimits,
  v: TensorValue,
  kind: ReduceKind,
  dims: readonly number[] | undefined,
  keepdim: boolean,
  dtype?: DType,
): Value {
  const inDtype = dtype ?? v.dtype;
  let outDtype: DType | undefined;
  switch (kind) {
    case 'sum':
    case 'prod':
      outDtype = inDtype === undefined ? undefined : isFloating(inDtype) ? inDtype : 'int64';
      break;
    case 'mean':
      if (inDtype !== undefined && !isFloating(inDtype)) return UNKNOWN;
      outDtype = inDtype;
      break;
    case 'argmax':
    case 'argmin':
      outDtype = 'int64';
      break;
    default:
      outDtype = inDtype;
  }
  if ((kind === 'max' || kind === 'min' || kind === 'argmax' || kind === 'argmin') && dims && dims.length !== 1)
    return UNKNOWN;
  const shape = v.shape ? reducedDims(v.shape, dims, keepdim) : undefined;
  if (v.shape && !shape) return UNKNOWN;
  const data = v.data && dtype && dtype !== v.dtype ? math.castTo(v.data, dtype) : v.data;
  const axes = dims && v.shape ? dims.map((d) => normalizeDim(d, v.shape!.length)!) : [];
  const extra = { numpy: v.numpy };
  const lineFn =
    kind === 'max'
      ? math.lineMax
      : kind === 'min'
        ? math.lineMin
        : kind === 'argmax'
          ? math.lineArgmax
          : kind === 'argmin'
            ? math.lineArgmin
            : undefined;
  if (kind === 'sum' || kind === 'mean' || kind === 'prod') {
    const compute =
      data && outDtype
        ? () => {
            if (kind === 'prod') {
              if (axes.length > 1) throw new Error('prod over several dims');
              return math.reduceAxis(
                axes.length === 0 ? math.reshape(data, [data.data.length]) : data,
                axes[0] ?? 0,
                keepdim && axes.length > 0,
                outDtype!,
                (line) => line.reduce((p, x) => p * x, 1),
              );
            }
            const summed = math.sumAxes(data, axes, keepdim, kind === 'mean' ? 'float64' : outDtype!);
            if (kind === 'sum') return summed;
            const count = numel(data.shape) / Math.max(1, numel(summed.shape));
            return math.mapUnary(summed, outDtype!, (x) => x / count);
          }
        : undefined;
    return produce(limits, shape, outDtype, compute, extra);
  }
  // max/min/argmax/argmin
  if (dims === undefined) {
    const compute =
      data && outDtype
        ? () => math.reduceAxis(math.reshape(data, [data.data.length]), 0, false, outDtype!, lineFn!)
        : undefined;
    if (data && data.data.length === 0) return UNKNOWN;
    const out = produce(limits, keepdim && shape ? shape : [], outDtype, compute, extra);
    return keepdim && out.data && shape ? { ...out, shape, data: math.reshape(out.data, concreteShape(shape)!) } : out;
  }
  const axis = axes[0] ?? 0;
  if (kind === 'argmax' || kind === 'argmin') {
    return produce(
      limits,
      shape,
      'int64',
      data ? () => math.reduceAxis(data, axis, keepdim, 'int64', lineFn!) : undefined,
      extra,
    );
  }
  const values = produce(
    limits,
    shape,
    outDtype,
    data ? () => math.reduceAxis(data, axis, keepdim, outDtype!, lineFn!) : undefined,
    extra,
  );
  const indices = produce(
    limits,
    shape,
    'int64',
    data
      ? () => math.reduceAxis(data, axis, keepdim, 'int64', kind === 'max' ? math.lineArgmax : math.lineArgmin)
      : undefined,
    extra,
  );
  return tuple([values, indices], ['values', 'indices']);
}

/** `torch.matmul` / `@`. Both operands must have the same dtype in PyTorch. */
export function matmulOp(limits: OpLimits, a: TensorValue, b: TensorValue): Value {
  if (a.dtype && b.dtype && a.dtype !== b.dtype) return UNKNOWN;
  const dtype = a.dtype ?? b.dtype;
  if (!a.shape || !b.shape) return shaped(undefined, dtype);
  const shape = matmulDims(a.shape, b.shape);
  if (!shape) return UNKNOWN;
  // Each output element costs the inner dimension: bound the multiplications, not only the output size.
  const inner = a.shape[a.shape.length - 1] ?? 1;
  const outputs = concreteShape(shape);
  const work = outputs && inner !== null ? numel(outputs) * inner : Infinity;
  const computable = a.data && b.data && work <= limits.maxElements * 8;
  return produce(
    limits,
    shape,
    dtype,
    computable ? () => math.matmul(a.data!, b.data!, concreteShape(shape)!, dtype!) : undefined,
    {
      numpy: a.numpy && b.numpy,
    },
  );
}

/** `torch.cat(tensors, dim)`: dtypes promote. */
export function catOp(limits: OpLimits, tensors: readonly TensorValue[], dim: number): Value {
  if (tensors.length === 0) return UNKNOWN;
  const dtype = tensors.reduce<DType | undefined>(
    (acc, t) => (acc === undefined || t.dtype === undefined ? undefined : promoteTypes(acc, t.dtype)),
    tensors[0]!.dtype,
  );
  if (tensors.some((t) => !t.shape)) return shaped(undefined, dtype);
  const shape = catDims(
    tensors.map((t) => t.shape!),
    dim,
  );
  if (!shape) return UNKNOWN;
  const all = tensors.every((t) => t.data);
  const used = tensors.filter((t) => !(t.shape!.length === 1 && t.shape![0] === 0));
  const axis = used.length > 0 ? normalizeDim(dim, used[0]!.shape!.length)! : 0;
  return produce(
    limits,
    shape,
    dtype,
    all && dtype
      ? () =>
          math.concatenate(
            tensors.map((t) => t.data!),
            axis,
            concreteShape(shape)!,
            dtype,
          )
      : undefined,
  );
}

/** `torch.stack(tensors, dim)`. */
export function stackOp(limits: OpLimits, tensors: readonly TensorValue[], dim: number): Value {
  if (tensors.length === 0) return UNKNOWN;
  if (tensors.some((t) => !t.shape)) return shaped(undefined, tensors[0]!.dtype);
  const shape = stackDims(
    tensors.map((t) => t.shape!),
    dim,
  );
  if (!shape) return UNKNOWN;
  const axis = normalizeDim(dim, tensors[0]!.shape!.length + 1)!;
  const expanded = tensors
    .map((t) => unsqueezeOp(limits, t, axis))
    .filter((t): t is TensorValue => t.kind === 'tensor');
  if (expanded.length !== tensors.length) return UNKNOWN;
  return catOp(limits, expanded, axis);
}

/** `torch.where(condition, x, y)`. */
export function whereOp(limits: OpLimits, condition: TensorValue, x: NumOperand, y: NumOperand): Value {
  const dtype = promote([x, y]);
  const shapes = [condition.shape, operandShape(x), operandShape(y)];
  const shape = shapes.every((s) => s) ? broadcastAll(shapes as Shape[]) : undefined;
  if (shapes.every((s) => s) && !shape) return UNKNOWN;
  const dx = operandData(x);
  const dy = operandData(y);
  const compute =
    condition.data && dx !== undefined && dy !== undefined && dtype && shape
      ? () => math.mapBroadcast([condition.data!, dx, dy], concreteShape(shape)!, dtype, ([c, a, b]) => (c ? a! : b!))
      : undefined;
  return produce(limits, shape, dtype, compute);
}

/** `F.one_hot(tensor, num_classes=-1)`: int64 only; the class count comes from the values when not given. */
export function oneHotOp(limits: OpLimits, v: TensorValue, numClasses: number): Value {
  if (v.dtype !== undefined && v.dtype !== 'int64') return UNKNOWN;
  if (v.data) {
    let max = -1;
    for (let i = 0; i < v.data.data.length; i++) {
      const c = v.data.data[i]!;
      if (c < 0) return UNKNOWN;
      if (c > max) max = c;
    }
    const classes = numClasses === -1 ? max + 1 : numClasses;
    if (max >= classes || (numClasses === -1 && v.data.data.length === 0)) return UNKNOWN;
    return produce(limits, [...v.data.shape, classes], 'int64', () => math.oneHot(v.data!, classes));
  }
  if (!v.shape) return shaped(undefined, 'int64');
  return shaped([...v.shape, numClasses === -1 ? null : numClasses], 'int64');
}

/** `F.normalize(x, p, dim, eps)`. */
export function normalizeOp(limits: OpLimits, v: TensorValue, p: number, dim: number, eps: number): Value {
  if (v.dtype !== undefined && !isFloating(v.dtype)) return UNKNOWN;
  if (v.shape && normalizeDim(dim, v.shape.length) === undefined) return UNKNOWN;
  const axis = v.shape ? normalizeDim(dim, v.shape.length)! : 0;
  return produce(limits, v.shape, v.dtype, v.data ? () => math.normalize(v.data!, p, axis, eps) : undefined);
}

/** The size tuple of a tensor (`x.shape`, `x.size()`), with unknown sizes as unknown items. */
export function sizeTuple(v: TensorValue): Value {
  if (!v.shape) return UNKNOWN;
  return tuple(v.shape.map((d) => (d === null ? UNKNOWN : int(d))));
}
