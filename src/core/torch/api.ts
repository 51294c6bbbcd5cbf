/**
 * The entry points the interpreter calls: `torch.*`, `torch.nn.functional.*` and `numpy.*` functions, tensor and
 * ndarray methods and attributes, Python operators, subscripts, and the conversions Python's builtins need
 * (`bool(t)`, `len(t)`, iteration, `float(t)`). Anything not modelled raises {@link NotModelled}, never a guess.
 */
import {
  CAST_METHODS,
  castValue,
  LEGACY_TENSOR_TYPES,
  NUMPY_DTYPES,
  promoteTypes,
  TORCH_DTYPES,
} from '../reader/dtype';
import { isFloating, isIntegral, scalarTypeName, type DType } from '../tensor';
import {
  bind,
  isPyNumber,
  isSequence,
  isTensor,
  itemsOf,
  numberOf,
  pyTypeName,
  torchSize,
  tuple,
  type IndexArg,
  type TArg,
} from './args';
import { arange, eye, fillDType, filled, fromData, linspace, scalarOf, sizeArg, toList } from './create';
import { intArg, intList, reductionDims, wrapDim } from './dims';
import {
  binary,
  clamp,
  FLOAT_FUNCTIONS,
  mapOperands,
  mathFunction,
  resultType,
  roundHalfEven,
  SAME_DTYPE_FUNCTIONS,
  unary,
  where,
  type BinaryOperator,
  type OpContext,
} from './elementwise';
import { dtypeRefusal } from './dtype-refusal';
import { NotModelled, runtimeError, TorchError, typeError, valueError } from './errors';
import { getItem, setItem } from './indexing';
import { bmm, dot, einsum, matmul, mm, outer } from './linalg';
import { FUNCTIONAL } from './functional';
import { NUMPY_FUNCTIONS, NDARRAY_METHODS, numpyAttribute } from './numpy';
import type { Operand } from './promote';
import { argExtreme, maxMinDim, reduce, scan, softmax, type ReductionKind } from './reduce';
import {
  argsort,
  gather,
  indexSelect,
  maskedFillInto,
  maskedSelect,
  nonzero,
  oneHot,
  scatterInto,
  sort,
  topk,
} from './select';
import {
  cat,
  chunk,
  expand,
  flatten,
  flip,
  narrow,
  permute,
  repeat,
  reshape,
  reverseAxes,
  split,
  squeeze,
  stack,
  transpose,
  triangle,
  unbind,
  unsqueeze,
} from './shape';
import { castTo, cloneTensor, TorchTensor, viewAs } from './tensor';

/** What the interpreter tells the library about the run. */
export interface TorchContext {
  /** Largest number of elements one tensor may hold; a larger result raises BudgetExceeded. */
  maxElements: number;
  /** NumPy's major version: 2 (NEP 50) pairs with torch 2.x, 1 with torch 1.13. */
  numpyMajor: 1 | 2;
  /** The PyTorch version whose behaviour (error texts) is modelled. */
  torchVersion: '2.x' | '1.13';
}

/** A function or method implementation: positional and keyword arguments in, a Python value out. */
export type Handler = (ctx: TorchContext, args: TArg[], kwargs: Map<string, TArg>) => TArg;

// ---------------------------------------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------------------------------------

/** The tensor argument `name` (a TypeError naming PyTorch's expectation otherwise). */
export function tensorArg(fn: string, a: TArg | undefined, name = 'input', position = 1): TorchTensor {
  if (a instanceof TorchTensor) return a;
  throw typeError(`${fn}(): argument '${name}' (position ${position}) must be Tensor, not ${pyTypeName(a)}`);
}

/** A tensor or Python number operand. */
export function operandArg(fn: string, a: TArg | undefined, name = 'other'): Operand {
  if (a instanceof TorchTensor || isPyNumber(a)) return a;
  throw typeError(`${fn}(): argument '${name}' must be Tensor or Number, not ${pyTypeName(a)}`);
}

/** A dtype argument (`torch.float32`, `np.float32`, Python's `float`/`int`/`bool` resolved by the interpreter). */
export function dtypeArg(a: TArg | undefined): DType | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof a === 'object' && !Array.isArray(a) && !(a instanceof TorchTensor) && a.kind === 'dtype') return a.dtype;
  if (typeof a === 'string') {
    const known: Record<string, DType> = {
      float32: 'float32',
      float64: 'float64',
      float: 'float64',
      int64: 'int64',
      int32: 'int32',
      int: 'int64',
      bool: 'bool',
      uint8: 'uint8',
      int8: 'int8',
      int16: 'int16',
      float16: 'float16',
      f4: 'float32',
      f8: 'float64',
      i8: 'int64',
      i4: 'int32',
    };
    const d = known[a];
    if (d) return d;
    throw new NotModelled(`dtype '${a}'`);
  }
  throw typeError(`argument 'dtype' must be torch.dtype, not ${pyTypeName(a)}`);
}

function boolArg(a: TArg | undefined, dflt: boolean): boolean {
  if (a === undefined) return dflt;
  if (typeof a === 'boolean') return a;
  if (typeof a === 'bigint') return a !== 0n;
  if (a === null) return false;
  if (typeof a === 'number') return a !== 0;
  throw typeError(`expected a bool, got ${pyTypeName(a)}`);
}

function numArg(a: TArg | undefined, dflt: number): number {
  if (a === undefined || a === null) return dflt;
  if (isPyNumber(a)) return numberOf(a);
  if (a instanceof TorchTensor && a.data.length === 1) return a.data[0]!;
  throw typeError(`expected a number, got ${pyTypeName(a)}`);
}

function optionalDim(a: TArg | undefined): number | null {
  return a === undefined || a === null ? null : intArg(a, 'dim');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Writes `result` into `target` in place (an in-place method), with PyTorch's cast check. */
export function writeInPlace(target: TorchTensor, result: TorchTensor, name: string): TorchTensor {
  if (!sameShape(result.shape, target.shape)) {
    throw runtimeError(
      `output with shape [${target.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`,
    );
  }
  if (result.dtype !== target.dtype) {
    const ok =
      promoteTypes(result.dtype, target.dtype) === target.dtype ||
      (isFloating(target.dtype) && isFloating(result.dtype));
    if (!ok) {
      throw runtimeError(
        `result type ${scalarTypeName(result.dtype)} can't be cast to the desired output type ${scalarTypeName(target.dtype)}`,
      );
    }
  }
  for (let i = 0; i < target.data.length; i++) target.data[i] = castValue(result.data[i]!, result.dtype, target.dtype);
  void name;
  return target;
}

// ---------------------------------------------------------------------------------------------------------------
// torch.* functions (also reached as methods, with the tensor as the first argument)
// ---------------------------------------------------------------------------------------------------------------

function unaryMath(name: string): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input', args, kwargs);
    return mathFunction(ctx, name, tensorArg(name, b.input));
  };
}

function binaryFn(name: string, op: BinaryOperator): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, other, *, alpha=1, rounding_mode=None', args, kwargs);
    const input = operandArg(name, b.input, 'input');
    let other = operandArg(name, b.other);
    if (!(input instanceof TorchTensor) && !(other instanceof TorchTensor)) tensorArg(name, b.input);
    if (b.alpha !== undefined && (op === '+' || op === '-')) {
      other = binary(
        ctx,
        '*',
        other instanceof TorchTensor ? other : scalarTensorLike(other, input),
        b.alpha as number,
      );
    }
    if (op === '/' && b.rounding_mode !== undefined && b.rounding_mode !== null) {
      const mode = b.rounding_mode;
      if (mode === 'floor') return binary(ctx, '//', input, other);
      if (mode === 'trunc') {
        const q = binary(ctx, '/', input, other);
        const dtype = resultType(ctx, [input, other]);
        const t = mathFunction(ctx, 'trunc', q);
        return isFloating(dtype) ? t : castTo(t, dtype);
      }
      throw runtimeError(
        `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`,
      );
    }
    return binary(ctx, op, input, other);
  };
}

