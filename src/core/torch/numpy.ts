/**
 * NumPy: the `np.*` functions NumPy-written losses use, ndarray methods and attributes. Arrays are
 * {@link TorchTensor}s of flavor `numpy`; promotion follows the context's NumPy major version. Sums follow NumPy's
 * own order (pairwise along a contiguous axis, sequential across rows) in the array's precision, so float64 results
 * print the same digits NumPy prints.
 */
import { numpyPromoteTypes, roundToFloatType } from '../reader/dtype';
import { isFloating, isIntegral, numel, type DType } from '../tensor';
import { bind, isPyNumber, isSequence, itemsOf, numberOf, pyTypeName, torchSize, tuple, type TArg } from './args';
import { arange, eye, fillDType, filled, fromData, linspace, scalarOf, toList } from './create';
import { intArg, intList, linesFor, reductionDims, wrapDim } from './dims';
import {
  binary,
  clamp,
  mapOperands,
  mathFunction,
  resultType,
  roundHalfEven,
  where,
  type BinaryOperator,
  type OpContext,
} from './elementwise';
import { NotModelled, TorchError, typeError, valueError } from './errors';
import { matmul, outer, einsum } from './linalg';
import type { Operand } from './promote';
import { argExtreme, reduce, scan, type ReductionKind } from './reduce';
import { argsort, nonzero } from './select';
import { cat, flatten, permute, reshape, reverseAxes, squeeze, stack, unsqueeze } from './shape';
import { castTo, checkBudget, cloneTensor, make, TorchTensor } from './tensor';
import { getItem } from './indexing';

/** A numpy function: positional and keyword arguments in, a Python value out. */
export type NumpyHandler = (ctx: OpContext, args: TArg[], kwargs: Map<string, TArg>) => TArg;
/** An ndarray method. */
export type NdarrayMethod = (ctx: OpContext, t: TorchTensor, args: TArg[], kwargs: Map<string, TArg>) => TArg;

function npDType(a: TArg | undefined): DType | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof a === 'object' && !Array.isArray(a) && !(a instanceof TorchTensor) && a.kind === 'dtype') return a.dtype;
  if (typeof a === 'string') {
    const table: Record<string, DType> = {
      float32: 'float32',
      f4: 'float32',
      float64: 'float64',
      f8: 'float64',
      float: 'float64',
      double: 'float64',
      int64: 'int64',
      i8: 'int64',
      int: 'int64',
      int32: 'int32',
      i4: 'int32',
      int16: 'int16',
      int8: 'int8',
      uint8: 'uint8',
      bool: 'bool',
      float16: 'float16',
      f2: 'float16',
    };
    const d = table[a];
    if (d) return d;
    throw new NotModelled(`NumPy dtype '${a}'`);
  }
  throw typeError(`Cannot interpret '${String(a)}' as a data type`);
}

/** `np.asarray(a)` for array-likes; tensors of flavor torch are refused (NumPy on a torch.Tensor is not modelled). */
function arr(ctx: OpContext, a: TArg | undefined, fn: string): TorchTensor {
  if (a instanceof TorchTensor) {
    if (a.flavor === 'torch') throw new NotModelled(`numpy.${fn} on a torch.Tensor`);
    return a;
  }
  if (a === undefined) throw typeError(`${fn}() missing required argument 'a' (pos 1)`);
  return fromData(ctx, a, undefined, 'numpy');
}

/** A ufunc operand: arrays stay, Python numbers stay (weak scalars), lists become arrays. */
function operand(ctx: OpContext, a: TArg | undefined, fn: string): Operand {
  if (isPyNumber(a)) return a;
  return arr(ctx, a, fn);
}

function scalarize(t: TorchTensor): TorchTensor {
  if (t.shape.length === 0) t.npScalar = true;
  return t;
}

function unaryUfunc(name: string, op = name): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'x, /, out=None, *, where=True, dtype=None', args, kwargs);
    const x = operand(ctx, b.x, name);
    const t = x instanceof TorchTensor ? x : fromData(ctx, x, undefined, 'numpy');
    const out = mathFunction(ctx, op, t);
    const dt = npDType(b.dtype);
    return scalarize(dt ? castTo(out, dt) : out);
  };
}

function binaryUfunc(name: string, op: BinaryOperator): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'x1, x2, /, out=None, *, where=True, dtype=None', args, kwargs);
    const x1 = operand(ctx, b.x1, name);
    const x2 = operand(ctx, b.x2, name);
    const r = binary(ctx, op, asArrayIfBothScalars(ctx, x1, x2), x2);
    return scalarize(r);
  };
}

/** With two Python numbers, NumPy still computes in NumPy types: make the first a 0-d array. */
function asArrayIfBothScalars(ctx: OpContext, x1: Operand, x2: Operand): Operand {
  if (x1 instanceof TorchTensor || x2 instanceof TorchTensor) return x1;
  const t = fromData(ctx, x1, undefined, 'numpy');
  t.npScalar = true;
  return t;
}

