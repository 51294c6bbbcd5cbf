/**
 * The subset of the torch / NumPy / Python API the evaluator models, by canonical dotted name (`torch.zeros`,
 * `torch.nn.functional.softmax`, `numpy.array`, `builtins.len`), plus tensor methods and attributes and the
 * nn.Modules whose shape rule is known. Every function returns a value and never throws for user input: what is not
 * modelled (or what PyTorch would reject outside a loss call) is `unknown`.
 */
import { LossLensError, type Diagnostic, type SourceRange } from '../diagnostics';
import type { Call, Expr } from '../python/ast';
import {
  CAST_METHODS,
  LEGACY_TENSOR_TYPES,
  NUMPY_DTYPE_STRINGS,
  NUMPY_DTYPES,
  PYTHON_TYPE_DTYPES,
  TORCH_DTYPES,
  castTensor,
} from '../reader/dtype';
import { listToTensor, type RangeOf } from '../reader/literal';
import { pyBool, pyFloat, pyInt, type NestedValues, type PyScalar } from '../reader/values';
import { allocate, isFloating, numel, type DType, type Tensor } from '../tensor';
import { indexTensor } from './indexing';
import { buildLossModule, lossByModule, type CallArgs } from './loss-calls';
import * as ops from './ops';
import { normalizeDim } from './shapes';
import * as math from './tensor-math';
import {
  bool,
  concreteShape,
  float,
  int,
  intOf,
  intsOf,
  known,
  NONE,
  numberOf,
  shaped,
  tuple,
  UNKNOWN,
  type Arg,
  type Dim,
  type ModuleSpec,
  type Producer,
  type TensorValue,
  type Value,
} from './values';

/** What a modelled function sees of its call. */
export interface ApiCall {
  readonly limits: ops.OpLimits;
  readonly args: CallArgs;
  readonly call: Call;
  /** The callee as written (`F.softmax`), for producers and messages. */
  readonly name: string;
  /** Where the callee's own name is written (`softmax` in `F.softmax`). */
  readonly nameRange: SourceRange;
  /** Reports a diagnostic PyTorch would raise or warn outside a loss call (a ragged literal...). */
  report(d: Diagnostic): void;
}

type ApiFunction = (c: ApiCall) => Value;

// ---------------------------------------------------------------------------------------------------------------------
// Argument helpers

/** Binds positional and keyword arguments to parameter names (Python's rules, without errors). */
function bind(c: ApiCall, names: readonly string[]): (Value | undefined)[] {
  return names.map((name, i) => c.args.positional[i]?.value ?? c.args.keywords.get(name)?.value);
}

function argAt(c: ApiCall, index: number, name: string): Arg | undefined {
  return c.args.positional[index] ?? c.args.keywords.get(name);
}

function tensorArg(v: Value | undefined): TensorValue | undefined {
  return v && v.kind === 'tensor' ? v : undefined;
}

/** A tensor or a Python number, as binary operations take them. */
function numOperand(v: Value | undefined): ops.NumOperand | undefined {
  if (!v) return undefined;
  if (v.kind === 'tensor' || v.kind === 'scalar') return v;
  return undefined;
}

/** A dtype argument: `torch.float32`, `float`, `'float32'` (NumPy only). */
export function dtypeArg(v: Value | undefined, numpy = false): DType | undefined {
  if (!v) return undefined;
  if (v.kind === 'dtype') return v.dtype ?? undefined;
  if (v.kind === 'ref' && v.path.startsWith('builtins.')) return PYTHON_TYPE_DTYPES[v.path.slice('builtins.'.length)];
  if (numpy && v.kind === 'str') return NUMPY_DTYPE_STRINGS[v.value.replace(/^[<>=|]/, '')] ?? undefined;
  return undefined;
}

/** Sizes given as `f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `f(x.shape)` or `f(size=(2, 3))`, from positional `from`. */
function sizesArg(c: ApiCall, from: number, keyword = 'size'): Dim[] | undefined {
  const rest = c.args.positional.slice(from).map((a) => a.value);
  if (rest.length === 0) {
    const kw = c.args.keywords.get(keyword)?.value;
    return kw ? sizesOf(kw) : undefined;
  }
  if (rest.length === 1 && rest[0]!.kind === 'seq') return sizesOf(rest[0]!);
  return sizesOf(tuple(rest));
}

function sizesOf(v: Value): Dim[] | undefined {
  if (v.kind === 'scalar' && v.value.kind !== 'float') return [v.value.value];
  const sizes = intsOf(v, true);
  if (!sizes || sizes.some((d) => d !== null && d < 0)) return undefined;
  return sizes;
}

function intArg(v: Value | undefined): number | undefined {
  if (!v) return undefined;
  const n = intOf(v);
  if (n !== undefined) return n;
  if (v.kind === 'tensor' && v.data && v.data.shape.length === 0 && !isFloating(v.data.dtype)) return v.data.data[0];
  return undefined;
}

function dimsArg(v: Value | undefined): number[] | undefined {
  if (!v || v.kind === 'none') return undefined;
  const n = intArg(v);
  if (n !== undefined) return [n];
  const list = intsOf(v);
  return list && list.every((d) => d !== null) ? (list as number[]) : undefined;
}

function truthy(v: Value | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.kind === 'scalar') return v.value.value !== 0;
  if (v.kind === 'none') return false;
  return undefined;
}