function scalarTensorLike(v: number | bigint | boolean, like: Operand): TorchTensor {
  const dtype: DType = typeof v === 'number' ? 'float64' : typeof v === 'bigint' ? 'int64' : 'bool';
  const t = filled({ maxElements: 1 }, [], numberOf(v), dtype, like instanceof TorchTensor ? like.flavor : 'torch');
  return t;
}

function reduction(kind: ReductionKind, spec = 'input, dim=None, keepdim=False, *, dtype=None'): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(kind, spec, args, kwargs);
    const t = tensorArg(kind, b.input);
    const dims = reductionDims(b.dim ?? b.axis, t.shape.length);
    const opts: { dtype?: DType } = {};
    const dt = dtypeArg(b.dtype);
    if (dt) opts.dtype = dt;
    return reduce(ctx, t, kind, dims, boolArg(b.keepdim, false), opts);
  };
}

function maxMin(which: 'max' | 'min'): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(which, 'input, dim=None, keepdim=False', args, kwargs);
    const t = tensorArg(which, b.input);
    if (b.dim instanceof TorchTensor) return binaryExtreme(ctx, which === 'max' ? 'maximum' : 'minimum', t, b.dim);
    if (b.dim === undefined || b.dim === null) {
      if (b.keepdim !== undefined)
        throw typeError(`${which}() received an invalid combination of arguments - got (Tensor, keepdim=bool)`);
      return reduce(ctx, t, which === 'max' ? 'amax' : 'amin', null, false);
    }
    return maxMinDim(ctx, t, intArg(b.dim, 'dim'), boolArg(b.keepdim, false), which);
  };
}

/** `maximum`/`minimum` (NaN propagates). */
function binaryExtreme(
  ctx: TorchContext,
  name: 'maximum' | 'minimum' | 'fmax' | 'fmin',
  a: Operand,
  b: Operand,
): TorchTensor {
  const flavor = a instanceof TorchTensor ? a.flavor : b instanceof TorchTensor ? b.flavor : 'torch';
  if (flavor === 'torch' && (!(a instanceof TorchTensor) || !(b instanceof TorchTensor))) {
    throw typeError(`${name}(): argument 'other' (position 2) must be Tensor, not ${pyTypeName(b as TArg)}`);
  }
  const dtype = resultType(ctx, [a, b]);
  const max = name === 'maximum' || name === 'fmax';
  const nanSkip = name === 'fmax' || name === 'fmin';
  return mapOperands(ctx, [a, b], dtype, dtype, ([x, y]) => {
    if (x !== x) return nanSkip ? y! : x!;
    if (y !== y) return nanSkip ? x! : y!;
    return max ? Math.max(x!, y!) : Math.min(x!, y!);
  });
}

function argExt(which: 'max' | 'min'): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(`arg${which}`, 'input, dim=None, keepdim=False', args, kwargs);
    return argExtreme(ctx, tensorArg(`arg${which}`, b.input), optionalDim(b.dim), boolArg(b.keepdim, false), which);
  };
}

function varStd(kind: 'var' | 'std'): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(kind, 'input, dim=None, unbiased=None, keepdim=False, *, correction=None', args, kwargs);
    const t = tensorArg(kind, b.input);
    let dimArg = b.dim;
    let unbiased = b.unbiased;
    // std(input, unbiased) — a bool in the dim position.
    if (typeof dimArg === 'boolean') {
      unbiased = dimArg;
      dimArg = undefined;
    }
    const correction =
      b.correction !== undefined && b.correction !== null ? numArg(b.correction, 1) : boolArg(unbiased, true) ? 1 : 0;
    return reduce(ctx, t, kind, reductionDims(dimArg, t.shape.length), boolArg(b.keepdim, false), { correction });
  };
}

function softmaxFn(log: boolean): Handler {
  const name = log ? 'log_softmax' : 'softmax';
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, dim=None, _stacklevel=3, dtype=None', args, kwargs);
    const t = tensorArg(name, b.input);
    const dim = b.dim === undefined || b.dim === null ? implicitDim(t.shape.length) : intArg(b.dim, 'dim');
    return softmax(ctx, t, dim, log, dtypeArg(b.dtype));
  };
}

/** PyTorch's `_get_softmax_dim` for a call without `dim` (deprecated, warns). */
function implicitDim(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

function catFn(name: string): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'tensors, dim=0, *, axis=None', args, kwargs);
    if (!isSequence(b.tensors))
      throw typeError(
        `${name}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${pyTypeName(b.tensors)}`,
      );
    const ts = itemsOf(b.tensors).map((x, i) => tensorArg(name, x, `tensors[${i}]`));
    const dim = intArg(b.axis ?? b.dim ?? 0n, 'dim');
    return name === 'stack' ? stack(ctx, ts, dim) : cat(ctx, ts, dim);
  };
}

function sizeFactory(value: number | null): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(
      'zeros',
      '*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False',
      args,
      kwargs,
    );
    const shape = sizeArg(b.size as TArg, 'zeros');
    return filled(ctx, shape, value ?? 0, dtypeArg(b.dtype) ?? 'float32', 'torch');
  };
}

function likeFactory(value: number | null): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(
      'zeros_like',
      'input, fill_value=None, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None',
      args,
      kwargs,
    );
    const t = tensorArg('zeros_like', b.input);
    const v = value ?? numArg(b.fill_value, 0);
    return filled(ctx, t.shape, v, dtypeArg(b.dtype) ?? t.dtype, t.flavor);
  };
}

const TORCH: Record<string, Handler> = Object.create(null) as Record<string, Handler>;