function extremeUfunc(name: string, max: boolean, skipNan: boolean): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'x1, x2, /, out=None', args, kwargs);
    const x1 = asArrayIfBothScalars(ctx, operand(ctx, b.x1, name), operand(ctx, b.x2, name));
    const x2 = operand(ctx, b.x2, name);
    const dtype = resultType(ctx, [x1, x2], 'numpy');
    return scalarize(
      mapOperands(
        ctx,
        [x1, x2],
        dtype,
        dtype,
        ([x, y]) => {
          if (x !== x) return skipNan ? y! : x!;
          if (y !== y) return skipNan ? x! : y!;
          return max ? Math.max(x!, y!) : Math.min(x!, y!);
        },
        'numpy',
      ),
    );
  };
}

/** NumPy's pairwise summation (`pairwise_sum` in loops_utils.h), in the precision `round` gives. */
function pairwiseSum(
  v: ArrayLike<number>,
  start: number,
  n: number,
  stride: number,
  round: (x: number) => number,
): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res = round(res + v[start + i * stride]!);
    return res;
  }
  if (n <= 128) {
    const r = new Array<number>(8);
    for (let j = 0; j < 8; j++) r[j] = v[start + j * stride]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = round(r[j]! + v[start + (i + j) * stride]!);
    }
    let res = round(
      round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)),
    );
    for (; i < n; i++) res = round(res + v[start + i * stride]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwiseSum(v, start, n2, stride, round) + pairwiseSum(v, start + n2 * stride, n - n2, stride, round));
}

/**
 * `np.sum` / `np.mean` in NumPy's order: over the last axis (or everything), pairwise; over other axes, row by row.
 * Float32 accumulates in float32 (as NumPy does); integers accumulate exactly.
 */
function numpySum(
  ctx: OpContext,
  t: TorchTensor,
  dims: number[] | null,
  keepdim: boolean,
  mean: boolean,
  dtype?: DType,
): TorchTensor {
  const outDType: DType =
    dtype ?? (mean ? (isFloating(t.dtype) ? t.dtype : 'float64') : isFloating(t.dtype) ? t.dtype : 'int64');
  const accDType: DType = isFloating(outDType) ? outDType : 'float64';
  const round =
    accDType === 'float32'
      ? Math.fround
      : accDType === 'float16'
        ? (x: number) => roundToFloatType(x, 'float16')
        : (x: number) => x;
  const src = t.dtype === accDType ? t : castTo(t, accDType);
  const rank = t.shape.length;
  const all = dims === null || dims.length === rank;
  const trailing = all || (dims !== null && dims.every((d, i) => d === rank - dims.length + i));
  const { lineLength, lines, kept, dropped } = linesFor(src, dims);
  const shape = keepdim ? (dims === null ? t.shape.map(() => 1) : kept) : dropped;
  checkBudget(shape, ctx.maxElements);
  const out = new Float64Array(lines);
  if (trailing) {
    for (let l = 0; l < lines; l++) out[l] = pairwiseSum(src.data, l * lineLength, lineLength, 1, round);
  } else {
    // The reduced axes are iterated outside: each output accumulates its inputs one at a time.
    const moved = linesFor(src, dims).values;
    for (let l = 0; l < lines; l++) {
      let acc = 0;
      for (let i = 0; i < lineLength; i++) acc = round(acc + moved[l * lineLength + i]!);
      out[l] = acc;
    }
  }
  if (mean) for (let l = 0; l < lines; l++) out[l] = round(out[l]! / lineLength);
  return scalarize(make(out, shape, outDType, 'numpy'));
}

function reduction(name: string, kind: ReductionKind | 'sum' | 'mean'): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(
      name,
      'a, axis=None, dtype=None, out=None, keepdims=False, ddof=0, initial=None, where=None',
      args,
      kwargs,
    );
    const t = arr(ctx, b.a, name);
    const dims = reductionDims(b.axis, t.shape.length, 'numpy');
    const keep = b.keepdims === true;
    const dt = npDType(b.dtype);
    if (kind === 'sum' || kind === 'mean') return numpySum(ctx, t, dims, keep, kind === 'mean', dt);
    if (kind === 'var' || kind === 'std') {
      return scalarize(
        reduce(ctx, t, kind, dims, keep, { correction: b.ddof === undefined ? 0 : numberOf(b.ddof as number) }),
      );
    }
    const opts: { dtype?: DType } = {};
    if (dt) opts.dtype = dt;
    return scalarize(reduce(ctx, t, kind, dims, keep, opts));
  };
}

function argReduction(name: string, which: 'max' | 'min'): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'a, axis=None, out=None, *, keepdims=False', args, kwargs);
    const t = arr(ctx, b.a, name);
    const axis = b.axis === undefined || b.axis === null ? null : intArg(b.axis, 'axis');
    return scalarize(argExtreme(ctx, t, axis, b.keepdims === true, which));
  };
}

function shapeOf(a: TArg | undefined): number[] {
  if (a === undefined) return [];
  return intList(a, 'shape');
}

function creator(value: number): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind('zeros', "shape, dtype=float, order='C', *, like=None", args, kwargs);
    return filled(ctx, shapeOf(b.shape), value, npDType(b.dtype) ?? 'float64', 'numpy');
  };
}