function producer(c: ApiCall, op: Producer['op'], argNode?: Expr): Producer {
  return {
    op,
    range: c.call.range,
    name: c.name,
    nameRange: c.nameRange,
    ...(argNode ? { argRange: argNode.range } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Tensors from data

/** Nested Python values for `torch.tensor`: undefined when some leaf is not a known number. */
function nestedOf(v: Value): NestedValues | undefined {
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'seq': {
      const items: NestedValues[] = [];
      for (const item of v.items) {
        const n = nestedOf(item);
        if (n === undefined) return undefined;
        items.push(n);
      }
      return items;
    }
    case 'tensor': {
      if (!v.data || v.data.shape.length !== 0) return undefined;
      const x = v.data.data[0]!;
      const kind = v.data.dtype === 'bool' ? 'bool' : isFloating(v.data.dtype) ? 'float' : 'int';
      return { kind, value: x, dtype: v.data.dtype } as PyScalar;
    }
    default:
      return undefined;
  }
}

/** The shape of nested data whose leaves are not all known (`torch.tensor([a, b])`). */
function nestedShape(v: Value): Dim[] | undefined {
  if (v.kind === 'seq') {
    const inner = v.items.length > 0 ? nestedShape(v.items[0]!) : [];
    return inner ? [v.items.length, ...inner] : undefined;
  }
  if (v.kind === 'tensor') return v.shape ? [...v.shape] : undefined;
  return [];
}

/** Source ranges of the elements of a list literal, for the reader's ragged-row errors. */
function literalRanges(node: Expr): RangeOf {
  return (path) => {
    let cur: Expr = node;
    for (const i of path) {
      if ((cur.kind === 'List' || cur.kind === 'Tuple') && cur.elts[i]) cur = cur.elts[i]!;
      else return cur.range;
    }
    return cur.range;
  };
}

/**
 * The fewest elements nested Python data may hold for `torch.tensor` to read its values (the mode's element limit
 * when larger); beyond it, only the shape. `[[0.0] * 10000] * 10000` is 10⁸ elements from a 40-character line: the
 * list repetition shares one row, so it is cheap to build, but reading it element by element froze the editor.
 */
export const DATA_ELEMENT_BUDGET = 100_000;

/**
 * How many leaves nested data holds, counting each shared list once per use but visiting it once (a repeated row is
 * one object), and stopping as soon as the count passes `budget`. Infinity once over the budget.
 */
function leafCount(v: Value, budget: number, seen = new Map<Value, number>()): number {
  if (v.kind !== 'seq') return 1;
  const known = seen.get(v);
  if (known !== undefined) return known;
  let total = 0;
  for (const item of v.items) {
    total += leafCount(item, budget, seen);
    if (total > budget) {
      seen.set(v, Infinity);
      return Infinity;
    }
  }
  seen.set(v, total);
  return total;
}

/**
 * The dtype `torch.tensor` / `np.array` infers from plain Python numbers (bool < int < float), visiting each shared
 * list once; undefined when a leaf is anything else (a tensor, an unknown value).
 */
function inferredDtype(v: Value, flavor: 'torch' | 'numpy'): DType | undefined {
  const rank = { bool: 0, int: 1, float: 2 } as const;
  let widest = -1;
  const seen = new Set<Value>();
  const visit = (x: Value): boolean => {
    if (x.kind === 'seq') {
      if (seen.has(x)) return true;
      seen.add(x);
      return x.items.every(visit);
    }
    if (x.kind !== 'scalar' || x.value.dtype !== undefined) return false;
    widest = Math.max(widest, rank[x.value.kind]);
    return true;
  };
  if (!visit(v) || widest < 0) return undefined;
  return widest === 0 ? 'bool' : widest === 1 ? 'int64' : flavor === 'numpy' ? 'float64' : 'float32';
}

/** `torch.tensor(data, dtype=)` / `np.array(data, dtype=)` / the legacy constructors with data. */
function fromData(c: ApiCall, data: Arg, dtype: DType | undefined, flavor: 'torch' | 'numpy'): Value {
  const v = data.value;
  const numpy = flavor === 'numpy';
  if (v.kind === 'tensor') {
    if (v.data) return known(dtype ? castTensor(v.data, dtype) : v.data, { numpy });
    return shaped(v.shape, dtype ?? v.dtype, { numpy });
  }
  const budget = Math.max(c.limits.maxElements, DATA_ELEMENT_BUDGET);
  if (leafCount(v, budget) > budget) {
    const shape = nestedShape(v);
    const elements =
      shape && shape.every((d) => typeof d === 'number') ? (shape as number[]).reduce((a, b) => a * b, 1) : undefined;
    c.report({
      ...c.call.range,
      severity: 'warning',
      code: 'budget/elements',
      message: `${c.name}(...) builds ${elements !== undefined ? `${elements} elements` : 'more elements'}, over Loss Lens's budget of ${budget} for reading values.`,
      explanation:
        'Loss Lens checks this tensor by its shape only: reading that many values one by one would stall the editor.',
      hint: 'Nothing to fix for PyTorch; to see values, try the code on a smaller tensor.',
      data: { fn: c.name, budget },
    });
    return shape ? shaped(shape, dtype ?? inferredDtype(v, flavor), { numpy }) : UNKNOWN;
  }
  const nested = nestedOf(v);
  if (nested === undefined) {
    const shape = nestedShape(v);
    return shape ? shaped(shape, dtype, { numpy }) : UNKNOWN;
  }
  try {
    return known(listToTensor(nested, literalRanges(data.node), dtype, flavor), { numpy });
  } catch (e) {
    if (e instanceof LossLensError) {
      c.report(e.diagnostic);
      return UNKNOWN;
    }
    throw e;
  }
}

function torchTensor(c: ApiCall): Value {
  const data = argAt(c, 0, 'data');
  if (!data) return UNKNOWN;
  const dtypeValue = c.args.keywords.get('dtype')?.value;
  const dtype = dtypeArg(dtypeValue);
  if (dtypeValue && dtypeValue.kind !== 'none' && !dtype) return UNKNOWN;
  return fromData(c, data, dtype, 'torch');
}

function legacyConstructor(dtype: DType): ApiFunction {
  return (c) => {
    const pos = c.args.positional;
    if (pos.length === 0) return known({ dtype, shape: [0], data: allocate(dtype, 0) });
    const first = pos[0]!;
    if (pos.length === 1 && first.value.kind === 'seq') return fromData(c, first, dtype, 'torch');
    if (pos.length === 1 && first.value.kind === 'tensor') return ops.castOp(c.limits, first.value, dtype);
    // Whole numbers are sizes: uninitialized memory.
    const sizes = sizesArg(c, 0);
    return sizes ? shaped(sizes, dtype) : UNKNOWN;
  };
}

function numpyArray(c: ApiCall): Value {
  const data = argAt(c, 0, 'object');
  if (!data) return UNKNOWN;
  const dtypeValue = argAt(c, 1, 'dtype')?.value;
  const dtype = dtypeArg(dtypeValue, true);
  if (dtypeValue && dtypeValue.kind !== 'none' && !dtype) return UNKNOWN;
  return fromData(c, data, dtype, 'numpy');
}

function fromNumpy(c: ApiCall): Value {
  const a = tensorArg(argAt(c, 0, 'ndarray')?.value);
  if (!a || !a.numpy) return UNKNOWN;
  return a.data ? known(a.data) : shaped(a.shape, a.dtype);
}

// ---------------------------------------------------------------------------------------------------------------------
// Factories

function factory(fill: number | 'empty', lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const sizes =
      lib === 'numpy'
        ? c.args.positional[0]
          ? sizesOf(c.args.positional[0].value)
          : sizesArg(c, 0, 'shape')
        : sizesArg(c, 0);
    if (!sizes) return UNKNOWN;
    const dtypeValue =
      c.args.keywords.get('dtype')?.value ?? (lib === 'numpy' ? c.args.positional[1]?.value : undefined);
    const dtype =
      dtypeValue && dtypeValue.kind !== 'none'
        ? dtypeArg(dtypeValue, lib === 'numpy')
        : lib === 'numpy'
          ? 'float64'
          : 'float32';
    if (!dtype) return UNKNOWN;
    if (fill === 'empty') return shaped(sizes, dtype, { numpy: lib === 'numpy' });
    return ops.produce(c.limits, sizes, dtype, () => math.filled(concreteShape(sizes)!, dtype, fill), {
      numpy: lib === 'numpy',
    });
  };
}

function fullFactory(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const sizes = c.args.positional[0]
      ? sizesOf(c.args.positional[0].value)
      : sizesArg(c, 0, lib === 'numpy' ? 'shape' : 'size');
    const fill = argAt(c, 1, 'fill_value')?.value;
    if (!sizes || !fill || fill.kind !== 'scalar') return UNKNOWN;
    const dtypeValue =
      c.args.keywords.get('dtype')?.value ?? (lib === 'numpy' ? c.args.positional[2]?.value : undefined);
    const inferred: DType =
      fill.value.kind === 'float'
        ? lib === 'numpy'
          ? 'float64'
          : 'float32'
        : fill.value.kind === 'int'
          ? 'int64'
          : 'bool';
    const dtype = dtypeValue && dtypeValue.kind !== 'none' ? dtypeArg(dtypeValue, lib === 'numpy') : inferred;
    if (!dtype) return UNKNOWN;
    return ops.produce(c.limits, sizes, dtype, () => math.filled(concreteShape(sizes)!, dtype, fill.value.value), {
      numpy: lib === 'numpy',
    });
  };
}