for (const name of [...Object.keys(FLOAT_FUNCTIONS), ...Object.keys(SAME_DTYPE_FUNCTIONS)]) {
  if (['arcsin', 'arccos', 'arctan', 'fix', 'rint'].includes(name)) continue;
  TORCH[name] = unaryMath(name);
}
Object.assign(TORCH, {
  add: binaryFn('add', '+'),
  sub: binaryFn('sub', '-'),
  subtract: binaryFn('subtract', '-'),
  mul: binaryFn('mul', '*'),
  multiply: binaryFn('multiply', '*'),
  div: binaryFn('div', '/'),
  divide: binaryFn('divide', '/'),
  true_divide: binaryFn('true_divide', '/'),
  floor_divide: binaryFn('floor_divide', '//'),
  remainder: binaryFn('remainder', '%'),
  pow: binaryFn('pow', '**'),
  eq: binaryFn('eq', '=='),
  ne: binaryFn('ne', '!='),
  lt: binaryFn('lt', '<'),
  le: binaryFn('le', '<='),
  gt: binaryFn('gt', '>'),
  ge: binaryFn('ge', '>='),
  greater: binaryFn('greater', '>'),
  less: binaryFn('less', '<'),
  bitwise_and: binaryFn('bitwise_and', '&'),
  bitwise_or: binaryFn('bitwise_or', '|'),
  bitwise_xor: binaryFn('bitwise_xor', '^'),
  fmod: ((ctx, args, kwargs) => {
    const b = bind('fmod', 'input, other', args, kwargs);
    const a = tensorArg('fmod', b.input);
    const o = operandArg('fmod', b.other);
    const dtype = resultType(ctx, [a, o]);
    return mapOperands(ctx, [a, o], dtype, dtype, ([x, y]) => {
      if (!isFloating(dtype) && y === 0) throw runtimeError('ZeroDivisionError');
      return x! % y!;
    });
  }) as Handler,
  maximum: ((ctx, args, kwargs) => {
    const b = bind('maximum', 'input, other', args, kwargs);
    return binaryExtreme(ctx, 'maximum', tensorArg('maximum', b.input), operandArg('maximum', b.other));
  }) as Handler,
  minimum: ((ctx, args, kwargs) => {
    const b = bind('minimum', 'input, other', args, kwargs);
    return binaryExtreme(ctx, 'minimum', tensorArg('minimum', b.input), operandArg('minimum', b.other));
  }) as Handler,
  logical_not: ((ctx, args, kwargs) => {
    const t = tensorArg('logical_not', bind('logical_not', 'input', args, kwargs).input);
    return mapOperands(ctx, [t], t.dtype, 'bool', ([x]) => (x ? 0 : 1));
  }) as Handler,
  isnan: boolTest('isnan', (x) => x !== x),
  isinf: boolTest('isinf', (x) => x === Infinity || x === -Infinity),
  isfinite: boolTest('isfinite', (x) => Number.isFinite(x)),
  signbit: boolTest('signbit', (x) => x < 0 || Object.is(x, -0)),
  where: ((ctx, args, kwargs) => {
    const b = bind('where', 'condition, input=None, other=None', args, kwargs);
    const c = tensorArg('where', b.condition, 'condition');
    if (b.input === undefined && b.other === undefined) return nonzero(c, true);
    return where(ctx, c, operandArg('where', b.input, 'input'), operandArg('where', b.other));
  }) as Handler,
  clamp: clampFn('clamp'),
  clip: clampFn('clip'),
  clamp_min: ((ctx, args, kwargs) => {
    const b = bind('clamp_min', 'input, min', args, kwargs);
    return clamp(ctx, tensorArg('clamp_min', b.input), operandArg('clamp_min', b.min, 'min'), null);
  }) as Handler,
  clamp_max: ((ctx, args, kwargs) => {
    const b = bind('clamp_max', 'input, max', args, kwargs);
    return clamp(ctx, tensorArg('clamp_max', b.input), null, operandArg('clamp_max', b.max, 'max'));
  }) as Handler,
  sum: reduction('sum'),
  nansum: reduction('nansum'),
  mean: reduction('mean'),
  prod: reduction('prod'),
  amax: reduction('amax', 'input, dim=None, keepdim=False'),
  amin: reduction('amin', 'input, dim=None, keepdim=False'),
  all: reduction('all', 'input, dim=None, keepdim=False'),
  any: reduction('any', 'input, dim=None, keepdim=False'),
  count_nonzero: reduction('count_nonzero', 'input, dim=None'),
  logsumexp: ((ctx, args, kwargs) => {
    const b = bind('logsumexp', 'input, dim, keepdim=False', args, kwargs);
    const t = tensorArg('logsumexp', b.input);
    return reduce(ctx, t, 'logsumexp', reductionDims(b.dim, t.shape.length) ?? [], boolArg(b.keepdim, false));
  }) as Handler,
  max: maxMin('max'),
  min: maxMin('min'),
  argmax: argExt('max'),
  argmin: argExt('min'),
  var: varStd('var'),
  std: varStd('std'),
  norm: ((ctx, args, kwargs) => {
    const b = bind('norm', "input, p='fro', dim=None, keepdim=False, dtype=None", args, kwargs);
    const t = tensorArg('norm', b.input);
    const p = b.p === undefined || b.p === 'fro' ? 2 : b.p === 'nuc' ? NaN : numArg(b.p, 2);
    if (Number.isNaN(p)) throw new NotModelled("torch.norm(p='nuc')");
    return reduce(ctx, t, 'norm', reductionDims(b.dim, t.shape.length), boolArg(b.keepdim, false), { p });
  }) as Handler,
  cumsum: scanFn('cumsum'),
  cumprod: scanFn('cumprod'),
  softmax: softmaxFn(false),
  log_softmax: softmaxFn(true),
  sigmoid: unaryMath('sigmoid'),
  reshape: ((ctx, args, kwargs) => {
    const b = bind('reshape', 'input, *shape', args, kwargs);
    return reshapeTo(ctx, tensorArg('reshape', b.input), b.shape);
  }) as Handler,
  flatten: ((_ctx, args, kwargs) => {
    const b = bind('flatten', 'input, start_dim=0, end_dim=-1', args, kwargs);
    return flatten(
      tensorArg('flatten', b.input),
      intArg(b.start_dim ?? 0n, 'start_dim'),
      intArg(b.end_dim ?? -1n, 'end_dim'),
    );
  }) as Handler,
  squeeze: ((_ctx, args, kwargs) => {
    const b = bind('squeeze', 'input, dim=None', args, kwargs);
    const t = tensorArg('squeeze', b.input);
    return squeeze(t, b.dim === undefined || b.dim === null ? undefined : intList(b.dim, 'dim'));
  }) as Handler,
  unsqueeze: ((_ctx, args, kwargs) => {
    const b = bind('unsqueeze', 'input, dim', args, kwargs);
    return unsqueeze(tensorArg('unsqueeze', b.input), intArg(b.dim, 'dim'));
  }) as Handler,
  permute: ((_ctx, args, kwargs) => {
    const b = bind('permute', 'input, *dims', args, kwargs);
    return permute(tensorArg('permute', b.input), intList(b.dims ?? [], 'dims'));
  }) as Handler,
  transpose: transposeFn('transpose'),
  swapaxes: transposeFn('swapaxes'),
  swapdims: transposeFn('swapdims'),
  t: ((_ctx, args, kwargs) => reverseAxes(tensorArg('t', bind('t', 'input', args, kwargs).input), true)) as Handler,
  cat: catFn('cat'),
  concat: catFn('concat'),
  concatenate: catFn('concatenate'),
  stack: catFn('stack'),
  split: ((_ctx, args, kwargs) => {
    const b = bind('split', 'tensor, split_size_or_sections, dim=0', args, kwargs);
    const t = tensorArg('split', b.tensor, 'tensor');
    const s = b.split_size_or_sections;
    return tuple(
      split(t, isSequence(s) ? intList(s, 'split_size') : intArg(s, 'split_size'), intArg(b.dim ?? 0n, 'dim')),
    );
  }) as Handler,
  chunk: ((_ctx, args, kwargs) => {
    const b = bind('chunk', 'input, chunks, dim=0', args, kwargs);
    return tuple(chunk(tensorArg('chunk', b.input), intArg(b.chunks, 'chunks'), intArg(b.dim ?? 0n, 'dim')));
  }) as Handler,
  unbind: ((_ctx, args, kwargs) => {
    const b = bind('unbind', 'input, dim=0', args, kwargs);
    return tuple(unbind(tensorArg('unbind', b.input), intArg(b.dim ?? 0n, 'dim')));
  }) as Handler,
  narrow: ((_ctx, args, kwargs) => {
    const b = bind('narrow', 'input, dim, start, length', args, kwargs);
    return narrow(
      tensorArg('narrow', b.input),
      intArg(b.dim, 'dim'),
      intArg(b.start, 'start'),
      intArg(b.length, 'length'),
    );
  }) as Handler,
  flip: ((_ctx, args, kwargs) => {
    const b = bind('flip', 'input, *dims', args, kwargs);
    return flip(tensorArg('flip', b.input), intList(b.dims ?? [], 'dims'));
  }) as Handler,
  tril: triFn(false),
  triu: triFn(true),
  matmul: pairFn('matmul', matmul),
  mm: pairFn('mm', mm),
  bmm: pairFn('bmm', bmm),
  dot: pairFn('dot', dot),
  inner: pairFn('inner', dot),
  outer: pairFn('outer', outer),
  ger: pairFn('ger', outer),
  einsum: ((ctx, args) => {
    if (typeof args[0] !== 'string') throw typeError("einsum(): argument 'equation' must be str");
    const rest = args.slice(1);
    const ops = rest.length === 1 && isSequence(rest[0]) ? itemsOf(rest[0]) : rest;
    return einsum(
      ctx,
      args[0],
      ops.map((o, i) => tensorArg('einsum', o, `operands[${i}]`)),
    );
  }) as Handler,
  gather: ((ctx, args, kwargs) => {
    const b = bind('gather', 'input, dim, index, *, sparse_grad=False', args, kwargs);
    return gather(ctx, tensorArg('gather', b.input), intArg(b.dim, 'dim'), tensorArg('gather', b.index, 'index', 3));
  }) as Handler,
  scatter: scatterFn('scatter', 'set', false),
  scatter_add: scatterFn('scatter_add', 'add', false),
  index_select: ((ctx, args, kwargs) => {
    const b = bind('index_select', 'input, dim, index', args, kwargs);
    return indexSelect(
      ctx,
      tensorArg('index_select', b.input),
      intArg(b.dim, 'dim'),
      tensorArg('index_select', b.index, 'index', 3),
    );
  }) as Handler,
  masked_fill: ((_ctx, args, kwargs) => {
    const b = bind('masked_fill', 'input, mask, value', args, kwargs);
    const out = cloneTensor(tensorArg('masked_fill', b.input));
    maskedFillInto(out, tensorArg('masked_fill', b.mask, 'mask', 2), fillValue(b.value), _ctx);
    return out;
  }) as Handler,
  masked_select: ((ctx, args, kwargs) => {
    const b = bind('masked_select', 'input, mask', args, kwargs);
    return maskedSelect(ctx, tensorArg('masked_select', b.input), tensorArg('masked_select', b.mask, 'mask', 2));
  }) as Handler,
  nonzero: ((_ctx, args, kwargs) => {
    const b = bind('nonzero', 'input, *, as_tuple=False', args, kwargs);
    return nonzero(tensorArg('nonzero', b.input), boolArg(b.as_tuple, false));
  }) as Handler,
  argwhere: ((_ctx, args, kwargs) =>
    nonzero(tensorArg('argwhere', bind('argwhere', 'input', args, kwargs).input), false)) as Handler,
  topk: ((ctx, args, kwargs) => {
    const b = bind('topk', 'input, k, dim=-1, largest=True, sorted=True', args, kwargs);
    return topk(
      ctx,
      tensorArg('topk', b.input),
      intArg(b.k, 'k'),
      intArg(b.dim ?? -1n, 'dim'),
      boolArg(b.largest, true),
    );
  }) as Handler,
  sort: ((ctx, args, kwargs) => {
    const b = bind('sort', 'input, dim=-1, descending=False, stable=False', args, kwargs);
    return sort(ctx, tensorArg('sort', b.input), intArg(b.dim ?? -1n, 'dim'), boolArg(b.descending, false));
  }) as Handler,
  argsort: ((ctx, args, kwargs) => {
    const b = bind('argsort', 'input, dim=-1, descending=False, stable=False', args, kwargs);
    return argsort(ctx, tensorArg('argsort', b.input), intArg(b.dim ?? -1n, 'dim'), boolArg(b.descending, false));
  }) as Handler,
  tensor: ((ctx, args, kwargs) => {
    const b = bind('tensor', 'data, *, dtype=None, device=None, requires_grad=False, pin_memory=False', args, kwargs);
    return fromData(ctx, b.data ?? null, dtypeArg(b.dtype), 'torch');
  }) as Handler,
  as_tensor: ((ctx, args, kwargs) => {
    const b = bind('as_tensor', 'data, dtype=None, device=None', args, kwargs);
    const dt = dtypeArg(b.dtype);
    if (b.data instanceof TorchTensor) {
      const t = b.data;
      // Shares memory with a same-dtype ndarray or tensor, as as_tensor does.
      if (!dt || dt === t.dtype) return t.flavor === 'torch' ? t : new TorchTensor(t.dtype, t.shape, t.data, 'torch');
      return castTo(new TorchTensor(t.dtype, t.shape, t.data, 'torch'), dt);
    }
    return fromData(ctx, b.data ?? null, dt, 'torch');
  }) as Handler,
  from_numpy: ((_ctx, args, kwargs) => {
    const a = bind('from_numpy', 'ndarray', args, kwargs).ndarray;
    if (!(a instanceof TorchTensor) || a.flavor !== 'numpy')
      throw typeError(`expected np.ndarray (got ${pyTypeName(a)})`);
    return new TorchTensor(a.dtype, a.shape, a.data, 'torch');
  }) as Handler,
  arange: ((ctx, args, kwargs) => {
    const b = bind(
      'arange',
      'start, end=None, step=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False',
      args,
      kwargs,
    );
    const bounds = [b.start, b.end, b.step].filter((x) => x !== undefined && x !== null).map((x) => scalarBound(x));
    return arange(ctx, bounds, dtypeArg(b.dtype), 'torch');
  }) as Handler,
  linspace: ((ctx, args, kwargs) => {
    const b = bind(
      'linspace',
      'start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False',
      args,
      kwargs,
    );
    return linspace(ctx, numArg(b.start, 0), numArg(b.end, 0), intArg(b.steps, 'steps'), dtypeArg(b.dtype), 'torch');
  }) as Handler,
  zeros: sizeFactory(0),
  ones: sizeFactory(1),
  empty: sizeFactory(0),
  full: ((ctx, args, kwargs) => {
    const b = bind(
      'full',
      'size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False',
      args,
      kwargs,
    );
    const v = b.fill_value!;
    return filled(ctx, sizeArg(b.size, 'full'), numArg(v, 0), dtypeArg(b.dtype) ?? fillDType(v, 'torch'), 'torch');
  }) as Handler,
  eye: ((ctx, args, kwargs) => {
    const b = bind(
      'eye',
      'n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False',
      args,
      kwargs,
    );
    const n = intArg(b.n, 'n');
    return eye(
      ctx,
      n,
      b.m === undefined || b.m === null ? n : intArg(b.m, 'm'),
      0,
      dtypeArg(b.dtype) ?? 'float32',
      'torch',
    );
  }) as Handler,
  zeros_like: likeFactory(0),
  ones_like: likeFactory(1),
  empty_like: likeFactory(0),
  full_like: likeFactory(null),
  clone: ((_ctx, args, kwargs) =>
    cloneTensor(tensorArg('clone', bind('clone', 'input, *, memory_format=None', args, kwargs).input))) as Handler,
  numel: ((_ctx, args) => BigInt(tensorArg('numel', args[0]).data.length)) as Handler,
  is_tensor: ((_ctx, args) => args[0] instanceof TorchTensor && args[0].flavor === 'torch') as Handler,
  is_floating_point: ((_ctx, args) => isFloating(tensorArg('is_floating_point', args[0]).dtype)) as Handler,
  equal: ((_ctx, args) => {
    const a = tensorArg('equal', args[0]);
    const b = tensorArg('equal', args[1], 'other', 2);
    return sameShape(a.shape, b.shape) && a.data.every((v, i) => v === b.data[i]);
  }) as Handler,
  allclose: closeFn(true),
  isclose: closeFn(false),
  diag: ((ctx, args, kwargs) => {
    const b = bind('diag', 'input, diagonal=0', args, kwargs);
    const t = tensorArg('diag', b.input);
    const k = intArg(b.diagonal ?? 0n, 'diagonal');
    if (t.shape.length === 1) {
      const n = t.shape[0]! + Math.abs(k);
      const out = filled(ctx, [n, n], 0, t.dtype, t.flavor);
      for (let i = 0; i < t.shape[0]!; i++) out.data[(k >= 0 ? i : i - k) * n + (k >= 0 ? i + k : i)] = t.data[i]!;
      return out;
    }
    if (t.shape.length !== 2) throw runtimeError('diag(): Supports 1D or 2D tensors. Got ' + t.shape.length + 'D');
    const [r, c] = t.shape as [number, number];
    const vals: number[] = [];
    for (let i = 0; i < r; i++) {
      const j = i + k;
      if (j >= 0 && j < c) vals.push(t.data[i * c + j]!);
    }
    const out = filled(ctx, [vals.length], 0, t.dtype, t.flavor);
    out.data.set(vals);
    return out;
  }) as Handler,
  trace: ((ctx, args) => {
    const t = tensorArg('trace', args[0]);
    if (t.shape.length !== 2) throw runtimeError('trace: expected a matrix, but got tensor with dim ' + t.shape.length);
    let s = 0;
    for (let i = 0; i < Math.min(t.shape[0]!, t.shape[1]!); i++) s += t.data[i * t.shape[1]! + i]!;
    return filled(ctx, [], s, isFloating(t.dtype) ? t.dtype : 'int64', 'torch');
  }) as Handler,
  result_type: ((ctx, args) => ({
    kind: 'dtype',
    dtype: resultType(
      ctx,
      args.map((a) => operandArg('result_type', a)),
    ),
  })) as Handler,
  promote_types: ((_ctx, args) => ({
    kind: 'dtype',
    dtype: promoteTypes(dtypeArg(args[0])!, dtypeArg(args[1])!),
  })) as Handler,
});
for (const [name, dtype] of Object.entries(LEGACY_TENSOR_TYPES)) {
  // torch.FloatTensor([..]) builds from data; torch.FloatTensor(2, 3) is uninitialised memory, which has no value.
  TORCH[name] = ((ctx, args) => {
    if (args.length === 1 && (isSequence(args[0]) || args[0] instanceof TorchTensor)) {
      return fromData(ctx, args[0], dtype, 'torch');
    }
    if (args.length === 0) return filled(ctx, [0], 0, dtype, 'torch');
    throw new NotModelled(`torch.${name}(*sizes) (uninitialised memory)`);
  }) as Handler;
}
for (const [name, f] of [
  ['logical_and', (x: boolean, y: boolean) => x && y],
  ['logical_or', (x: boolean, y: boolean) => x || y],
  ['logical_xor', (x: boolean, y: boolean) => x !== y],
] as const) {
  TORCH[name] = ((ctx, args, kwargs) => {
    const b = bind(name, 'input, other', args, kwargs);
    const x = tensorArg(name, b.input);
    const y = operandArg(name, b.other);
    return mapOperands(ctx, [x, y], 'float64', 'bool', ([p, q]) => (f(p !== 0, q !== 0) ? 1 : 0));
  }) as Handler;
}
TORCH.round = ((ctx, args, kwargs) => {
  const b = bind('round', 'input, *, decimals=0', args, kwargs);
  const t = tensorArg('round', b.input);
  const decimals = b.decimals === undefined ? 0 : intArg(b.decimals, 'decimals');
  if (decimals === 0 || !isFloating(t.dtype)) return mathFunction(ctx, 'round', t);
  // x * 10^d rounded half to even, then divided, each step in the tensor's dtype (negative d: / then *).
  const r = t.dtype === 'float64' ? (v: number) => v : Math.fround;
  const scale = r(10 ** Math.abs(decimals));
  return mapOperands(ctx, [t], t.dtype, t.dtype, ([x]) =>
    decimals > 0 ? r(roundHalfEven(r(x! * scale)) / scale) : r(roundHalfEven(r(x! / scale)) * scale),
  );
}) as Handler;
TORCH.expand_as = ((ctx, args) => {
  const t = tensorArg('expand_as', args[0]);
  return expand(ctx, t, tensorArg('expand_as', args[1], 'other', 2).shape);
}) as Handler;
TORCH.one_hot = ((ctx, args, kwargs) => {
  const b = bind('one_hot', 'tensor, num_classes=-1', args, kwargs);
  return oneHot(ctx, tensorArg('one_hot', b.tensor, 'tensor'), intArg(b.num_classes ?? -1n, 'num_classes'));
}) as Handler;