function likeCreator(value: number | null): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind('zeros_like', "a, fill_value=None, dtype=None, order='K', subok=True, shape=None", args, kwargs);
    const t = arr(ctx, b.a, 'zeros_like');
    const v = value ?? numberOf(b.fill_value as number);
    return filled(ctx, t.shape, v, npDType(b.dtype) ?? t.dtype, 'numpy');
  };
}

function scalarType(dtype: DType): NumpyHandler {
  return (ctx, args) => {
    const a = args[0] ?? 0;
    if (isSequence(a) || (a instanceof TorchTensor && a.shape.length > 0)) return fromData(ctx, a, dtype, 'numpy');
    if (typeof a === 'string') {
      const v = Number(a.trim());
      if (Number.isNaN(v) && a.trim().toLowerCase() !== 'nan')
        throw valueError(`could not convert string to float: '${a}'`);
      return scalarize(make([v], [], dtype, 'numpy'));
    }
    const v = a instanceof TorchTensor ? a.data[0]! : isPyNumber(a) ? numberOf(a) : NaN;
    if (isIntegral(dtype) && typeof a === 'number' && !Number.isFinite(a)) {
      throw new TorchError(
        'OverflowError',
        Number.isNaN(a) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
      );
    }
    const t = make([v], [], dtype, 'numpy');
    t.npScalar = true;
    return t;
  };
}

function arrays(ctx: OpContext, a: TArg | undefined, fn: string): TorchTensor[] {
  if (!isSequence(a)) throw typeError(`${fn}() argument must be a sequence of arrays`);
  return itemsOf(a).map((x) => arr(ctx, x, fn));
}