function likeFactory(kind: 'zeros' | 'ones' | 'empty' | 'full' | 'rand' | 'randn' | 'randint'): ApiFunction {
  return (c) => {
    const like = tensorArg(argAt(c, 0, 'input')?.value);
    if (!like) return UNKNOWN;
    const dtypeValue = c.args.keywords.get('dtype')?.value;
    const dtype = dtypeValue && dtypeValue.kind !== 'none' ? dtypeArg(dtypeValue) : like.dtype;
    if (kind === 'zeros' || kind === 'ones')
      return ops.produce(c.limits, like.shape, dtype, () =>
        math.filled(concreteShape(like.shape)!, dtype!, kind === 'ones' ? 1 : 0),
      );
    if (kind === 'full') {
      const fill = numberOf(argAt(c, 1, 'fill_value')?.value);
      return fill === undefined
        ? shaped(like.shape, dtype)
        : ops.produce(c.limits, like.shape, dtype, () => math.filled(concreteShape(like.shape)!, dtype!, fill));
    }
    if (kind === 'randn') return shaped(like.shape, dtype, { producer: producer(c, 'unbounded') });
    if (kind === 'rand') return shaped(like.shape, dtype, { producer: producer(c, 'unit') });
    return shaped(like.shape, dtype);
  };
}

function randomFactory(kind: 'rand' | 'randn', lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const sizes = sizesArg(c, 0);
    if (!sizes) return UNKNOWN;
    const dtype = lib === 'numpy' ? 'float64' : (dtypeArg(c.args.keywords.get('dtype')?.value) ?? 'float32');
    return shaped(sizes, dtype, {
      numpy: lib === 'numpy',
      producer: producer(c, kind === 'randn' ? 'unbounded' : 'unit'),
    });
  };
}

function randint(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    if (lib === 'numpy') {
      const size = argAt(c, 2, 'size')?.value;
      const sizes = size ? sizesOf(size) : [];
      return sizes ? shaped(sizes, 'int64', { numpy: true }) : UNKNOWN;
    }
    // randint(high, size) or randint(low, high, size).
    const pos = c.args.positional;
    const sizeValue =
      c.args.keywords.get('size')?.value ??
      (pos.length >= 3 ? pos[2]!.value : pos.length === 2 ? pos[1]!.value : undefined);
    const sizes = sizeValue ? sizesOf(sizeValue) : undefined;
    if (!sizes) return UNKNOWN;
    const dtype = dtypeArg(c.args.keywords.get('dtype')?.value) ?? 'int64';
    return shaped(sizes, dtype);
  };
}

function normal(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    if (lib === 'numpy') {
      const size = argAt(c, 2, 'size')?.value;
      const sizes = size ? sizesOf(size) : [];
      return sizes ? shaped(sizes, 'float64', { numpy: true, producer: producer(c, 'unbounded') }) : UNKNOWN;
    }
    const [mean, std, size] = bind(c, ['mean', 'std', 'size']);
    if (size) {
      const sizes = sizesOf(size);
      return sizes ? shaped(sizes, 'float32', { producer: producer(c, 'unbounded') }) : UNKNOWN;
    }
    const shapes = [mean, std].map((v) =>
      v && v.kind === 'tensor' ? v.shape : v && v.kind === 'scalar' ? [] : undefined,
    );
    if (shapes.some((s) => s === undefined)) return UNKNOWN;
    const tensors = [mean, std].filter((v): v is TensorValue => v !== undefined && v.kind === 'tensor');
    if (tensors.length === 0) return UNKNOWN;
    return shaped(tensors[0]!.shape, tensors[0]!.dtype, { producer: producer(c, 'unbounded') });
  };
}

function eye(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const n = intArg(argAt(c, 0, lib === 'numpy' ? 'N' : 'n')?.value);
    const mValue = argAt(c, 1, lib === 'numpy' ? 'M' : 'm')?.value;
    const m = mValue && mValue.kind !== 'none' ? intArg(mValue) : n;
    if (n === undefined || m === undefined || n < 0 || m < 0) return UNKNOWN;
    const dtype =
      dtypeArg(c.args.keywords.get('dtype')?.value, lib === 'numpy') ?? (lib === 'numpy' ? 'float64' : 'float32');
    return ops.produce(
      c.limits,
      [n, m],
      dtype,
      () => {
        const values = new Float64Array(n * m);
        for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
        return math.fromValues(values, [n, m], dtype);
      },
      { numpy: lib === 'numpy' },
    );
  };
}

function arange(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const pos = c.args.positional.map((a) => a.value);
    const kw = c.args.keywords;
    const scalars = pos.filter((v) => v.kind === 'scalar') as { kind: 'scalar'; value: PyScalar }[];
    if (scalars.length !== pos.length || pos.length === 0) {
      const end = kw.get('end')?.value ?? kw.get('stop')?.value;
      if (pos.length === 0 && end && end.kind === 'scalar') scalars.push(end);
      else return UNKNOWN;
    }
    const [start, end, step] =
      scalars.length === 1
        ? [pyInt(0), scalars[0]!.value, pyInt(1)]
        : [scalars[0]!.value, scalars[1]!.value, scalars[2]?.value ?? pyInt(1)];
    if (step.value === 0 || !Number.isFinite(start.value) || !Number.isFinite(end.value)) return UNKNOWN;
    const length = Math.max(0, Math.ceil((end.value - start.value) / step.value));
    const anyFloat = [start, end, step].some((s) => s.kind === 'float');
    const dtype =
      dtypeArg(kw.get('dtype')?.value, lib === 'numpy') ??
      (anyFloat ? (lib === 'numpy' ? 'float64' : 'float32') : 'int64');
    return ops.produce(
      c.limits,
      [length],
      dtype,
      () => {
        const values = new Float64Array(length);
        for (let i = 0; i < length; i++) values[i] = start.value + i * step.value;
        return math.fromValues(values, [length], dtype);
      },
      { numpy: lib === 'numpy' },
    );
  };
}