function boolTest(name: string, f: (x: number) => boolean): Handler {
  return (ctx, args, kwargs) => {
    const t = tensorArg(name, bind(name, 'input', args, kwargs).input);
    return mapOperands(ctx, [t], t.dtype, 'bool', ([x]) => (f(x!) ? 1 : 0), t.flavor);
  };
}

function closeFn(all: boolean): Handler {
  const name = all ? 'allclose' : 'isclose';
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, other, rtol=1e-05, atol=1e-08, equal_nan=False', args, kwargs);
    const a = tensorArg(name, b.input);
    const o = tensorArg(name, b.other, 'other', 2);
    const rtol = numArg(b.rtol, 1e-5);
    const atol = numArg(b.atol, 1e-8);
    const eqNan = boolArg(b.equal_nan, false);
    if (a.flavor === 'torch' && a.dtype !== o.dtype) {
      throw runtimeError(
        `${all ? 'Float' : ''}${all ? '' : ''}${scalarTypeName(a.dtype)} did not match ${scalarTypeName(o.dtype)}`,
      );
    }
    const r = mapOperands(
      ctx,
      [a, o],
      'float64',
      'bool',
      ([x, y]) => {
        if (x !== x || y !== y) return eqNan && x !== x && y !== y ? 1 : 0;
        if (x === y) return 1;
        return Math.abs(x! - y!) <= atol + rtol * Math.abs(y!) ? 1 : 0;
      },
      a.flavor,
    );
    return all ? r.data.every((v) => v !== 0) : r;
  };
}