/** The `numpy` function table, keyed by name under `numpy.`. */
export const NUMPY_FUNCTIONS: Record<string, NumpyHandler> = Object.create(null) as Record<string, NumpyHandler>;
for (const name of [
  'exp',
  'log',
  'log1p',
  'log2',
  'log10',
  'sqrt',
  'expm1',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sinh',
  'cosh',
  'arcsin',
  'arccos',
  'arctan',
  'square',
  'sign',
  'floor',
  'ceil',
  'trunc',
  'rint',
  'fix',
  'negative',
  'abs',
  'absolute',
]) {
  NUMPY_FUNCTIONS[name] = unaryUfunc(name, name === 'absolute' ? 'abs' : name);
}
Object.assign(NUMPY_FUNCTIONS, {
  fabs: unaryUfunc('fabs', 'abs'),
  add: binaryUfunc('add', '+'),
  subtract: binaryUfunc('subtract', '-'),
  multiply: binaryUfunc('multiply', '*'),
  divide: binaryUfunc('divide', '/'),
  true_divide: binaryUfunc('true_divide', '/'),
  floor_divide: binaryUfunc('floor_divide', '//'),
  power: binaryUfunc('power', '**'),
  mod: binaryUfunc('mod', '%'),
  remainder: binaryUfunc('remainder', '%'),
  equal: binaryUfunc('equal', '=='),
  not_equal: binaryUfunc('not_equal', '!='),
  less: binaryUfunc('less', '<'),
  less_equal: binaryUfunc('less_equal', '<='),
  greater: binaryUfunc('greater', '>'),
  greater_equal: binaryUfunc('greater_equal', '>='),
  maximum: extremeUfunc('maximum', true, false),
  minimum: extremeUfunc('minimum', false, false),
  fmax: extremeUfunc('fmax', true, true),
  fmin: extremeUfunc('fmin', false, true),
  logical_and: logical('logical_and', (x, y) => x && y),
  logical_or: logical('logical_or', (x, y) => x || y),
  logical_xor: logical('logical_xor', (x, y) => (x ? !y : y)),
  logical_not: ((ctx, args) =>
    scalarize(
      mapOperands(ctx, [arr(ctx, args[0], 'logical_not')], 'float64', 'bool', ([x]) => (x ? 0 : 1), 'numpy'),
    )) as NumpyHandler,
  isnan: test('isnan', (x) => x !== x),
  isinf: test('isinf', (x) => x === Infinity || x === -Infinity),
  isfinite: test('isfinite', (x) => Number.isFinite(x)),
  round: roundFn('round'),
  around: roundFn('around'),
  clip: ((ctx, args, kwargs) => {
    const b = bind('clip', 'a, a_min=None, a_max=None, out=None', args, kwargs);
    const t = arr(ctx, b.a, 'clip');
    const bound = (x: TArg | undefined): Operand | null =>
      x === undefined || x === null ? null : operand(ctx, x, 'clip');
    return scalarize(clamp(ctx, t, bound(b.a_min), bound(b.a_max)));
  }) as NumpyHandler,
  bincount: ((ctx, args, kwargs) => {
    // Counts (or sums `weights`) per value of a 1-D array of non-negative integers, at least `minlength` long. The
    // errors NumPy raises for other inputs are worded per release: those inputs are not modelled.
    const b = bind('bincount', 'x, weights=None, minlength=0', args, kwargs);
    const x = arr(ctx, b.x, 'bincount');
    const w = b.weights === undefined || b.weights === null ? null : arr(ctx, b.weights, 'bincount');
    const values = Array.from(x.data, Number);
    if (x.shape.length !== 1 || !isIntegral(x.dtype) || values.some((v) => v < 0))
      throw new NotModelled('numpy.bincount of anything but a 1-D array of non-negative integers');
    if (w && (w.shape.length !== 1 || w.shape[0] !== x.shape[0]))
      throw new NotModelled('numpy.bincount with weights of another length');
    const length = Math.max(Number(b.minlength ?? 0), values.length === 0 ? 0 : Math.max(...values) + 1);
    const counts = new Float64Array(length);
    values.forEach((v, i) => (counts[v] = counts[v]! + (w ? Number(w.data[i]) : 1)));
    return make(counts, [length], w ? 'float64' : 'int64', 'numpy');
  }) as NumpyHandler,
  sum: reduction('sum', 'sum'),
  mean: reduction('mean', 'mean'),
  prod: reduction('prod', 'prod'),
  max: reduction('max', 'amax'),
  amax: reduction('amax', 'amax'),
  min: reduction('min', 'amin'),
  amin: reduction('amin', 'amin'),
  all: reduction('all', 'all'),
  any: reduction('any', 'any'),
  std: reduction('std', 'std'),
  var: reduction('var', 'var'),
  nansum: reduction('nansum', 'nansum'),
  argmax: argReduction('argmax', 'max'),
  argmin: argReduction('argmin', 'min'),
  count_nonzero: ((ctx, args, kwargs) => {
    const b = bind('count_nonzero', 'a, axis=None, *, keepdims=False', args, kwargs);
    const t = arr(ctx, b.a, 'count_nonzero');
    const r = reduce(ctx, t, 'count_nonzero', reductionDims(b.axis, t.shape.length, 'numpy'), b.keepdims === true);
    return b.axis === undefined || b.axis === null ? BigInt(r.data[0]!) : r;
  }) as NumpyHandler,
  cumsum: ((ctx, args, kwargs) => {
    const b = bind('cumsum', 'a, axis=None, dtype=None, out=None', args, kwargs);
    return scan(
      ctx,
      arr(ctx, b.a, 'cumsum'),
      b.axis === undefined || b.axis === null ? null : intArg(b.axis, 'axis'),
      'cumsum',
      npDType(b.dtype),
    );
  }) as NumpyHandler,
  cumprod: ((ctx, args, kwargs) => {
    const b = bind('cumprod', 'a, axis=None, dtype=None, out=None', args, kwargs);
    return scan(
      ctx,
      arr(ctx, b.a, 'cumprod'),
      b.axis === undefined || b.axis === null ? null : intArg(b.axis, 'axis'),
      'cumprod',
      npDType(b.dtype),
    );
  }) as NumpyHandler,
  array: ((ctx, args, kwargs) => {
    const b = bind(
      'array',
      "object, dtype=None, *, copy=True, order='K', subok=False, ndmin=0, like=None",
      args,
      kwargs,
    );
    if (b.object instanceof TorchTensor && b.object.flavor === 'torch') {
      return fromData(
        ctx,
        new TorchTensor(b.object.dtype, b.object.shape, b.object.data, 'numpy'),
        npDType(b.dtype),
        'numpy',
      );
    }
    const t = fromData(ctx, b.object ?? null, npDType(b.dtype), 'numpy');
    const ndmin = b.ndmin === undefined ? 0 : intArg(b.ndmin, 'ndmin');
    if (t.shape.length < ndmin) t.shape = [...new Array<number>(ndmin - t.shape.length).fill(1), ...t.shape];
    return t;
  }) as NumpyHandler,
  asarray: ((ctx, args, kwargs) => {
    const b = bind('asarray', 'a, dtype=None, order=None, *, like=None', args, kwargs);
    const dt = npDType(b.dtype);
    if (b.a instanceof TorchTensor) {
      const t = b.a;
      const view = new TorchTensor(t.dtype, t.shape, t.data, 'numpy');
      return dt && dt !== t.dtype ? castTo(view, dt) : t.flavor === 'numpy' ? t : view;
    }
    return fromData(ctx, b.a ?? null, dt, 'numpy');
  }) as NumpyHandler,
  zeros: creator(0),
  ones: creator(1),
  empty: creator(0),
  full: ((ctx, args, kwargs) => {
    const b = bind('full', "shape, fill_value, dtype=None, order='C'", args, kwargs);
    const v = b.fill_value ?? 0n;
    return filled(
      ctx,
      shapeOf(b.shape),
      isPyNumber(v) ? numberOf(v) : 0,
      npDType(b.dtype) ?? fillDType(v, 'numpy'),
      'numpy',
    );
  }) as NumpyHandler,
  zeros_like: likeCreator(0),
  ones_like: likeCreator(1),
  empty_like: likeCreator(0),
  full_like: likeCreator(null),
  arange: ((ctx, args, kwargs) => {
    const b = bind('arange', 'start, stop=None, step=None, dtype=None', args, kwargs);
    const bounds = [b.start, b.stop, b.step]
      .filter((x) => x !== undefined && x !== null)
      .map((x) => (typeof x === 'boolean' ? BigInt(x) : (x as number | bigint)));
    return arange(ctx, bounds, npDType(b.dtype), 'numpy');
  }) as NumpyHandler,
  linspace: ((ctx, args, kwargs) => {
    const b = bind('linspace', 'start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0', args, kwargs);
    if (b.endpoint === false || b.retstep === true) throw new NotModelled('np.linspace(endpoint=False / retstep=True)');
    return linspace(
      ctx,
      numberOf(b.start as number),
      numberOf(b.stop as number),
      b.num === undefined ? 50 : intArg(b.num, 'num'),
      npDType(b.dtype),
      'numpy',
    );
  }) as NumpyHandler,
  eye: ((ctx, args, kwargs) => {
    const b = bind('eye', "N, M=None, k=0, dtype=float, order='C'", args, kwargs);
    const n = intArg(b.N, 'N');
    return eye(
      ctx,
      n,
      b.M === undefined || b.M === null ? n : intArg(b.M, 'M'),
      b.k === undefined ? 0 : intArg(b.k, 'k'),
      npDType(b.dtype) ?? 'float64',
      'numpy',
    );
  }) as NumpyHandler,
  identity: ((ctx, args, kwargs) => {
    const b = bind('identity', 'n, dtype=None', args, kwargs);
    const n = intArg(b.n, 'n');
    return eye(ctx, n, n, 0, npDType(b.dtype) ?? 'float64', 'numpy');
  }) as NumpyHandler,
  dot: ((ctx, args, kwargs) => {
    const b = bind('dot', 'a, b, out=None', args, kwargs);
    const x = operand(ctx, b.a, 'dot');
    const y = operand(ctx, b.b, 'dot');
    if (!(x instanceof TorchTensor) || !(y instanceof TorchTensor) || x.shape.length === 0 || y.shape.length === 0) {
      return scalarize(binary(ctx, '*', asArrayIfBothScalars(ctx, x, y), y));
    }
    if (x.shape.length > 2 || y.shape.length > 2) throw new NotModelled('np.dot on arrays above 2-D');
    return matmul(ctx, x, y);
  }) as NumpyHandler,
  matmul: ((ctx, args, kwargs) => {
    const b = bind('matmul', 'x1, x2, /, out=None', args, kwargs);
    return matmul(ctx, arr(ctx, b.x1, 'matmul'), arr(ctx, b.x2, 'matmul'));
  }) as NumpyHandler,
  outer: ((ctx, args, kwargs) => {
    const b = bind('outer', 'a, b, out=None', args, kwargs);
    return outer(ctx, arr(ctx, b.a, 'outer'), arr(ctx, b.b, 'outer'));
  }) as NumpyHandler,
  einsum: ((ctx, args) => {
    if (typeof args[0] !== 'string') throw new NotModelled('np.einsum in the sublist form');
    return scalarize(
      einsum(
        ctx,
        args[0],
        args.slice(1).map((a) => arr(ctx, a, 'einsum')),
      ),
    );
  }) as NumpyHandler,
  where: ((ctx, args, kwargs) => {
    const b = bind('where', 'condition, x=None, y=None', args, kwargs);
    const c = arr(ctx, b.condition, 'where');
    if (b.x === undefined && b.y === undefined) return nonzero(c, true);
    return scalarize(where(ctx, c, operand(ctx, b.x, 'where'), operand(ctx, b.y, 'where')));
  }) as NumpyHandler,
  nonzero: ((ctx, args) => nonzero(arr(ctx, args[0], 'nonzero'), true)) as NumpyHandler,
  argwhere: ((ctx, args) => nonzero(arr(ctx, args[0], 'argwhere'), false)) as NumpyHandler,
  concatenate: ((ctx, args, kwargs) => {
    const b = bind('concatenate', 'arrays, axis=0, out=None, *, dtype=None, casting=None', args, kwargs);
    const parts = arrays(ctx, b.arrays, 'concatenate');
    if (b.axis === null)
      return cat(
        ctx,
        parts.map((p) => flatten(p)),
        0,
        'numpy',
      );
    return cat(ctx, parts, b.axis === undefined ? 0 : intArg(b.axis, 'axis'), 'numpy');
  }) as NumpyHandler,
  stack: ((ctx, args, kwargs) => {
    const b = bind('stack', 'arrays, axis=0, out=None, *, dtype=None, casting=None', args, kwargs);
    return stack(ctx, arrays(ctx, b.arrays, 'stack'), b.axis === undefined ? 0 : intArg(b.axis, 'axis'), 'numpy');
  }) as NumpyHandler,
  vstack: ((ctx, args) => {
    const parts = arrays(ctx, args[0], 'vstack').map((p) => (p.shape.length < 2 ? reshape(p, [1, p.data.length]) : p));
    return cat(ctx, parts, 0, 'numpy');
  }) as NumpyHandler,
  hstack: ((ctx, args) => {
    const parts = arrays(ctx, args[0], 'hstack').map((p) => (p.shape.length === 0 ? reshape(p, [1]) : p));
    return cat(ctx, parts, parts[0] && parts[0].shape.length === 1 ? 0 : 1, 'numpy');
  }) as NumpyHandler,
  reshape: ((ctx, args, kwargs) => {
    const b = bind('reshape', "a, newshape=None, order='C', *, shape=None", args, kwargs);
    return reshape(arr(ctx, b.a, 'reshape'), intList(b.newshape ?? b.shape, 'shape'));
  }) as NumpyHandler,
  transpose: ((ctx, args, kwargs) => {
    const b = bind('transpose', 'a, axes=None', args, kwargs);
    const t = arr(ctx, b.a, 'transpose');
    return b.axes === undefined || b.axes === null ? reverseAxes(t) : permute(t, intList(b.axes, 'axes'));
  }) as NumpyHandler,
  expand_dims: ((ctx, args, kwargs) => {
    const b = bind('expand_dims', 'a, axis', args, kwargs);
    return unsqueeze(arr(ctx, b.a, 'expand_dims'), intArg(b.axis, 'axis'));
  }) as NumpyHandler,
  squeeze: ((ctx, args, kwargs) => {
    const b = bind('squeeze', 'a, axis=None', args, kwargs);
    return squeeze(
      arr(ctx, b.a, 'squeeze'),
      b.axis === undefined || b.axis === null ? undefined : intList(b.axis, 'axis'),
    );
  }) as NumpyHandler,
  argsort: ((ctx, args, kwargs) => {
    const b = bind('argsort', 'a, axis=-1, kind=None, order=None', args, kwargs);
    return argsort(ctx, arr(ctx, b.a, 'argsort'), b.axis === undefined ? -1 : intArg(b.axis, 'axis'), false);
  }) as NumpyHandler,
  sort: ((ctx, args, kwargs) => {
    const b = bind('sort', 'a, axis=-1, kind=None, order=None', args, kwargs);
    const t = arr(ctx, b.a, 'sort');
    const idx = argsort(ctx, t, b.axis === undefined ? -1 : intArg(b.axis, 'axis'), false);
    return takeAlong(t, idx, b.axis === undefined ? -1 : intArg(b.axis, 'axis'));
  }) as NumpyHandler,
  take_along_axis: ((ctx, args, kwargs) => {
    const b = bind('take_along_axis', 'arr, indices, axis', args, kwargs);
    return takeAlong(
      arr(ctx, b.arr, 'take_along_axis'),
      arr(ctx, b.indices, 'take_along_axis'),
      intArg(b.axis, 'axis'),
    );
  }) as NumpyHandler,
  allclose: ((ctx, args, kwargs) => {
    const b = bind('allclose', 'a, b, rtol=1e-05, atol=1e-08, equal_nan=False', args, kwargs);
    const r = isclose(ctx, operand(ctx, b.a, 'allclose'), operand(ctx, b.b, 'allclose'), b);
    return r.data.every((v) => v !== 0);
  }) as NumpyHandler,
  isclose: ((ctx, args, kwargs) => {
    const b = bind('isclose', 'a, b, rtol=1e-05, atol=1e-08, equal_nan=False', args, kwargs);
    return scalarize(isclose(ctx, operand(ctx, b.a, 'isclose'), operand(ctx, b.b, 'isclose'), b));
  }) as NumpyHandler,
  array_equal: ((ctx, args) => {
    const a = arr(ctx, args[0], 'array_equal');
    const b = arr(ctx, args[1], 'array_equal');
    return (
      a.shape.length === b.shape.length &&
      a.shape.every((d, i) => d === b.shape[i]) &&
      a.data.every((v, i) => v === b.data[i])
    );
  }) as NumpyHandler,
  unique: ((ctx, args, kwargs) => {
    const b = bind(
      'unique',
      'ar, return_index=False, return_inverse=False, return_counts=False, axis=None',
      args,
      kwargs,
    );
    if (b.return_index === true || b.return_inverse === true || b.axis !== undefined)
      throw new NotModelled('np.unique with return_index/return_inverse/axis');
    const t = arr(ctx, b.ar, 'unique');
    const sorted = [...t.data].sort((x, y) => (x !== x ? 1 : y !== y ? -1 : x - y));
    const values: number[] = [];
    const counts: number[] = [];
    for (const v of sorted) {
      if (
        values.length > 0 &&
        (values[values.length - 1] === v || (v !== v && values[values.length - 1] !== values[values.length - 1]))
      )
        counts[counts.length - 1]!++;
      else {
        values.push(v);
        counts.push(1);
      }
    }
    const u = make(values, [values.length], t.dtype, 'numpy');
    return b.return_counts === true ? tuple([u, make(counts, [counts.length], 'int64', 'numpy')]) : u;
  }) as NumpyHandler,
  float32: scalarType('float32'),
  single: scalarType('float32'),
  float64: scalarType('float64'),
  double: scalarType('float64'),
  float16: scalarType('float16'),
  half: scalarType('float16'),
  int64: scalarType('int64'),
  int_: scalarType('int64'),
  intp: scalarType('int64'),
  int32: scalarType('int32'),
  intc: scalarType('int32'),
  int16: scalarType('int16'),
  int8: scalarType('int8'),
  uint8: scalarType('uint8'),
  bool_: scalarType('bool'),
  shape: ((ctx, args) => torchSizeAsTuple(arr(ctx, args[0], 'shape').shape)) as NumpyHandler,
  size: ((ctx, args) => BigInt(arr(ctx, args[0], 'size').data.length)) as NumpyHandler,
  ndim: ((ctx, args) => BigInt(arr(ctx, args[0], 'ndim').shape.length)) as NumpyHandler,
  copy: ((ctx, args) => cloneTensor(arr(ctx, args[0], 'copy'))) as NumpyHandler,
  'linalg.norm': ((ctx, args, kwargs) => {
    const b = bind('norm', 'x, ord=None, axis=None, keepdims=False', args, kwargs);
    const t = arr(ctx, b.x, 'norm');
    if (b.ord !== undefined && b.ord !== null && (b.axis === undefined || b.axis === null) && t.shape.length === 2) {
      throw new NotModelled('np.linalg.norm of a matrix with ord');
    }
    const p = b.ord === undefined || b.ord === null || b.ord === 'fro' ? 2 : numberOf(b.ord as number);
    const src = isFloating(t.dtype) ? t : castTo(t, 'float64');
    return scalarize(
      reduce(ctx, src, 'norm', reductionDims(b.axis, t.shape.length, 'numpy'), b.keepdims === true, { p }),
    );
  }) as NumpyHandler,
});