function linspace(lib: 'torch' | 'numpy'): ApiFunction {
  return (c) => {
    const [startV, endV, stepsV] = bind(c, [
      'start',
      lib === 'numpy' ? 'stop' : 'end',
      lib === 'numpy' ? 'num' : 'steps',
    ]);
    const start = numberOf(startV);
    const end = numberOf(endV);
    const steps = stepsV ? intArg(stepsV) : lib === 'numpy' ? 50 : undefined;
    if (start === undefined || end === undefined || steps === undefined || steps < 0) return UNKNOWN;
    const dtype =
      dtypeArg(c.args.keywords.get('dtype')?.value, lib === 'numpy') ?? (lib === 'numpy' ? 'float64' : 'float32');
    return ops.produce(
      c.limits,
      [steps],
      dtype,
      () => {
        const values = new Float64Array(steps);
        const step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // PyTorch fills the second half from the end, so the last value is exactly `end`.
        const half = Math.floor(steps / 2);
        for (let i = 0; i < steps; i++) values[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        return math.fromValues(values, [steps], dtype);
      },
      { numpy: lib === 'numpy' },
    );
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Functions over tensors

/** A torch function that is also a tensor method (`torch.sigmoid(x)` ≡ `x.sigmoid()`): the first argument is self. */
function asMethod(method: string): ApiFunction {
  return (c) => {
    const first = c.args.positional[0] ?? c.args.keywords.get('input');
    if (!first) return UNKNOWN;
    const self = first.value;
    if (self.kind !== 'tensor') {
      if (self.kind === 'scalar' && method in ops.FLOAT_FUNCTIONS) return UNKNOWN;
      return UNKNOWN;
    }
    const rest: CallArgs = {
      positional: c.args.positional.slice(c.args.positional[0] ? 1 : 0),
      keywords: new Map([...c.args.keywords].filter(([k]) => k !== 'input')),
      dynamic: c.args.dynamic,
    };
    return tensorMethod(self, method, { ...c, args: rest }, first.node);
  };
}

/** `F.softmax(input, dim=None)`: without dim, PyTorch picks one and warns. */
function functionalSoftmax(log: boolean): ApiFunction {
  return (c) => {
    const inputArg = argAt(c, 0, 'input');
    const self = tensorArg(inputArg?.value);
    if (!self) return UNKNOWN;
    const dimValue = argAt(c, 1, 'dim')?.value;
    const dtype = dtypeArg(c.args.keywords.get('dtype')?.value);
    let dim = dimValue && dimValue.kind !== 'none' ? intArg(dimValue) : undefined;
    if (dim === undefined) {
      if (dimValue && dimValue.kind !== 'none')
        return shaped(self.shape, self.dtype, {
          producer: producer(c, log ? 'log_softmax' : 'softmax', inputArg?.node),
        });
      if (!self.shape)
        return shaped(undefined, self.dtype, {
          producer: producer(c, log ? 'log_softmax' : 'softmax', inputArg?.node),
        });
      dim = ops.implicitSoftmaxDim(self.shape.length);
      c.report({
        ...c.call.range,
        severity: 'warning',
        code: 'warn/softmax-implicit-dim',
        message: `Implicit dimension choice for ${log ? 'log_softmax' : 'softmax'} has been deprecated. Change the call to include dim=X as an argument.`,
        explanation: `Without dim, PyTorch picks dimension ${dim} for a ${self.shape.length}-D input, which is not always the class dimension.`,
        hint: `Pass the dimension explicitly, e.g. dim=${self.shape.length >= 2 ? 1 : 0}.`,
        data: { dim, rank: self.shape.length },
      });
    }
    return ops.softmaxOp(c.limits, self, dim, log, producer(c, log ? 'log_softmax' : 'softmax', inputArg?.node), dtype);
  };
}

function normalizeFn(c: ApiCall): Value {
  const [input, p, dim, eps] = bind(c, ['input', 'p', 'dim', 'eps']);
  const self = tensorArg(input);
  if (!self) return UNKNOWN;
  return ops.normalizeOp(c.limits, self, numberOf(p) ?? 2, intArg(dim) ?? 1, numberOf(eps) ?? 1e-12);
}

function oneHot(c: ApiCall): Value {
  const [t, n] = bind(c, ['tensor', 'num_classes']);
  const self = tensorArg(t);
  if (!self) return UNKNOWN;
  const classes = n ? intArg(n) : -1;
  if (classes === undefined) return self.shape ? shaped([...self.shape, null], 'int64') : shaped(undefined, 'int64');
  return ops.oneHotOp(c.limits, self, classes);
}

function tensorsOf(v: Value | undefined): TensorValue[] | undefined {
  if (!v || v.kind !== 'seq') return undefined;
  const out: TensorValue[] = [];
  for (const item of v.items) {
    if (item.kind !== 'tensor') return undefined;
    out.push(item);
  }
  return out;
}

function cat(c: ApiCall): Value {
  const [ts, dim] = bind(c, ['tensors', 'dim']);
  const tensors = tensorsOf(ts);
  const d = dim ? intArg(dim) : 0;
  if (!tensors || d === undefined) return UNKNOWN;
  return ops.catOp(c.limits, tensors, d);
}

function stack(c: ApiCall): Value {
  const [ts, dim] = bind(c, ['tensors', 'dim']);
  const tensors = tensorsOf(ts);
  const d = dim ? intArg(dim) : 0;
  if (!tensors || d === undefined) return UNKNOWN;
  return ops.stackOp(c.limits, tensors, d);
}

function where(c: ApiCall): Value {
  const [cond, x, y] = bind(c, ['condition', 'input', 'other']);
  const condition = tensorArg(cond);
  const a = numOperand(x);
  const b = numOperand(y);
  if (!condition || !a || !b) return UNKNOWN;
  return ops.whereOp(c.limits, condition, a, b);
}

function matmul(c: ApiCall): Value {
  const [a, b] = bind(c, ['input', 'other']);
  const x = tensorArg(a);
  const y = tensorArg(b);
  return x && y ? ops.matmulOp(c.limits, x, y) : UNKNOWN;
}

function linearFn(c: ApiCall): Value {
  const [input, weight, bias] = bind(c, ['input', 'weight', 'bias']);
  const x = tensorArg(input);
  const w = tensorArg(weight);
  if (!x || !w) return UNKNOWN;
  const wt = ops.reverseAxesOp(c.limits, w);
  if (wt.kind !== 'tensor') return UNKNOWN;
  const out = ops.matmulOp(c.limits, x, wt);
  const b = numOperand(bias);
  if (out.kind !== 'tensor' || !b) return out;
  return ops.binaryTensorOp(c.limits, '+', out, b);
}

function dropout(c: ApiCall): Value {
  const [input, , training] = bind(c, ['input', 'p', 'training']);
  const x = tensorArg(input);
  if (!x) return UNKNOWN;
  return truthy(training) === false ? x : shaped(x.shape, x.dtype);
}

function torchSize(c: ApiCall): Value {
  const v = argAt(c, 0, 'sizes')?.value;
  if (!v) return tuple([]);
  const sizes = intsOf(v, true);
  return sizes ? tuple(sizes.map((d) => (d === null ? UNKNOWN : int(d)))) : UNKNOWN;
}

function numpyFunction(name: string): ApiFunction {
  return (c) => {
    const x = argAt(c, 0, 'x')?.value;
    if (!x) return UNKNOWN;
    if (x.kind === 'scalar') {
      const f = ops.FLOAT_FUNCTIONS[name] ?? ops.SAME_DTYPE_FUNCTIONS[name];
      return f ? float(f(x.value.value)) : UNKNOWN;
    }
    if (x.kind !== 'tensor') return UNKNOWN;
    return ops.elementwiseFunction(c.limits, name, x);
  };
}

function mathFunction(fn: (x: number) => number): ApiFunction {
  return (c) => {
    const x = numberOf(c.args.positional[0]?.value);
    if (x === undefined) return UNKNOWN;
    const r = fn(x);
    return Number.isNaN(r) && !Number.isNaN(x) ? UNKNOWN : float(r);
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Builtins

function len(c: ApiCall): Value {
  const v = c.args.positional[0]?.value;
  if (!v) return UNKNOWN;
  if (v.kind === 'seq') return int(v.items.length);
  if (v.kind === 'str') return int(v.value.length);
  if (v.kind === 'tensor' && v.shape && v.shape.length > 0 && v.shape[0] !== null) return int(v.shape[0]!);
  return UNKNOWN;
}

function scalarOf(v: Value | undefined): PyScalar | undefined {
  if (!v) return undefined;
  if (v.kind === 'scalar') return v.value;
  if (v.kind === 'tensor' && v.data && v.data.data.length === 1) {
    const x = v.data.data[0]!;
    return v.data.dtype === 'bool' ? pyBool(x !== 0) : isFloating(v.data.dtype) ? pyFloat(x) : pyInt(x);
  }
  return undefined;
}

function pythonCast(to: 'int' | 'float' | 'bool'): ApiFunction {
  return (c) => {
    const v = c.args.positional[0]?.value;
    if (!v) return to === 'float' ? float(0) : to === 'int' ? int(0) : bool(false);
    if (v.kind === 'str' && to === 'float') {
      const s = v.value.trim().toLowerCase();
      if (s === 'inf' || s === '+inf' || s === 'infinity') return float(Infinity);
      if (s === '-inf' || s === '-infinity') return float(-Infinity);
      if (s === 'nan') return float(NaN);
      const n = Number(s);
      return Number.isNaN(n) || s === '' ? UNKNOWN : float(n);
    }
    const s = scalarOf(v);
    if (!s) return UNKNOWN;
    if (to === 'bool') return bool(s.value !== 0);
    if (to === 'float') return float(s.value);
    if (!Number.isFinite(s.value)) return UNKNOWN;
    return int(Math.trunc(s.value));
  };
}

function range(c: ApiCall): Value {
  const nums = c.args.positional.map((a) => intOf(a.value));
  if (nums.length === 0 || nums.some((n) => n === undefined)) return UNKNOWN;
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) return UNKNOWN;
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > 100_000) return UNKNOWN;
  return { kind: 'seq', items: Array.from({ length }, (_, i) => int(start + i * step)), tuple: false };
}

function minMax(which: 'min' | 'max'): ApiFunction {
  return (c) => {
    const items =
      c.args.positional.length === 1 && c.args.positional[0]!.value.kind === 'seq'
        ? (c.args.positional[0]!.value as { items: readonly Value[] }).items
        : c.args.positional.map((a) => a.value);
    const scalars = items.map((v) => (v.kind === 'scalar' ? v.value : undefined));
    if (scalars.length === 0 || scalars.some((s) => s === undefined)) return UNKNOWN;
    let best = scalars[0]!;
    for (const s of scalars)
      if ((which === 'max' && s!.value > best.value) || (which === 'min' && s!.value < best.value)) best = s!;
    return { kind: 'scalar', value: best };
  };
}

function listOf(asTuple: boolean): ApiFunction {
  return (c) => {
    const v = c.args.positional[0]?.value;
    if (!v) return { kind: 'seq', items: [], tuple: asTuple };
    if (v.kind === 'seq') return { kind: 'seq', items: v.items, tuple: asTuple };
    if (v.kind === 'tensor' && v.shape && v.shape.length > 0 && v.shape[0] !== null && v.shape[0]! <= 10_000) {
      const items = Array.from({ length: v.shape[0]! }, (_, i) =>
        indexTensor(c.limits, v, [{ kind: 'int', value: i }]),
      );
      return { kind: 'seq', items, tuple: asTuple };
    }
    return UNKNOWN;
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// nn.Modules

function moduleValue(module: ModuleSpec): Value {
  return { kind: 'module', module };
}

function embedding(c: ApiCall): Value {
  const [num, dim] = bind(c, ['num_embeddings', 'embedding_dim']);
  return moduleValue({ type: 'embedding', num: intArg(num) ?? null, dim: intArg(dim) ?? null });
}

function linear(c: ApiCall): Value {
  const [inF, outF] = bind(c, ['in_features', 'out_features']);
  return moduleValue({ type: 'linear', inFeatures: intArg(inF) ?? null, outFeatures: intArg(outF) ?? null });
}

function activationModule(op: string, hasDim: boolean): ApiFunction {
  return (c) => {
    if (op === 'flatten') {
      const [s, e] = bind(c, ['start_dim', 'end_dim']);
      return moduleValue({ type: 'activation', op, name: c.name, startDim: intArg(s) ?? 1, endDim: intArg(e) ?? -1 });
    }
    const dimValue = hasDim ? argAt(c, 0, 'dim')?.value : undefined;
    const dim = dimValue && dimValue.kind !== 'none' ? (intArg(dimValue) ?? null) : undefined;
    return moduleValue({ type: 'activation', op, name: c.name, ...(dim !== undefined ? { dim } : {}) });
  };
}

/** Calls an nn.Module instance (other than a loss) on its arguments. */
export function callModule(module: ModuleSpec, c: ApiCall): Value {
  const inputArg = c.args.positional[0];
  const x = tensorArg(inputArg?.value);
  if (!x) return UNKNOWN;
  switch (module.type) {
    case 'embedding': {
      if (x.dtype !== undefined && x.dtype !== 'int64' && x.dtype !== 'int32') return UNKNOWN;
      if (x.data && module.num !== null) {
        for (let i = 0; i < x.data.data.length; i++)
          if (x.data.data[i]! < 0 || x.data.data[i]! >= module.num) return UNKNOWN;
      }
      return shaped(x.shape ? [...x.shape, module.dim] : undefined, 'float32', { producer: producer(c, 'unbounded') });
    }
    case 'linear': {
      if (!x.shape) return shaped(undefined, 'float32', { producer: producer(c, 'unbounded') });
      if (x.shape.length === 0) return UNKNOWN;
      const last = x.shape[x.shape.length - 1]!;
      if (last !== null && module.inFeatures !== null && last !== module.inFeatures) return UNKNOWN;
      if (x.dtype !== undefined && x.dtype !== 'float32') return UNKNOWN;
      return shaped([...x.shape.slice(0, -1), module.outFeatures], 'float32', { producer: producer(c, 'unbounded') });
    }
    case 'activation': {
      const p = (op: Producer['op']): Producer => ({
        op,
        range: c.call.range,
        name: module.name,
        argRange: inputArg!.node.range,
      });
      switch (module.op) {
        case 'softmax':
        case 'log_softmax': {
          let dim = module.dim;
          if (dim === undefined) {
            if (!x.shape) return shaped(undefined, x.dtype, { producer: p(module.op) });
            dim = ops.implicitSoftmaxDim(x.shape.length);
          }
          if (dim === null) return shaped(x.shape, x.dtype, { producer: p(module.op) });
          return ops.softmaxOp(c.limits, x, dim, module.op === 'log_softmax', p(module.op));
        }
        case 'sigmoid':
          return ops.elementwiseFunction(c.limits, 'sigmoid', x, p('sigmoid'));
        case 'relu':
        case 'tanh':
          return ops.elementwiseFunction(c.limits, module.op, x);
        case 'identity':
          return x;
        case 'dropout':
          return shaped(x.shape, x.dtype);
        case 'flatten':
          return ops.flattenOp(c.limits, x, module.startDim ?? 1, module.endDim ?? -1);
        default:
          return UNKNOWN;
      }
    }
    default:
      return UNKNOWN;
  }
}

/** An attribute of a module instance (`emb.weight`). */
export function moduleAttribute(module: ModuleSpec, attr: string): Value {
  if (module.type === 'embedding' && attr === 'weight') return shaped([module.num, module.dim], 'float32');
  if (module.type === 'linear' && attr === 'weight') return shaped([module.outFeatures, module.inFeatures], 'float32');
  if (module.type === 'linear' && attr === 'bias') return shaped([module.outFeatures], 'float32');
  if (module.type === 'loss' && attr === 'reduction') {
    const r = module.options.get('reduction')?.value;
    return r ?? { kind: 'str', value: 'mean' };
  }
  return UNKNOWN;
}

function nnModule(name: string): ApiFunction | undefined {
  const loss = lossByModule(name);
  if (loss) return (c) => moduleValue(buildLossModule(loss, c.call, c.args));
  switch (name) {
    case 'Embedding':
      return embedding;
    case 'Linear':
      return linear;
    case 'Softmax':
      return activationModule('softmax', true);
    case 'LogSoftmax':
      return activationModule('log_softmax', true);
    case 'Sigmoid':
      return activationModule('sigmoid', false);
    case 'ReLU':
      return activationModule('relu', false);
    case 'Tanh':
      return activationModule('tanh', false);
    case 'Identity':
      return activationModule('identity', false);
    case 'Dropout':
      return activationModule('dropout', false);
    case 'Flatten':
      return activationModule('flatten', false);
    case 'Parameter':
      return (c) => c.args.positional[0]?.value ?? UNKNOWN;
    default:
      return /^[A-Z]/.test(name) ? () => moduleValue({ type: 'opaque' }) : undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The table

const TORCH_METHOD_FUNCTIONS = [
  'sigmoid',
  'exp',
  'log',
  'log2',
  'log10',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'tanh',
  'sin',
  'cos',
  'reciprocal',
  'abs',
  'neg',
  'negative',
  'relu',
  'floor',
  'ceil',
  'round',
  'trunc',
  'sign',
  'square',
  'softmax',
  'log_softmax',
  'clamp',
  'clip',
  'sum',
  'mean',
  'max',
  'min',
  'argmax',
  'argmin',
  'prod',
  'reshape',
  'flatten',
  'squeeze',
  'unsqueeze',
  'permute',
  'transpose',
  't',
  'numel',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'eq',
  'ne',
  'gt',
  'lt',
  'ge',
  'le',
  'isnan',
  'detach',
  'clone',
];

const FUNCTIONS: Record<string, ApiFunction> = {
  'torch.tensor': torchTensor,
  'torch.as_tensor': torchTensor,
  'torch.asarray': torchTensor,
  'torch.from_numpy': fromNumpy,
  'torch.Tensor': legacyConstructor('float32'),
  'torch.zeros': factory(0, 'torch'),
  'torch.ones': factory(1, 'torch'),
  'torch.empty': factory('empty', 'torch'),
  'torch.full': fullFactory('torch'),
  'torch.zeros_like': likeFactory('zeros'),
  'torch.ones_like': likeFactory('ones'),
  'torch.empty_like': likeFactory('empty'),
  'torch.full_like': likeFactory('full'),
  'torch.rand_like': likeFactory('rand'),
  'torch.randn_like': likeFactory('randn'),
  'torch.randint_like': likeFactory('randint'),
  'torch.eye': eye('torch'),
  'torch.arange': arange('torch'),
  'torch.linspace': linspace('torch'),
  'torch.rand': randomFactory('rand', 'torch'),
  'torch.randn': randomFactory('randn', 'torch'),
  'torch.randint': randint('torch'),
  'torch.normal': normal('torch'),
  'torch.randperm': (c) => {
    const n = intArg(c.args.positional[0]?.value);
    return n === undefined ? UNKNOWN : shaped([n], 'int64');
  },
  'torch.manual_seed': () => UNKNOWN,
  'torch.Size': torchSize,
  'torch.cat': cat,
  'torch.concat': cat,
  'torch.stack': stack,
  'torch.where': where,
  'torch.matmul': matmul,
  'torch.mm': matmul,
  'torch.bmm': matmul,
  'torch.is_tensor': (c) => (c.args.positional[0] ? bool(c.args.positional[0].value.kind === 'tensor') : UNKNOWN),
  'torch.nn.functional.softmax': functionalSoftmax(false),
  'torch.nn.functional.log_softmax': functionalSoftmax(true),
  'torch.nn.functional.sigmoid': asMethod('sigmoid'),
  'torch.nn.functional.relu': asMethod('relu'),
  'torch.nn.functional.tanh': asMethod('tanh'),
  'torch.nn.functional.normalize': normalizeFn,
  'torch.nn.functional.one_hot': oneHot,
  'torch.nn.functional.linear': linearFn,
  'torch.nn.functional.dropout': dropout,
  'numpy.array': numpyArray,
  'numpy.asarray': numpyArray,
  'numpy.zeros': factory(0, 'numpy'),
  'numpy.ones': factory(1, 'numpy'),
  'numpy.empty': factory('empty', 'numpy'),
  'numpy.full': fullFactory('numpy'),
  'numpy.eye': eye('numpy'),
  'numpy.arange': arange('numpy'),
  'numpy.linspace': linspace('numpy'),
  'numpy.random.randn': randomFactory('randn', 'numpy'),
  'numpy.random.rand': randomFactory('rand', 'numpy'),
  'numpy.random.randint': randint('numpy'),
  'numpy.random.normal': normal('numpy'),
  'numpy.exp': numpyFunction('exp'),
  'numpy.log': numpyFunction('log'),
  'numpy.abs': numpyFunction('abs'),
  'numpy.sqrt': numpyFunction('sqrt'),
  'math.log': mathFunction(Math.log),
  'math.exp': mathFunction(Math.exp),
  'math.sqrt': mathFunction(Math.sqrt),
  'math.log2': mathFunction(Math.log2),
  'math.log10': mathFunction(Math.log10),
  'math.floor': (c) => {
    const x = numberOf(c.args.positional[0]?.value);
    return x === undefined || !Number.isFinite(x) ? UNKNOWN : int(Math.floor(x));
  },
  'math.ceil': (c) => {
    const x = numberOf(c.args.positional[0]?.value);
    return x === undefined || !Number.isFinite(x) ? UNKNOWN : int(Math.ceil(x));
  },
  'builtins.print': () => NONE,
  'builtins.len': len,
  'builtins.int': pythonCast('int'),
  'builtins.float': pythonCast('float'),
  'builtins.bool': pythonCast('bool'),
  'builtins.range': range,
  'builtins.min': minMax('min'),
  'builtins.max': minMax('max'),
  'builtins.list': listOf(false),
  'builtins.tuple': listOf(true),
  'builtins.abs': (c) => {
    const v = c.args.positional[0]?.value;
    if (v?.kind === 'scalar')
      return v.value.kind === 'float' ? float(Math.abs(v.value.value)) : int(Math.abs(v.value.value));
    return v?.kind === 'tensor' ? ops.elementwiseFunction(c.limits, 'abs', v) : UNKNOWN;
  },
  'builtins.round': (c) => {
    const x = numberOf(c.args.positional[0]?.value);
    const digits = intOf(c.args.positional[1]?.value);
    if (x === undefined || !Number.isFinite(x)) return UNKNOWN;
    if (digits === undefined) return int(Math.round(x));
    return float(Number(x.toFixed(Math.max(0, Math.min(20, digits)))));
  },
};

for (const name of TORCH_METHOD_FUNCTIONS) FUNCTIONS[`torch.${name}`] ??= asMethod(name);
for (const [legacy, dtype] of Object.entries(LEGACY_TENSOR_TYPES)) {
  FUNCTIONS[`torch.${legacy}`] = legacyConstructor(dtype);
  FUNCTIONS[`torch.cuda.${legacy}`] = legacyConstructor(dtype);
}

/** The modelled function at a canonical path, if any. */
export function apiFunction(path: string): ApiFunction | undefined {
  const f = FUNCTIONS[path];
  if (f) return f;
  if (path.startsWith('torch.nn.') && path.split('.').length === 3) return nnModule(path.slice('torch.nn.'.length));
  return undefined;
}

const CONSTANTS: Readonly<Record<string, number>> = {
  'math.pi': Math.PI,
  'math.e': Math.E,
  'math.inf': Infinity,
  'math.nan': NaN,
  'math.tau': 2 * Math.PI,
  'numpy.pi': Math.PI,
  'numpy.e': Math.E,
  'numpy.inf': Infinity,
  'numpy.nan': NaN,
  'torch.pi': Math.PI,
  'torch.e': Math.E,
  'torch.inf': Infinity,
  'torch.nan': NaN,
};
/** Constants reached by attribute: dtypes, `math.pi`, `torch.inf`... */
export function constantAt(path: string): Value | undefined {
  const dot = path.lastIndexOf('.');
  const module = path.slice(0, dot);
  const member = path.slice(dot + 1);
  if (module === 'torch' && member in TORCH_DTYPES) return { kind: 'dtype', dtype: TORCH_DTYPES[member] ?? null };
  if (module === 'numpy' && member in NUMPY_DTYPES) return { kind: 'dtype', dtype: NUMPY_DTYPES[member] ?? null };

  const constant = CONSTANTS[path];
  return constant === undefined ? undefined : float(constant);
}

// ---------------------------------------------------------------------------------------------------------------------
// Tensor methods and attributes

/** `x.shape`, `x.dtype`, `x.T`, ... */
export function tensorAttribute(limits: ops.OpLimits, self: TensorValue, attr: string): Value | undefined {
  switch (attr) {
    case 'shape':
      return ops.sizeTuple(self);
    case 'dtype':
      return self.dtype ? { kind: 'dtype', dtype: self.dtype } : UNKNOWN;
    case 'T':
      return ops.reverseAxesOp(limits, self);
    case 'mT':
      return self.shape && self.shape.length >= 2 ? ops.transposeOp(limits, self, -2, -1) : UNKNOWN;
    case 'data':
      return self;
    case 'ndim':
      return self.shape ? int(self.shape.length) : UNKNOWN;
    case 'size': {
      // NumPy's size is the element count; torch's is a method.
      if (!self.numpy) return undefined;
      const shape = concreteShape(self.shape);
      return shape ? int(numel(shape)) : UNKNOWN;
    }
    case 'device':
    case 'grad':
    case 'requires_grad':
    case 'is_cuda':
    case 'grad_fn':
      return UNKNOWN;
    default:
      return undefined;
  }
}

/** Calls `self.<method>(...)`. */
export function tensorMethod(self: TensorValue, method: string, c: ApiCall, selfNode?: Expr): Value {
  const L = c.limits;
  const pos = c.args.positional.map((a) => a.value);
  const kw = c.args.keywords;
  const get = (i: number, name: string): Value | undefined => pos[i] ?? kw.get(name)?.value;
  if (method in CAST_METHODS) {
    const to = CAST_METHODS[method]!;
    return ops.castOp(L, self, to);
  }
  if (method in ops.FLOAT_FUNCTIONS || method in ops.SAME_DTYPE_FUNCTIONS) {
    const p = method === 'sigmoid' ? producer(c, 'sigmoid', selfNode) : undefined;
    return ops.elementwiseFunction(L, method, self, p);
  }
  switch (method) {
    case 'to':
    case 'type':
    case 'astype': {
      const target = get(0, method === 'to' ? 'dtype' : 'dtype') ?? kw.get('dtype')?.value;
      if (!target) return method === 'type' ? UNKNOWN : self;
      if (target.kind === 'tensor' && target.dtype) return ops.castOp(L, self, target.dtype);
      if (target.kind === 'ref') {
        const legacy = /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(target.path);
        if (legacy && LEGACY_TENSOR_TYPES[legacy[1]!]) return ops.castOp(L, self, LEGACY_TENSOR_TYPES[legacy[1]!]!);
      }
      if (target.kind === 'str' && method === 'type') {
        const legacy = /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(target.value);
        return legacy && LEGACY_TENSOR_TYPES[legacy[1]!]
          ? ops.castOp(L, self, LEGACY_TENSOR_TYPES[legacy[1]!]!)
          : UNKNOWN;
      }
      const dtype = dtypeArg(target, method === 'astype') ?? dtypeArg(kw.get('dtype')?.value, method === 'astype');
      if (dtype) return ops.castOp(L, self, dtype);
      // `.to(device)` / `.to('cuda')`: values unchanged; a dtype may follow the device.
      const second = dtypeArg(get(1, 'dtype'));
      return second ? ops.castOp(L, self, second) : self;
    }
    case 'contiguous':
    case 'detach':
    case 'clone':
    case 'cpu':
    case 'cuda':
    case 'requires_grad_':
    case 'detach_':
    case 'pin_memory':
      return self;
    case 'numpy':
      return self.data ? known(self.data, { numpy: true }) : shaped(self.shape, self.dtype, { numpy: true });
    case 'reshape':
    case 'view': {
      if (method === 'view' && pos.length === 1 && pos[0]!.kind === 'dtype') return UNKNOWN;
      const sizes =
        pos.length === 1 && pos[0]!.kind === 'seq'
          ? intsOf(pos[0], true)
          : (intsOf(tuple(pos), true) ?? (kw.get('shape') ? intsOf(kw.get('shape')?.value, true) : undefined));
      return sizes ? ops.reshapeOp(L, self, sizes) : UNKNOWN;
    }
    case 'view_as':
    case 'reshape_as': {
      const other = tensorArg(pos[0]);
      return other?.shape ? ops.reshapeOp(L, self, other.shape) : UNKNOWN;
    }
    case 'expand': {
      const sizes = pos.length === 1 && pos[0]!.kind === 'seq' ? intsOf(pos[0], true) : intsOf(tuple(pos), true);
      return sizes ? ops.expandOp(L, self, sizes) : UNKNOWN;
    }
    case 'expand_as': {
      const other = tensorArg(pos[0]);
      return other?.shape ? ops.expandOp(L, self, other.shape) : UNKNOWN;
    }
    case 'repeat': {
      const sizes = pos.length === 1 && pos[0]!.kind === 'seq' ? intsOf(pos[0]) : intsOf(tuple(pos));
      return sizes && sizes.every((s) => s !== null && s >= 0) ? ops.repeatOp(L, self, sizes as number[]) : UNKNOWN;
    }
    case 'flatten': {
      const s = get(0, 'start_dim');
      const e = get(1, 'end_dim');
      return ops.flattenOp(L, self, s ? (intArg(s) ?? 0) : 0, e ? (intArg(e) ?? -1) : -1);
    }
    case 'squeeze': {
      const d = get(0, 'dim');
      if (!d) return ops.squeezeOp(L, self);
      const dim = intArg(d);
      return dim === undefined ? UNKNOWN : ops.squeezeOp(L, self, dim);
    }
    case 'unsqueeze': {
      const dim = intArg(get(0, 'dim'));
      return dim === undefined ? UNKNOWN : ops.unsqueezeOp(L, self, dim);
    }
    case 'permute': {
      const dims =
        pos.length === 1 && pos[0]!.kind === 'seq'
          ? intsOf(pos[0])
          : (intsOf(tuple(pos)) ?? intsOf(kw.get('dims')?.value));
      return dims && dims.every((d) => d !== null) ? ops.permuteOp(L, self, dims as number[]) : UNKNOWN;
    }
    case 'transpose':
    case 'swapaxes': {
      const a = intArg(get(0, 'dim0'));
      const b = intArg(get(1, 'dim1'));
      return a === undefined || b === undefined ? UNKNOWN : ops.transposeOp(L, self, a, b);
    }
    case 't':
      return self.shape && self.shape.length > 2 ? UNKNOWN : ops.reverseAxesOp(L, self);
    case 'size': {
      const d = get(0, 'dim');
      if (!d) return ops.sizeTuple(self);
      const dim = intArg(d);
      if (dim === undefined || !self.shape) return UNKNOWN;
      const axis = normalizeDim(dim, self.shape.length);
      if (axis === undefined || self.shape.length === 0) return UNKNOWN;
      const size = self.shape[axis];
      return size === null || size === undefined ? UNKNOWN : int(size);
    }
    case 'dim':
    case 'ndimension':
      return self.shape ? int(self.shape.length) : UNKNOWN;
    case 'numel':
    case 'nelement': {
      const s = concreteShape(self.shape);
      return s ? int(numel(s)) : UNKNOWN;
    }
    case 'item': {
      const s = scalarOf(self);
      return s ? { kind: 'scalar', value: s } : UNKNOWN;
    }
    case 'tolist':
      return self.data ? tolist(self.data) : UNKNOWN;
    case 'backward':
    case 'zero_':
    case 'retain_grad':
      return NONE;
    case 'softmax':
    case 'log_softmax': {
      const d = get(0, 'dim');
      const dim = intArg(d);
      const dtype = dtypeArg(kw.get('dtype')?.value);
      const p = producer(c, method === 'softmax' ? 'softmax' : 'log_softmax', selfNode);
      if (dim === undefined) return shaped(self.shape, self.dtype, { producer: p });
      return ops.softmaxOp(L, self, dim, method === 'log_softmax', p, dtype);
    }
    case 'clamp':
    case 'clip':
    case 'clamp_': {
      const lo = get(0, 'min');
      const hi = get(1, 'max');
      const min = lo && lo.kind !== 'none' ? numOperand(lo) : undefined;
      const max = hi && hi.kind !== 'none' ? numOperand(hi) : undefined;
      if ((lo && lo.kind !== 'none' && !min) || (hi && hi.kind !== 'none' && !max))
        return shaped(self.shape, undefined);
      return ops.clampOp(L, self, min, max);
    }
    case 'sum':
    case 'mean':
    case 'prod':
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin': {
      const d = get(0, 'dim');
      if (d && d.kind === 'tensor' && (method === 'max' || method === 'min')) {
        // torch.max(a, b): the elementwise maximum.
        return ops.binaryTensorOp(L, method === 'max' ? 'maximum' : 'minimum', self, d);
      }
      const dims = d ? dimsArg(d) : undefined;
      if (d && d.kind !== 'none' && dims === undefined) return UNKNOWN;
      const keep = truthy(get(1, 'keepdim')) ?? false;
      const dtype = dtypeArg(kw.get('dtype')?.value);
      return ops.reduceOp(L, self, method, dims, keep, dtype);
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'eq':
    case 'ne':
    case 'gt':
    case 'lt':
    case 'ge':
    case 'le':
    case 'matmul': {
      const other = numOperand(get(0, 'other') ?? get(0, 'exponent'));
      if (!other) return UNKNOWN;
      const op = {
        add: '+',
        sub: '-',
        mul: '*',
        div: '/',
        pow: '**',
        eq: '==',
        ne: '!=',
        gt: '>',
        lt: '<',
        ge: '>=',
        le: '<=',
        matmul: '@',
      }[method]!;
      return ops.binaryTensorOp(L, op, self, other);
    }
    case 'isnan':
      return ops.binaryTensorOp(L, '!=', self, self);
    case 'index_select':
    case 'gather':
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function tolist(t: Tensor): Value {
  const leaf = (x: number): Value => (t.dtype === 'bool' ? bool(x !== 0) : isFloating(t.dtype) ? float(x) : int(x));
  if (t.shape.length === 0) return leaf(t.data[0]!);
  const build = (dim: number, offset: number): Value => {
    const size = t.shape[dim]!;
    const stride = numel(t.shape.slice(dim + 1));
    const items: Value[] = [];
    for (let i = 0; i < size; i++)
      items.push(dim === t.shape.length - 1 ? leaf(t.data[offset + i]!) : build(dim + 1, offset + i * stride));
    return { kind: 'seq', items, tuple: false };
  };
  return numel(t.shape) > 100_000 ? UNKNOWN : build(0, 0);
}