function scalarBound(x: TArg): number | bigint {
  if (typeof x === 'bigint' || typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1n : 0n;
  if (x instanceof TorchTensor && x.data.length === 1) return isFloating(x.dtype) ? x.data[0]! : BigInt(x.data[0]!);
  throw typeError(`arange(): argument 'end' must be Number, not ${pyTypeName(x)}`);
}

function fillValue(v: TArg | undefined): number | TorchTensor {
  if (v instanceof TorchTensor) return v;
  if (isPyNumber(v)) return numberOf(v);
  throw typeError(`masked_fill() received an invalid combination of arguments - got value of type ${pyTypeName(v)}`);
}

function clampFn(name: string): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, min=None, max=None', args, kwargs);
    const t = tensorArg(name, b.input);
    const bound = (x: TArg | undefined): Operand | null =>
      x === undefined || x === null ? null : operandArg(name, x, 'min');
    return clamp(ctx, t, bound(b.min), bound(b.max));
  };
}

function scanFn(which: 'cumsum' | 'cumprod'): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(which, 'input, dim, *, dtype=None', args, kwargs);
    return scan(ctx, tensorArg(which, b.input), intArg(b.dim, 'dim'), which, dtypeArg(b.dtype));
  };
}

function transposeFn(name: string): Handler {
  return (_ctx, args, kwargs) => {
    const b = bind(name, 'input, dim0, dim1', args, kwargs);
    return transpose(tensorArg(name, b.input), intArg(b.dim0, 'dim0'), intArg(b.dim1, 'dim1'));
  };
}