/** `np.float_` and friends exist only in NumPy 1; NumPy 2 raises AttributeError. */
export function numpyRemovedAlias(ctx: OpContext, name: string): TorchError | undefined {
  const removed: Record<string, string> = {
    float_: 'np.float64',
    complex_: 'np.complex128',
    Inf: 'np.inf',
    NaN: 'np.nan',
    NINF: '-np.inf',
    PINF: 'np.inf',
  };
  const use = removed[name];
  if (!use || ctx.numpyMajor === 1) return undefined;
  return new TorchError(
    'AttributeError',
    `\`np.${name}\` was removed in the NumPy 2.0 release. Use \`${use}\` instead.`,
  );
}
NUMPY_FUNCTIONS.float_ = ((ctx, args, kwargs) => {
  const removed = numpyRemovedAlias(ctx, 'float_');
  if (removed) throw removed;
  return scalarType('float64')(ctx, args, kwargs);
}) as NumpyHandler;

function torchSizeAsTuple(shape: readonly number[]): TArg {
  return tuple(shape.map((d) => BigInt(d)));
}

function takeAlong(t: TorchTensor, idx: TorchTensor, axis: number): TorchTensor {
  const d = wrapDim(axis, t.shape.length, 'numpy');
  const shape = idx.shape;
  const out = new Float64Array(numel(shape));
  const inner = numel(shape.slice(d + 1));
  const size = shape[d]!;
  const srcSize = t.shape[d]!;
  const outer = numel(shape.slice(0, d));
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < size; s++) {
      for (let i = 0; i < inner; i++) {
        const k = (o * size + s) * inner + i;
        let j = idx.data[k]!;
        if (j < 0) j += srcSize;
        if (j < 0 || j >= srcSize)
          throw new TorchError(
            'IndexError',
            `index ${idx.data[k]} is out of bounds for axis ${d} with size ${srcSize}`,
          );
        out[k] = t.data[(o * srcSize + j) * inner + i]!;
      }
    }
  }
  return make(out, shape, t.dtype, 'numpy');
}

function isclose(ctx: OpContext, a: Operand, b: Operand, o: Record<string, TArg | undefined>): TorchTensor {
  const rtol = o.rtol === undefined ? 1e-5 : numberOf(o.rtol as number);
  const atol = o.atol === undefined ? 1e-8 : numberOf(o.atol as number);
  const eqNan = o.equal_nan === true;
  return mapOperands(
    ctx,
    [asArrayIfBothScalars(ctx, a, b), b],
    'float64',
    'bool',
    ([x, y]) => {
      if (x !== x || y !== y) return eqNan && x !== x && y !== y ? 1 : 0;
      if (x === y) return 1;
      return Math.abs(x! - y!) <= atol + rtol * Math.abs(y!) ? 1 : 0;
    },
    'numpy',
  );
}

function logical(name: string, f: (x: boolean, y: boolean) => boolean): NumpyHandler {
  return (ctx, args) => {
    const x = asArrayIfBothScalars(ctx, operand(ctx, args[0], name), operand(ctx, args[1], name));
    const y = operand(ctx, args[1], name);
    return scalarize(mapOperands(ctx, [x, y], 'float64', 'bool', ([a, b]) => (f(a !== 0, b !== 0) ? 1 : 0), 'numpy'));
  };
}

function test(name: string, f: (x: number) => boolean): NumpyHandler {
  return (ctx, args) => {
    const x = operand(ctx, args[0], name);
    const t = x instanceof TorchTensor ? x : fromData(ctx, x, undefined, 'numpy');
    return scalarize(mapOperands(ctx, [t], 'float64', 'bool', ([v]) => (f(v!) ? 1 : 0), 'numpy'));
  };
}