function triFn(upper: boolean): Handler {
  const name = upper ? 'triu' : 'tril';
  return (_ctx, args, kwargs) => {
    const b = bind(name, 'input, diagonal=0', args, kwargs);
    return triangle(tensorArg(name, b.input), intArg(b.diagonal ?? 0n, 'diagonal'), upper);
  };
}

function pairFn(
  name: string,
  f: (ctx: OpContext & { torchVersion?: '2.x' | '1.13' }, a: TorchTensor, b: TorchTensor) => TorchTensor,
): Handler {
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, other', args, kwargs);
    return f(ctx, tensorArg(name, b.input), tensorArg(name, b.other, 'other', 2));
  };
}

function scatterFn(name: string, mode: 'set' | 'add', inPlace: boolean): Handler {
  return (_ctx, args, kwargs) => {
    const b = bind(name, 'input, dim, index, src=None, *, value=None, reduce=None', args, kwargs);
    const t = tensorArg(name, b.input);
    const target = inPlace ? t : cloneTensor(t);
    const srcArg = b.src ?? b.value;
    const src = srcArg instanceof TorchTensor ? srcArg : numArg(srcArg, NaN);
    let m: 'set' | 'add' | 'multiply' = mode;
    if (b.reduce === 'add') m = 'add';
    else if (b.reduce === 'multiply') m = 'multiply';
    else if (b.reduce !== undefined && b.reduce !== null)
      throw new NotModelled(`${name}(reduce='${String(b.reduce)}')`);
    scatterInto(target, intArg(b.dim, 'dim'), tensorArg(name, b.index, 'index', 3), src, m, name);
    return target;
  };
}

function reshapeTo(_ctx: TorchContext, t: TorchTensor, shape: TArg | undefined): TorchTensor {
  return reshape(t, intList(shape ?? [], 'shape'));
}

// ---------------------------------------------------------------------------------------------------------------
// Tensor methods (beyond the torch.* functions)
// ---------------------------------------------------------------------------------------------------------------

const TENSOR_TYPE_NAMES: Record<DType, string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  float16: 'torch.HalfTensor',
  bfloat16: 'torch.BFloat16Tensor',
  int64: 'torch.LongTensor',
  int32: 'torch.IntTensor',
  int16: 'torch.ShortTensor',
  int8: 'torch.CharTensor',
  uint8: 'torch.ByteTensor',
  bool: 'torch.BoolTensor',
};

type MethodHandler = (ctx: TorchContext, t: TorchTensor, args: TArg[], kwargs: Map<string, TArg>) => TArg;