function roundFn(name: string): NumpyHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'a, decimals=0, out=None', args, kwargs);
    const x = operand(ctx, b.a, name);
    const t = x instanceof TorchTensor ? x : fromData(ctx, x, undefined, 'numpy');
    return scalarize(roundDecimals(ctx, t, b.decimals === undefined ? 0 : intArg(b.decimals, 'decimals')));
  };
}

/** NumPy's `round(decimals)`: multiply by 10^d, round half to even, divide (in the array's precision). */
export function roundDecimals(ctx: OpContext, t: TorchTensor, decimals: number): TorchTensor {
  if (!isFloating(t.dtype) && decimals >= 0) return cloneTensor(t);
  const f = 10 ** Math.abs(decimals);
  const r = (x: number): number => roundToFloatType(x, t.dtype === 'float64' ? 'float64' : 'float32');
  return mapOperands(
    ctx,
    [t],
    t.dtype,
    t.dtype,
    ([x]) => (decimals >= 0 ? r(roundHalfEven(r(x! * f)) / f) : r(roundHalfEven(r(x! / f)) * f)),
    'numpy',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// ndarray methods and attributes
// ---------------------------------------------------------------------------------------------------------------

function viaFunction(name: string, fn = name): NdarrayMethod {
  return (ctx, t, args, kwargs) => NUMPY_FUNCTIONS[fn]!(ctx, [t, ...args], kwargs);
}

function shapeArgs(args: TArg[]): number[] {
  return intList(args.length === 1 && isSequence(args[0]) ? args[0] : args, 'shape');
}

/** The ndarray method table. */
export const NDARRAY_METHODS: Record<string, NdarrayMethod> = Object.create(null) as Record<string, NdarrayMethod>;
for (const name of [
  'sum',
  'mean',
  'prod',
  'max',
  'min',
  'all',
  'any',
  'std',
  'var',
  'argmax',
  'argmin',
  'cumsum',
  'cumprod',
  'clip',
  'dot',
  'nonzero',
  'argsort',
  'round',
  'squeeze',
]) {
  NDARRAY_METHODS[name] = viaFunction(name);
}
Object.assign(NDARRAY_METHODS, {
  reshape: ((_ctx, t, args) => reshape(t, shapeArgs(args))) as NdarrayMethod,
  transpose: ((_ctx, t, args) => (args.length === 0 ? reverseAxes(t) : permute(t, shapeArgs(args)))) as NdarrayMethod,
  flatten: ((_ctx, t) => cloneTensor(flatten(t))) as NdarrayMethod,
  ravel: ((_ctx, t) => flatten(t)) as NdarrayMethod,
  astype: ((_ctx, t, args, kwargs) => {
    const b = bind('astype', "dtype, order='K', casting='unsafe', subok=True, copy=True", args, kwargs);
    const out = castTo(t, npDType(b.dtype)!, true);
    return out;
  }) as NdarrayMethod,
  copy: ((_ctx, t) => cloneTensor(t)) as NdarrayMethod,
  tolist: ((_ctx, t) => toList(t)) as NdarrayMethod,
  item: ((ctx, t, args) =>
    args.length
      ? scalarOf(getItem(ctx, t, args.length === 1 ? (args[0] as bigint) : { kind: 'tuple', items: args as bigint[] }))
      : scalarOf(t)) as NdarrayMethod,
  fill: ((_ctx, t, args) => {
    t.data.fill(make([numberOf(args[0] as number)], [], t.dtype).data[0]!);
    return null;
  }) as NdarrayMethod,
  sort: ((ctx, t, args, kwargs) => {
    const sorted = NUMPY_FUNCTIONS.sort!(ctx, [t, ...args], kwargs) as TorchTensor;
    t.data.set(sorted.data);
    return null;
  }) as NdarrayMethod,
  __array__: ((_ctx, t) => t) as NdarrayMethod,
});

/** An ndarray attribute (`shape` is a plain tuple, `size` an int, `T`, `dtype`, `ndim`, `itemsize`...). */
export function numpyAttribute(_ctx: OpContext, t: TorchTensor, name: string): TArg | undefined {
  switch (name) {
    case 'shape':
      return torchSizeAsTuple(t.shape);
    case 'size':
      return BigInt(t.data.length);
    case 'ndim':
      return BigInt(t.shape.length);
    case 'dtype':
      return { kind: 'dtype', dtype: t.dtype };
    case 'T':
      return reverseAxes(t);
    case 'itemsize':
      return BigInt(
        t.dtype === 'int64' || t.dtype === 'float64' ? 8 : t.dtype === 'float16' ? 2 : t.data.BYTES_PER_ELEMENT,
      );
    case 'nbytes':
      return BigInt(t.data.length * (t.dtype === 'int64' || t.dtype === 'float64' ? 8 : t.data.BYTES_PER_ELEMENT));
    case 'real':
      return t;
    default:
      return undefined;
  }
}

/** Module-level constants: `np.pi`, `np.e`, `np.inf`, `np.nan`, `np.newaxis`, `torch.pi`, `torch.inf`... */
export function moduleConstant(path: string): TArg | undefined {
  const constants: Record<string, TArg> = {
    'numpy.pi': Math.PI,
    'numpy.e': Math.E,
    'numpy.inf': Infinity,
    'numpy.nan': NaN,
    'numpy.newaxis': null,
    'numpy.euler_gamma': 0.5772156649015329,
    'torch.pi': Math.PI,
    'torch.e': Math.E,
    'torch.inf': Infinity,
    'torch.nan': NaN,
  };
  return Object.prototype.hasOwnProperty.call(constants, path) ? constants[path] : undefined;
}

/** Re-export for the api: `torch.Size`-style tuple of a shape. */
export { torchSize, pyTypeName, numpyPromoteTypes };