const METHODS: Record<string, MethodHandler> = Object.create(null) as Record<string, MethodHandler>;
Object.assign(METHODS, {
  view: ((ctx, t, args) => {
    if (
      args.length === 1 &&
      typeof args[0] === 'object' &&
      args[0] !== null &&
      !Array.isArray(args[0]) &&
      !(args[0] instanceof TorchTensor) &&
      args[0].kind === 'dtype'
    ) {
      throw new NotModelled('Tensor.view(dtype)');
    }
    return reshapeTo(ctx, t, args.length === 1 && isSequence(args[0]) ? args[0] : args);
  }) as MethodHandler,
  reshape: ((ctx, t, args) =>
    reshapeTo(ctx, t, args.length === 1 && isSequence(args[0]) ? args[0] : args)) as MethodHandler,
  view_as: ((_ctx, t, args) => reshape(t, tensorArg('view_as', args[0], 'other').shape)) as MethodHandler,
  reshape_as: ((_ctx, t, args) => reshape(t, tensorArg('reshape_as', args[0], 'other').shape)) as MethodHandler,
  expand: ((ctx, t, args) =>
    expand(ctx, t, intList(args.length === 1 && isSequence(args[0]) ? args[0] : args, 'size'))) as MethodHandler,
  repeat: ((ctx, t, args) =>
    repeat(ctx, t, intList(args.length === 1 && isSequence(args[0]) ? args[0] : args, 'repeats'))) as MethodHandler,
  size: ((_ctx, t, args, kwargs) => {
    const b = bind('size', 'dim=None', args, kwargs);
    if (b.dim === undefined || b.dim === null) return torchSize(t.shape);
    return BigInt(t.shape[wrapDim(intArg(b.dim, 'dim'), t.shape.length)] ?? 1);
  }) as MethodHandler,
  dim: ((_ctx, t) => BigInt(t.shape.length)) as MethodHandler,
  ndimension: ((_ctx, t) => BigInt(t.shape.length)) as MethodHandler,
  nelement: ((_ctx, t) => BigInt(t.data.length)) as MethodHandler,
  element_size: ((_ctx, t) =>
    BigInt(
      t.data.BYTES_PER_ELEMENT === 8 || t.dtype === 'int64'
        ? 8
        : t.dtype === 'float16' || t.dtype === 'bfloat16'
          ? 2
          : t.data.BYTES_PER_ELEMENT,
    )) as MethodHandler,
  item: ((ctx, t) => scalarOf(t, ctx.torchVersion)) as MethodHandler,
  tolist: ((_ctx, t) => toList(t)) as MethodHandler,
  numpy: ((_ctx, t) => new TorchTensor(t.dtype, t.shape, t.data, 'numpy')) as MethodHandler,
  contiguous: ((_ctx, t) => t) as MethodHandler,
  detach: ((_ctx, t) => new TorchTensor(t.dtype, t.shape, t.data, t.flavor)) as MethodHandler,
  cpu: ((_ctx, t) => t) as MethodHandler,
  requires_grad_: ((_ctx, t) => t) as MethodHandler,
  type: ((_ctx, t, args, kwargs) => {
    const b = bind('type', 'dtype=None, non_blocking=False', args, kwargs);
    if (b.dtype === undefined || b.dtype === null) return TENSOR_TYPE_NAMES[t.dtype];
    if (typeof b.dtype === 'string') {
      const found = (Object.keys(TENSOR_TYPE_NAMES) as DType[]).find((d) => TENSOR_TYPE_NAMES[d] === b.dtype);
      if (!found) throw valueError(`invalid type: '${b.dtype}'`);
      return castTo(t, found);
    }
    return castTo(t, dtypeArg(b.dtype)!);
  }) as MethodHandler,
  to: ((_ctx, t, args, kwargs) => {
    let dtype: DType | undefined;
    for (const a of [...args, ...kwargs.values()]) {
      if (a instanceof TorchTensor) dtype = a.dtype;
      else if (typeof a === 'object' && a !== null && !Array.isArray(a) && a.kind === 'dtype') dtype = a.dtype;
    }
    const copy = kwargs.get('copy') === true;
    return dtype ? castTo(t, dtype, copy) : copy ? cloneTensor(t) : t;
  }) as MethodHandler,
  type_as: ((_ctx, t, args) => castTo(t, tensorArg('type_as', args[0], 'other').dtype)) as MethodHandler,
  zero_: ((_ctx, t) => {
    t.data.fill(0);
    return t;
  }) as MethodHandler,
  fill_: ((_ctx, t, args) => {
    const v = fillValue(args[0]);
    t.data.fill(v instanceof TorchTensor ? castValue(v.data[0]!, v.dtype, t.dtype) : castValue(v, 'float64', t.dtype));
    return t;
  }) as MethodHandler,
  copy_: ((ctx, t, args) => {
    const src = tensorArg('copy_', args[0], 'src');
    const b = expand(ctx, src, t.shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = castValue(b.data[i]!, src.dtype, t.dtype);
    return t;
  }) as MethodHandler,
  masked_fill_: ((_ctx, t, args, kwargs) => {
    const b = bind('masked_fill_', 'mask, value', args, kwargs);
    maskedFillInto(t, tensorArg('masked_fill_', b.mask, 'mask'), fillValue(b.value), _ctx);
    return t;
  }) as MethodHandler,
  scatter_: ((ctx, t, args, kwargs) => scatterFn('scatter_', 'set', true)(ctx, [t, ...args], kwargs)) as MethodHandler,
  scatter_add_: ((ctx, t, args, kwargs) =>
    scatterFn('scatter_add_', 'add', true)(ctx, [t, ...args], kwargs)) as MethodHandler,
  unsqueeze_: ((_ctx, t, args) => {
    t.shape = unsqueeze(t, intArg(args[0], 'dim')).shape;
    return t;
  }) as MethodHandler,
  squeeze_: ((_ctx, t, args) => {
    t.shape = squeeze(t, args.length ? intList(args[0], 'dim') : undefined).shape;
    return t;
  }) as MethodHandler,
  is_floating_point: ((_ctx, t) => isFloating(t.dtype)) as MethodHandler,
  new_zeros: newFactory(0),
  new_ones: newFactory(1),
  new_empty: newFactory(0),
  new_full: ((ctx, t, args, kwargs) => {
    const b = bind('new_full', 'size, fill_value, *, dtype=None, device=None, requires_grad=False', args, kwargs);
    return filled(ctx, sizeArg(b.size, 'new_full'), numArg(b.fill_value, 0), dtypeArg(b.dtype) ?? t.dtype, 'torch');
  }) as MethodHandler,
  new_tensor: ((ctx, t, args, kwargs) => {
    const b = bind('new_tensor', 'data, *, dtype=None, device=None, requires_grad=False', args, kwargs);
    return fromData(ctx, b.data ?? null, dtypeArg(b.dtype) ?? t.dtype, 'torch');
  }) as MethodHandler,
  cuda: ((_ctx, t) => t) as MethodHandler,
  is_contiguous: (() => true) as MethodHandler,
  numel: ((_ctx, t) => BigInt(t.data.length)) as MethodHandler,
  max: ((ctx, t, args, kwargs) => TORCH.max!(ctx, [t, ...args], kwargs)) as MethodHandler,
});
for (const [name, dtype] of Object.entries(CAST_METHODS)) {
  METHODS[name] = ((_ctx, t) => castTo(t, dtype)) as MethodHandler;
}
METHODS.long = (_ctx, t) => castTo(t, 'int64');
METHODS.float = (_ctx, t) => castTo(t, 'float32');

function newFactory(value: number): MethodHandler {
  return (ctx, t, args, kwargs) => {
    const b = bind('new_zeros', '*size, dtype=None, device=None, requires_grad=False', args, kwargs);
    return filled(ctx, sizeArg(b.size as TArg, 'new_zeros'), value, dtypeArg(b.dtype) ?? t.dtype, 'torch');
  };
}

/** In-place variants of out-of-place functions (`add_`, `clamp_`, `exp_`, ...). */
function inPlace(name: string): MethodHandler | undefined {
  if (!name.endsWith('_') || name.endsWith('__')) return undefined;
  const base = TORCH[name.slice(0, -1)];
  if (!base) return undefined;
  return (ctx, t, args, kwargs) => {
    const result = base(ctx, [t, ...args], kwargs);
    if (!(result instanceof TorchTensor)) throw new NotModelled(`Tensor.${name}`);
    return writeInPlace(t, result, name);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

/** PyTorch's NumPy-style keyword aliases: `axis=` for `dim=` (`torch.sum(x, axis=1)`). */
/**
 * PyTorch's TypeError for a dtype it refuses in a call of `path` (`torch.zeros`, `Tensor.to`), judged on the
 * arguments' types alone, as the call itself judges it (see `dtypeRefusal`); undefined when the dtype is taken.
 */
export function torchDtypeRefusal(
  ctx: TorchContext,
  path: string,
  args: readonly TArg[],
  kwargs: Map<string, TArg>,
): TorchError | undefined {
  return dtypeRefusal(path, args, torchAliases(kwargs), ctx.torchVersion);
}

function torchAliases(kwargs: Map<string, TArg>): Map<string, TArg> {
  if (!kwargs.has('axis') || kwargs.has('dim')) return kwargs;
  const out = new Map<string, TArg>();
  for (const [k, v] of kwargs) out.set(k === 'axis' ? 'dim' : k, v);
  return out;
}

/**
 * Calls `torch.<name>`, `torch.nn.functional.<name>` or `numpy.<name>` (the interpreter resolves aliases such as
 * `F`, `np` and `from torch import tensor` to these full paths). Throws TorchError with PyTorch's/NumPy's message
 * for bad arguments, NotModelled for functions outside the model.
 */
export function torchFunction(ctx: TorchContext, path: string, args: TArg[], kwargs: Map<string, TArg>): TArg {
  if (path.startsWith('torch.')) {
    kwargs = torchAliases(kwargs);
    const refusal = dtypeRefusal(path, args, kwargs, ctx.torchVersion);
    if (refusal) throw refusal;
  }
  if (path.startsWith('torch.nn.functional.')) {
    const f = FUNCTIONAL[path.slice('torch.nn.functional.'.length)];
    if (f) return f(ctx, args, kwargs);
    throw new NotModelled(path);
  }
  if (path.startsWith('torch.linalg.')) {
    const name = path.slice('torch.linalg.'.length);
    if (name === 'norm' || name === 'vector_norm') {
      const b = bind(path, 'input, ord=None, dim=None, keepdim=False, *, dtype=None', args, kwargs);
      const t = tensorArg(path, b.input);
      if (name === 'norm' && b.dim === undefined && t.shape.length === 2 && b.ord !== undefined && b.ord !== null) {
        throw new NotModelled('torch.linalg.norm of a matrix with ord');
      }
      return reduce(ctx, t, 'norm', reductionDims(b.dim, t.shape.length), boolArg(b.keepdim, false), {
        p: numArg(b.ord, 2),
      });
    }
    throw new NotModelled(path);
  }
  if (path.startsWith('torch.')) {
    const f = TORCH[path.slice('torch.'.length)];
    if (f) return f(ctx, args, kwargs);
    throw new NotModelled(path);
  }
  if (path.startsWith('numpy.')) {
    const f = NUMPY_FUNCTIONS[path.slice('numpy.'.length)];
    if (f) return f(ctx, args, kwargs);
    throw new NotModelled(path);
  }
  throw new NotModelled(path);
}

/** Calls a method of a tensor or ndarray (`t.sum(dim=1)`, `t.view(-1)`, `arr.astype(np.float32)`, `t.add_(1)`). */
export function tensorMethod(
  ctx: TorchContext,
  t: TorchTensor,
  name: string,
  args: TArg[],
  kwargs: Map<string, TArg>,
): TArg {
  if (t.flavor === 'torch') {
    kwargs = torchAliases(kwargs);
    const refusal = dtypeRefusal(`Tensor.${name}`, args, kwargs, ctx.torchVersion);
    if (refusal) throw refusal;
  }
  if (t.flavor === 'numpy') {
    const f = NDARRAY_METHODS[name];
    if (f) return f(ctx, t, args, kwargs);
    throw new NotModelled(`numpy.ndarray.${name}`);
  }
  const m = METHODS[name];
  if (m) return m(ctx, t, args, kwargs);
  const f = TORCH[name];
  if (
    f &&
    ![
      'tensor',
      'arange',
      'zeros',
      'ones',
      'full',
      'eye',
      'linspace',
      'empty',
      'from_numpy',
      'as_tensor',
      'cat',
      'stack',
      'concat',
      'einsum',
    ].includes(name)
  ) {
    return f(ctx, [t, ...args], kwargs);
  }
  const ip = inPlace(name);
  if (ip) return ip(ctx, t, args, kwargs);
  const fn = FUNCTIONAL[name];
  if (fn && ['relu', 'softmax', 'log_softmax', 'sigmoid', 'tanh'].includes(name)) return fn(ctx, [t, ...args], kwargs);
  throw new NotModelled(`Tensor.${name}`);
}

/**
 * A tensor/ndarray attribute: `shape`, `dtype`, `ndim`, `T`, `device`, `is_leaf`, `requires_grad`, `grad`
 * (placeholders for the autograd layer), NumPy's `size`, `itemsize`... `undefined` when the attribute is not one
 * (so the interpreter can try a method).
 */
export function tensorAttribute(ctx: TorchContext, t: TorchTensor, name: string): TArg | undefined {
  if (t.flavor === 'numpy') return numpyAttribute(ctx, t, name);
  switch (name) {
    case 'shape':
      return torchSize(t.shape);
    case 'dtype':
      return { kind: 'dtype', dtype: t.dtype };
    case 'ndim':
      return BigInt(t.shape.length);
    case 'T':
      return reverseAxes(t);
    case 'mT':
      return t.shape.length < 2 ? t : transpose(t, -2, -1);
    case 'device':
      return { kind: 'device', name: 'cpu' };
    case 'is_leaf':
      return true;
    case 'requires_grad':
      return false;
    case 'grad':
    case 'grad_fn':
      return null;
    case 'is_cuda':
      return false;
    case 'data':
      return new TorchTensor(t.dtype, t.shape, t.data, t.flavor);
    default:
      return undefined;
  }
}

/** Maps an operand for an operator: lists on either side of a NumPy operation are converted like NumPy does. */
function operatorOperand(
  ctx: TorchContext,
  op: BinaryOperator,
  a: TArg,
  other: TArg,
  left: TArg,
  right: TArg,
): Operand {
  if (a instanceof TorchTensor || isPyNumber(a)) return a;
  if (isSequence(a) && other instanceof TorchTensor && other.flavor === 'numpy')
    return fromData(ctx, a, undefined, 'numpy');
  throw typeError(`unsupported operand type(s) for ${op}: '${pyTypeName(left)}' and '${pyTypeName(right)}'`);
}

/**
 * A Python binary operator where at least one side is a tensor/ndarray (reflected forms too: `2 - t` is
 * `binaryOp(ctx, '-', 2n, t)`). `@` is matrix multiplication.
 */
export function binaryOp(ctx: TorchContext, op: BinaryOperator, a: TArg, b: TArg): TArg {
  const x = operatorOperand(ctx, op, a, b, a, b);
  const y = operatorOperand(ctx, op, b, a, a, b);
  if (op === '@') {
    if (!(x instanceof TorchTensor) || !(y instanceof TorchTensor)) {
      throw typeError(`unsupported operand type(s) for @: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
    }
    return matmul(ctx, x, y);
  }
  return binary(ctx, op, x, y);
}

/**
 * An augmented assignment `t += x` on a tensor/ndarray: in place (the same object, its data rewritten), with
 * PyTorch's/NumPy's cast check (`long_tensor += 0.5` raises). Returns `t`.
 */
export function inPlaceOp(ctx: TorchContext, op: BinaryOperator, t: TorchTensor, b: TArg): TorchTensor {
  const result = binaryOp(ctx, op, t, b) as TorchTensor;
  if (t.flavor === 'numpy' && result.dtype !== t.dtype && !(isFloating(t.dtype) && isFloating(result.dtype))) {
    const ok = promoteTypes(result.dtype, t.dtype) === t.dtype;
    if (!ok) {
      throw new TorchError(
        'TypeError',
        `Cannot cast ufunc '${ufuncName(op)}' output from dtype('${result.dtype}') to dtype('${t.dtype}') with casting rule 'same_kind'`,
        'UFuncTypeError',
      );
    }
  }
  return writeInPlace(t, result, op);
}

function ufuncName(op: BinaryOperator): string {
  const names: Partial<Record<BinaryOperator, string>> = {
    '+': 'add',
    '-': 'subtract',
    '*': 'multiply',
    '/': 'divide',
    '//': 'floor_divide',
    '%': 'remainder',
    '**': 'power',
  };
  return names[op] ?? op;
}

/** A Python unary operator on a tensor: `-t`, `+t`, `~t`, `abs(t)`. */
export function unaryOp(ctx: TorchContext, op: '-' | '+' | '~' | 'abs', t: TorchTensor): TorchTensor {
  return unary(ctx, op, t);
}

/** `t[index]`. */
export function getItemOf(ctx: TorchContext, t: TorchTensor, index: IndexArg): TorchTensor {
  return getItem(ctx, t, index);
}

export { getItem, setItem };

/**
 * The dtype a module attribute names: `torch.float32`, `torch.long`, `numpy.float32`, `numpy.int64`... (undefined
 * for other names). A real dtype Loss Lens does not hold (`torch.complex64`, `numpy.uint16`) is NotModelled.
 */
export function dtypeAttribute(path: string): DType | undefined {
  const [lib, ...rest] = path.split('.');
  const name = rest.join('.');
  const table = lib === 'torch' ? TORCH_DTYPES : lib === 'numpy' ? NUMPY_DTYPES : undefined;
  if (!table || !(name in table)) return undefined;
  const d = table[name];
  if (d === null || d === undefined) throw new NotModelled(path);
  return d;
}

export { moduleConstant, numpyRemovedAlias } from './numpy';

/** `bool(t)` / `if t:`: PyTorch's and NumPy's truthiness (only one-element values have one). */
export function truthiness(t: TorchTensor): boolean {
  if (t.data.length !== 1) {
    if (t.flavor === 'numpy') {
      throw valueError('The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
    }
    throw runtimeError('Boolean value of Tensor with more than one value is ambiguous');
  }
  return t.data[0] !== 0;
}

/** `len(t)`: the size of the first dim. */
export function length(t: TorchTensor): number {
  if (t.shape.length === 0) {
    if (t.flavor === 'numpy') throw typeError('len() of unsized object');
    throw typeError('len() of a 0-d tensor');
  }
  return t.shape[0]!;
}

/** `for row in t`: the slices along the first dim (views sharing storage, as PyTorch's unbind gives). */
export function rows(t: TorchTensor): TorchTensor[] {
  if (t.shape.length === 0) {
    if (t.flavor === 'numpy') throw typeError('iteration over a 0-d array');
    throw typeError('iteration over a 0-d tensor');
  }
  const n = t.shape[0]!;
  const inner = t.data.length / Math.max(n, 1);
  const out: TorchTensor[] = [];
  for (let i = 0; i < n; i++) {
    const row = new TorchTensor(t.dtype, t.shape.slice(1), t.data.subarray(i * inner, (i + 1) * inner), t.flavor);
    if (t.flavor === 'numpy' && t.shape.length === 1) row.npScalar = true;
    out.push(row);
  }
  return out;
}

/** `float(t)` / `int(t)` / `t.item()`: the value of a one-element tensor as a Python number. */
export { scalarOf, fromData };

/** Whether a value is a tensor (re-exported for the interpreter). */
export { isTensor, TorchTensor };

/** Shares-storage re-view (used by `x.data`, `.detach()`). */
export { viewAs };

/** True for an integral dtype (re-exported for printing helpers). */
export { isIntegral };
