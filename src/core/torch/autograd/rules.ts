/**
 * What each op records for autograd: PyTorch's `grad_fn` name (looked up in the labelled tables of names.ts by a
 * variant key) and the vector-Jacobian product of the op. Ops that only move elements (views, indexing, gather,
 * cat, embedding, ...) share one rule: the op is replayed on numbered copies of its inputs, which tells where each
 * output element came from, and the gradient flows back along that map.
 */
import { isFloating, numel } from '../../tensor';
import { bind, isSequence, itemsOf, type IndexArg, type TArg } from '../args';
import { reductionDims, wrapDim } from '../dims';
import { NotModelled } from '../errors';
import { TorchTensor, broadcastOffsets, broadcastValues } from '../tensor';
import { GradNode, attach, edgeTo, type AutogradTensor, type BackwardFn, type TorchVersion } from './graph';
import { AUTOGRAD_NAMES } from './names';

/** One op call as the interpreter made it. */
export interface OpCall {
  /** The torch function or Tensor method name (`add`, `sum`, `view`, ...), or `__getitem__`. */
  readonly name: string;
  /** Positional arguments; a method's tensor first. */
  readonly args: readonly TArg[];
  readonly kwargs: ReadonlyMap<string, TArg>;
  /** The subscript of `__getitem__`. */
  readonly index?: IndexArg;
  /** Runs the same op again with some tensors swapped (selection ops learn their index map this way). */
  readonly replay: (swap: (t: TorchTensor) => TorchTensor) => TArg;
}

/** What recording needs of the run. */
export interface RecordContext {
  readonly version: TorchVersion;
}

/** What a rule gives: the name key, the inputs with edges, their backward. */
interface Recorded {
  readonly key: string;
  readonly inputs: readonly TorchTensor[];
  readonly backward: BackwardFn;
  readonly saves?: boolean;
}

type Rule = (call: OpCall, out: TorchTensor, outIndex: number, version: TorchVersion) => Recorded | null;

/** All tensors among the arguments (lists of tensors included). */
function tensorsIn(args: readonly TArg[], kwargs: ReadonlyMap<string, TArg>): TorchTensor[] {
  const out: TorchTensor[] = [];
  const walk = (a: TArg | undefined): void => {
    if (a instanceof TorchTensor) out.push(a);
    else if (isSequence(a)) itemsOf(a).forEach(walk);
  };
  args.forEach(walk);
  kwargs.forEach(walk);
  return out;
}

function requiresGrad(t: TorchTensor): boolean {
  return (t as AutogradTensor).requiresGrad === true;
}

/**
 * Records `result` of `call` when an input requires grad: a node with PyTorch's name and the op's backward. An op
 * without a rule still marks its result as requiring grad, with a node whose name printing and backward report as
 * not modelled.
 */
export function recordOp(rc: RecordContext, call: OpCall, result: TArg): void {
  if (NO_GRAD.has(call.name)) return;
  const inputs = tensorsIn(call.args, call.kwargs);
  if (!inputs.some(requiresGrad)) return;
  const outputs: TorchTensor[] =
    result instanceof TorchTensor
      ? [result]
      : isSequence(result)
        ? itemsOf(result).map((r) => (r instanceof TorchTensor ? r : (null as unknown as TorchTensor)))
        : [];
  outputs.forEach((out, i) => {
    if (!out || !isFloating(out.dtype) || out.flavor !== 'torch' || inputs.includes(out)) return;
    const rule = RULES[call.name];
    let rec: Recorded | null | undefined;
    try {
      rec = rule ? rule(withDimAlias(call), out, i, rc.version) : undefined;
    } catch {
      // Arguments a rule does not read (an unusual spelling of a valid call): the op runs, its gradient is not modelled.
      rec = undefined;
    }
    if (rec === null) return;
    if (!rec) {
      attach(out, notModelledNode(call.name, out));
      return;
    }
    const name = AUTOGRAD_NAMES[rc.version].names[rec.key];
    if (name === null) return;
    const node = new GradNode(
      name && !name.startsWith('!') ? name : `${call.name}'s backward`,
      rec.inputs.map((t) => edgeTo(t)),
      rec.inputs.map((t) => ({ shape: [...t.shape], dtype: t.dtype })),
      rec.backward,
      [...out.shape],
      rec.saves ?? true,
    );
    attach(out, node);
    // Saved after attaching: a saved output is "output 0 of" this node.
    if (rec.saves !== false) {
      const uses = savedBy(rec.key);
      node.save([...(uses.inputs ? rec.inputs : []), ...(uses.output ? [out] : [])]);
    }
  });
}

/** PyTorch's NumPy-style `axis=` for `dim=`, as the tensor library accepts it. */
function withDimAlias(call: OpCall): OpCall {
  if (!call.kwargs.has('axis') || call.kwargs.has('dim')) return call;
  const kwargs = new Map<string, TArg>();
  for (const [k, v] of call.kwargs) kwargs.set(k === 'axis' ? 'dim' : k, v);
  return { ...call, kwargs };
}

/** Ops whose results never require grad: factories that read only a shape or dtype, integer results, copies of data. */
const NO_GRAD = new Set([
  'zeros_like',
  'ones_like',
  'full_like',
  'empty_like',
  'rand_like',
  'randn_like',
  'randint_like',
  'new_zeros',
  'new_ones',
  'new_full',
  'new_empty',
  'new_tensor',
  'tensor',
  'argmax',
  'argmin',
  'argsort',
  'one_hot',
  'detach',
  'bernoulli',
  'multinomial',
]);

/** Backwards that read the op's result (exp, tanh, softmax, ...): the output alone, or with the inputs. */
const READS_OUTPUT_ONLY = new Set([
  'exp',
  'expm1',
  'sqrt',
  'rsqrt',
  'sigmoid',
  'tanh',
  'tan',
  'reciprocal',
  'softmax',
  'log_softmax',
]);
const READS_OUTPUT_TOO =
  /^(logsumexp|norm|linalg|amax|amin|max\/all|min\/all|std|pow\/(tt|st)|cosine_similarity|pairwise_distance|F\.elu)/;

function savedBy(key: string): { inputs: boolean; output: boolean } {
  if (READS_OUTPUT_ONLY.has(key)) return { inputs: false, output: true };
  return { inputs: true, output: READS_OUTPUT_TOO.test(key) };
}

/**
 * Makes `out` the output of an op whose gradient is not modelled (a layer's forward): backward through it stops.
 * `name` is the `grad_fn` PyTorch prints for it, where known.
 */
export function recordNotModelled(op: string, out: TorchTensor, name?: string): void {
  attach(out, notModelledNode(op, out, name));
}

function notModelledNode(op: string, out: TorchTensor, name = `${op}'s backward`): GradNode {
  return new GradNode(
    name,
    [],
    [],
    () => {
      throw new NotModelled(`the gradient of ${op}`);
    },
    [...out.shape],
  );
}

/**
 * Records a built-in loss's output: its backward scales the loss engine's gradient of the loss (of the sum of the
 * elements for `reduction='none'`) by the incoming gradient, element by element for an unreduced loss.
 */
export function recordLoss(
  out: TorchTensor,
  name: string,
  inputs: readonly { readonly tensor: TorchTensor; readonly gradient: ArrayLike<number> }[],
): void {
  const outN = numel(out.shape);
  const node = new GradNode(
    name,
    inputs.map((i) => edgeTo(i.tensor)),
    inputs.map((i) => ({ shape: [...i.tensor.shape], dtype: i.tensor.dtype })),
    (g) =>
      inputs.map(({ tensor, gradient }) => {
        const n = gradient.length;
        const r = new Float64Array(n);
        if (outN === 1) {
          for (let k = 0; k < n; k++) r[k] = g[0]! * gradient[k]!;
          return r;
        }
        // Unreduced: output element j depends on input elements j·n/outN … (j+1)·n/outN−1 (a row of classes, or
        // one element) when the class dim is the last or there is none; otherwise the class dim is dim 1.
        const group = lossGroups(tensor.shape, out.shape);
        if (!group) throw new NotModelled(`the gradient of ${name} with reduction='none' for these shapes`);
        for (let k = 0; k < n; k++) r[k] = g[group[k]!]! * gradient[k]!;
        return r;
      }),
    [...out.shape],
  );
  attach(out, node);
}

/** For an unreduced loss, the output element each input element belongs to (same shape, or dim 1 dropped). */
function lossGroups(inShape: readonly number[], outShape: readonly number[]): Int32Array | null {
  const n = numel(inShape);
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) {
    return Int32Array.from({ length: n }, (_, k) => k);
  }
  const dropped = inShape.length === 1 ? [] : inShape.filter((_, i) => i !== 1);
  if (dropped.length === outShape.length && dropped.every((d, i) => d === outShape[i])) {
    return groupIndex(inShape, [inShape.length === 1 ? 0 : 1]).group;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Sums a gradient of `outShape` down to a broadcast operand's `inShape`. */
export function unbroadcast(g: Float64Array, outShape: readonly number[], inShape: readonly number[]): Float64Array {
  const offsets = broadcastOffsets(inShape, outShape);
  if (!offsets) return g;
  const r = new Float64Array(numel(inShape));
  for (let k = 0; k < g.length; k++) r[offsets[k]!] = r[offsets[k]!]! + g[k]!;
  return r;
}

/**
 * For each element of a tensor of `shape`, the flat index of its group when `dims` are reduced (all dims for null),
 * its coordinate along the first reduced dim, and the group size.
 */
export function groupIndex(
  shape: readonly number[],
  dims: readonly number[] | null,
): { group: Int32Array; coord: Int32Array; size: number; groups: number } {
  const rank = shape.length;
  const reduced = shape.map((_, i) => dims === null || dims.includes(i));
  const n = numel(shape);
  const group = new Int32Array(n);
  const coord = new Int32Array(n);
  const outStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!reduced[d]) {
      outStrides[d] = s;
      s *= shape[d]!;
    }
  }
  const first = reduced.indexOf(true);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let gi = 0;
    for (let d = 0; d < rank; d++) gi += idx[d]! * outStrides[d]!;
    group[k] = gi;
    coord[k] = first >= 0 ? idx[first]! : 0;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  const groups = Math.max(1, s);
  return { group, coord, size: n / Math.max(1, groups) || 0, groups };
}

function values(t: TorchTensor): Float64Array {
  return Float64Array.from(t.data);
}

type Operand = TorchTensor | number;

function operand(a: TArg | undefined): Operand | undefined {
  if (a instanceof TorchTensor) return a;
  if (typeof a === 'number') return a;
  if (typeof a === 'bigint') return Number(a);
  if (typeof a === 'boolean') return a ? 1 : 0;
  return undefined;
}

/**
 * An elementwise op over broadcast operands: `partial(j, x, y)` is d out / d operand j at one element, given the
 * operands' values `x` there and the output value `y`.
 */
function pointwise(
  key: string,
  operands: readonly (Operand | undefined)[],
  out: TorchTensor,
  partial: (j: number, x: readonly number[], y: number) => number,
  saves = true,
): Recorded {
  const tensors = operands
    .map((o, j) => ({ o, j }))
    .filter((e): e is { o: TorchTensor; j: number } => e.o instanceof TorchTensor);
  const backward: BackwardFn = (g) => {
    const xs = operands.map((o) => (o instanceof TorchTensor ? broadcastValues(o, out.shape) : o));
    const y = out.data;
    const x = new Array<number>(operands.length).fill(0);
    return tensors.map(({ o, j }) => {
      if (!requiresGrad(o)) return null;
      const r = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) {
        for (let m = 0; m < xs.length; m++) {
          const v = xs[m];
          x[m] = v instanceof Float64Array ? v[k]! : (v ?? 0);
        }
        const gk = g[k]!;
        r[k] = gk === 0 ? 0 : gk * partial(j, x, y[k]!);
      }
      return unbroadcast(r, out.shape, o.shape);
    });
  };
  return { key, inputs: tensors.map((e) => e.o), backward, saves };
}

/** `tt`, `ts` or `st`: which of two operands are tensors (a Python scalar is `s`). */
function kinds(a: TArg | undefined, b: TArg | undefined): string {
  return `${a instanceof TorchTensor ? 't' : 's'}${b instanceof TorchTensor ? 't' : 's'}`;
}

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** d y / d x of the unary math functions, from the input `x` and output `y`. */
const UNARY: Readonly<Record<string, (x: number, y: number) => number>> = {
  exp: (_x, y) => y,
  log: (x) => 1 / x,
  log2: (x) => 1 / (x * Math.LN2),
  log10: (x) => 1 / (x * Math.LN10),
  log1p: (x) => 1 / (1 + x),
  expm1: (_x, y) => y + 1,
  sqrt: (_x, y) => 1 / (2 * y),
  rsqrt: (_x, y) => -0.5 * y * y * y,
  abs: (x) => sign(x),
  sigmoid: (_x, y) => y * (1 - y),
  tanh: (_x, y) => 1 - y * y,
  relu: (x) => (x > 0 ? 1 : 0),
  sin: (x) => Math.cos(x),
  cos: (x) => -Math.sin(x),
  tan: (_x, y) => 1 + y * y,
  sinh: (x) => Math.cosh(x),
  cosh: (x) => Math.sinh(x),
  atan: (x) => 1 / (1 + x * x),
  square: (x) => 2 * x,
  reciprocal: (_x, y) => -y * y,
  erf: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
  sign: () => 0,
  round: () => 0,
  floor: () => 0,
  neg: () => -1,
  silu: (x) => {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 + x * (1 - s));
  },
  gelu: (x) => 0.5 * (1 + erfOf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / SQRT_2PI,
  logsigmoid: (x) => 1 / (1 + Math.exp(x)),
};

function erfOf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for a gradient; integrate the series / continued fraction instead.
  const t = Math.abs(x);
  if (t < 3) {
    let sum = t;
    let term = t;
    for (let n = 1; n < 200; n++) {
      term *= (-t * t) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  return sign(x) * (1 - (Math.exp(-t * t) / (t * Math.sqrt(Math.PI))) * (1 - 1 / (2 * t * t)));
}

/** The grad_fn key of a unary function reached as `torch.f`, `Tensor.f` or `F.f`. */
const UNARY_KEY: Readonly<Record<string, string>> = { silu: 'F.silu', gelu: 'F.gelu', logsigmoid: 'F.logsigmoid' };

function unaryRule(name: string): Rule {
  return (call, out) => {
    const x = call.args[0];
    if (!(x instanceof TorchTensor)) return undefined as unknown as Recorded;
    const d = UNARY[name]!;
    return pointwise(UNARY_KEY[name] ?? name, [x], out, (_j, v, y) => d(v[0]!, y), name !== 'neg');
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Binary arithmetic

function arithmetic(op: 'add' | 'sub' | 'mul' | 'div' | 'pow'): Rule {
  return (call, out) => {
    const b = bind(op, 'input, other, *, alpha=1, rounding_mode=None', call.args, call.kwargs);
    if (op === 'div' && b.rounding_mode !== undefined && b.rounding_mode !== null) return undefined as never;
    const a = operand(b.input);
    const o = operand(b.other);
    const alpha = b.alpha === undefined ? 1 : Number(b.alpha);
    const k = kinds(b.input, b.other);
    switch (op) {
      case 'add':
        return pointwise('add/' + k, [a, o], out, (j) => (j === 0 ? 1 : alpha), false);
      case 'sub':
        return pointwise('sub/' + k, [a, o], out, (j) => (j === 0 ? 1 : -alpha), false);
      case 'mul':
        return pointwise('mul/' + k, [a, o], out, (j, x) => (j === 0 ? x[1]! : x[0]!));
      case 'div':
        return pointwise('div/' + k, [a, o], out, (j, x) => (j === 0 ? 1 / x[1]! : -x[0]! / (x[1]! * x[1]!)));
      case 'pow':
        return pointwise('pow/' + k, [a, o], out, (j, x, y) => {
          const base = x[0]!;
          const e = x[1]!;
          if (j === 0) return e === 0 ? 0 : e * Math.pow(base, e - 1);
          return base === 0 && e >= 0 ? 0 : y * Math.log(base);
        });
    }
  };
}

function extremum(which: 'maximum' | 'minimum'): Rule {
  return (call, out) => {
    const a = operand(call.args[0]);
    const o = operand(call.args[1] ?? call.kwargs.get('other'));
    return pointwise(which, [a, o], out, (j, x) => {
      if (x[0] === x[1]) return 0.5;
      const firstWins = which === 'maximum' ? x[0]! > x[1]! : x[0]! < x[1]!;
      return (j === 0) === firstWins ? 1 : 0;
    });
  };
}

const clampRule =
  (name: 'clamp' | 'clamp_min' | 'clamp_max'): Rule =>
  (call, out) => {
    const spec = name === 'clamp' ? 'input, min=None, max=None' : name === 'clamp_min' ? 'input, min' : 'input, max';
    const b = bind(name, spec, call.args, call.kwargs);
    const lo = b.min === undefined || b.min === null ? undefined : operand(b.min);
    const hi = b.max === undefined || b.max === null ? undefined : operand(b.max);
    const tensorBound = lo instanceof TorchTensor || hi instanceof TorchTensor;
    const key =
      name !== 'clamp'
        ? name
        : tensorBound
          ? 'clamp/tensor'
          : lo !== undefined && hi !== undefined
            ? 'clamp/both'
            : lo !== undefined
              ? 'clamp/min'
              : 'clamp/max';
    const x = b.input as TorchTensor;
    // The bounds are treated as constants (a bound that requires grad gets none).
    const loV = lo instanceof TorchTensor ? broadcastValues(lo, out.shape) : lo;
    const hiV = hi instanceof TorchTensor ? broadcastValues(hi, out.shape) : hi;
    return {
      key,
      inputs: [x],
      backward: (g) => {
        const xv = broadcastValues(x, out.shape);
        const r = new Float64Array(g.length);
        for (let k = 0; k < g.length; k++) {
          const l = loV instanceof Float64Array ? loV[k]! : loV;
          const h = hiV instanceof Float64Array ? hiV[k]! : hiV;
          const inside = (l === undefined || xv[k]! >= l) && (h === undefined || xv[k]! <= h);
          r[k] = inside ? g[k]! : 0;
        }
        return [unbroadcast(r, out.shape, x.shape)];
      },
    };
  };

// ---------------------------------------------------------------------------------------------------------------
// Reductions and softmax

function dimsOf(a: TArg | undefined, rank: number): number[] | null {
  return reductionDims(a, rank);
}

/** A reduction whose gradient is `g[group] · partial(x, y, groupSize)` for each input element. */
function reduceRule(
  call: OpCall,
  out: TorchTensor,
  key: string,
  dims: number[] | null,
  partial: (x: number, y: number, size: number, k: number) => number,
): Recorded {
  const x = call.args[0] as TorchTensor;
  return {
    key,
    inputs: [x],
    saves: !key.startsWith('sum') && !key.startsWith('mean'),
    backward: (g) => {
      const { group, size } = groupIndex(x.shape, dims);
      const r = new Float64Array(numel(x.shape));
      for (let k = 0; k < r.length; k++) {
        const gi = group[k]!;
        r[k] = g[gi]! * partial(x.data[k]!, out.data[gi]!, size, k);
      }
      return [r];
    },
  };
}

const sumMean =
  (kind: 'sum' | 'mean'): Rule =>
  (call, out) => {
    const b = bind(kind, 'input, dim=None, keepdim=False, *, dtype=None', call.args, call.kwargs);
    const x = b.input as TorchTensor;
    const dims = dimsOf(b.dim, x.shape.length);
    const key = `${kind}/${dims === null ? (b.dtype !== undefined && b.dtype !== null ? 'dtype' : 'all') : 'dim'}`;
    return reduceRule({ ...call, args: [x] }, out, key, dims, (_x, _y, size) => (kind === 'mean' ? 1 / size : 1));
  };

const prodRule: Rule = (call) => {
  const b = bind('prod', 'input, dim=None, keepdim=False, *, dtype=None', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const dims = dimsOf(b.dim, x.shape.length);
  return {
    key: dims === null ? 'prod/all' : 'prod/dim',
    inputs: [x],
    backward: (g) => {
      const { group, groups } = groupIndex(x.shape, dims);
      const r = new Float64Array(numel(x.shape));
      // The product of the others, computed directly (x may hold zeros).
      const members: number[][] = Array.from({ length: groups }, () => []);
      for (let k = 0; k < r.length; k++) members[group[k]!]!.push(k);
      for (let gi = 0; gi < groups; gi++) {
        const ks = members[gi]!;
        for (const k of ks) {
          let p = 1;
          for (const m of ks) if (m !== k) p *= x.data[m]!;
          r[k] = g[gi]! * p;
        }
      }
      return [r];
    },
  };
};

/** amax/amin and max()/min() over all elements: the gradient shared evenly by the tied extremes. */
function evenExtreme(call: OpCall, out: TorchTensor, key: string, dims: number[] | null): Recorded {
  const x = call.args[0] as TorchTensor;
  return {
    key,
    inputs: [x],
    backward: (g) => {
      const { group, groups } = groupIndex(x.shape, dims);
      const count = new Float64Array(groups);
      for (let k = 0; k < group.length; k++) if (x.data[k] === out.data[group[k]!]) count[group[k]!]!++;
      const r = new Float64Array(group.length);
      for (let k = 0; k < group.length; k++) {
        const gi = group[k]!;
        r[k] = x.data[k] === out.data[gi] ? g[gi]! / count[gi]! : 0;
      }
      return [r];
    },
  };
}

const amaxAmin =
  (which: 'amax' | 'amin'): Rule =>
  (call, out) => {
    const b = bind(which, 'input, dim=None, keepdim=False', call.args, call.kwargs);
    const x = b.input as TorchTensor;
    return evenExtreme({ ...call, args: [x] }, out, which, dimsOf(b.dim, x.shape.length));
  };

/** Values picked along `dim` at the positions an indices output names (max/min with dim, sort, topk). */
function pickedAlong(key: string, x: TorchTensor, dim: number, indices: TorchTensor, keepdim: boolean): Recorded {
  return {
    key,
    inputs: [x],
    backward: (g) => {
      const rank = x.shape.length;
      const idxShape = keepdim || indices.shape.length === rank ? indices.shape : [...indices.shape];
      if (!keepdim && indices.shape.length !== rank) idxShape.splice(dim, 0, 1);
      const r = new Float64Array(numel(x.shape));
      const xStrides = strides(x.shape);
      const pos = new Array<number>(rank).fill(0);
      for (let k = 0; k < indices.data.length; k++) {
        let off = 0;
        for (let d = 0; d < rank; d++) off += (d === dim ? Number(indices.data[k]) : pos[d]!) * xStrides[d]!;
        r[off] = r[off]! + g[k]!;
        for (let d = rank - 1; d >= 0; d--) {
          if (++pos[d]! < idxShape[d]!) break;
          pos[d] = 0;
        }
      }
      return [r];
    },
  };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

const maxMin =
  (which: 'max' | 'min'): Rule =>
  (call, out, outIndex) => {
    const b = bind(which, 'input, dim=None, keepdim=False', call.args, call.kwargs);
    const x = b.input as TorchTensor;
    if (b.dim instanceof TorchTensor) return extremum(which === 'max' ? 'maximum' : 'minimum')(call, out, 0, '2.x');
    if (b.dim === undefined || b.dim === null) return evenExtreme({ ...call, args: [x] }, out, `${which}/all`, null);
    if (outIndex !== 0) return null;
    const dim = wrapDim(Number(b.dim), x.shape.length);
    const replayed = call.replay((t) => t);
    const indices = isSequence(replayed) ? (itemsOf(replayed)[1] as TorchTensor) : undefined;
    if (!indices) return undefined as never;
    return pickedAlong(`${which}/dim`, x, dim, indices, b.keepdim === true);
  };

const sortTopk =
  (which: 'sort' | 'topk'): Rule =>
  (call, out, outIndex) => {
    if (outIndex !== 0) return null;
    const x = call.args[0] as TorchTensor;
    const spec = which === 'sort' ? 'input, dim=-1, descending=False' : 'input, k, dim=-1, largest=True, sorted=True';
    const b = bind(which, spec, call.args, call.kwargs);
    const dim = wrapDim(b.dim === undefined ? -1 : Number(b.dim), x.shape.length);
    const replayed = call.replay((t) => t);
    const indices = isSequence(replayed) ? (itemsOf(replayed)[1] as TorchTensor) : undefined;
    if (!indices) return undefined as never;
    void out;
    return pickedAlong(which, x, dim, indices, true);
  };

const logsumexpRule: Rule = (call, out) => {
  const b = bind('logsumexp', 'input, dim, keepdim=False', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  return reduceRule({ ...call, args: [x] }, out, 'logsumexp', dimsOf(b.dim, x.shape.length) ?? [], (v, y) =>
    Math.exp(v - y),
  );
};

function normPartial(p: number): (x: number, y: number) => number {
  return (x, y) => {
    if (p === 2) return y === 0 ? 0 : x / y;
    if (p === 1) return sign(x);
    if (p === Infinity) return Math.abs(x) === y ? sign(x) : 0;
    return y === 0 ? 0 : (x * Math.pow(Math.abs(x), p - 2)) / Math.pow(y, p - 1);
  };
}

const normRule =
  (key: 'norm' | 'linalg.vector_norm' | 'linalg.norm'): Rule =>
  (call, out) => {
    const spec =
      key === 'norm'
        ? "input, p='fro', dim=None, keepdim=False, dtype=None"
        : 'input, ord=2, dim=None, keepdim=False, *, dtype=None';
    const b = bind(key, spec, call.args, call.kwargs);
    const x = b.input as TorchTensor;
    const pArg = key === 'norm' ? b.p : b.ord;
    const p = pArg === undefined || pArg === null || pArg === 'fro' ? 2 : Number(pArg);
    const dims = dimsOf(b.dim, x.shape.length);
    const name = key === 'norm' ? (dims === null ? 'norm/all' : p === 1 ? 'norm/p1' : 'norm/dim') : key;
    return reduceRule({ ...call, args: [x] }, out, name, dims, normPartial(p));
  };

const varStd =
  (kind: 'var' | 'std'): Rule =>
  (call, out) => {
    const b = bind(kind, 'input, dim=None, unbiased=None, keepdim=False, *, correction=None', call.args, call.kwargs);
    const x = b.input as TorchTensor;
    let dimArg = b.dim;
    let unbiased = b.unbiased;
    if (typeof dimArg === 'boolean') {
      unbiased = dimArg;
      dimArg = undefined;
    }
    const correction =
      b.correction !== undefined && b.correction !== null ? Number(b.correction) : unbiased === false ? 0 : 1;
    const dims = dimsOf(dimArg, x.shape.length);
    const key = dims === null ? kind : `${kind}/dim`;
    return {
      key,
      inputs: [x],
      backward: (g) => {
        const { group, groups, size } = groupIndex(x.shape, dims);
        const mean = new Float64Array(groups);
        for (let k = 0; k < group.length; k++) mean[group[k]!] = mean[group[k]!]! + x.data[k]!;
        for (let i = 0; i < groups; i++) mean[i] = mean[i]! / size;
        const r = new Float64Array(group.length);
        for (let k = 0; k < group.length; k++) {
          const gi = group[k]!;
          const dvar = (2 * (x.data[k]! - mean[gi]!)) / (size - correction);
          r[k] = g[gi]! * (kind === 'var' ? dvar : dvar / (2 * out.data[gi]!));
        }
        return [r];
      },
    };
  };

const cumsumRule: Rule = (call) => {
  const b = bind('cumsum', 'input, dim, *, dtype=None', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const dim = wrapDim(Number(b.dim), x.shape.length);
  return {
    key: 'cumsum',
    inputs: [x],
    saves: false,
    backward: (g) => {
      const s = strides(x.shape);
      const len = x.shape[dim]!;
      const r = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) {
        const c = Math.floor(k / s[dim]!) % len;
        if (c !== len - 1) continue;
        // Walk the line backwards from its last element: a reversed cumulative sum.
        let acc = 0;
        for (let i = len - 1; i >= 0; i--) {
          const at = k - (len - 1 - i) * s[dim]!;
          acc += g[at]!;
          r[at] = acc;
        }
      }
      return [r];
    },
  };
};

const softmaxRule =
  (log: boolean): Rule =>
  (call, out) => {
    const b = bind(
      log ? 'log_softmax' : 'softmax',
      'input, dim=None, _stacklevel=3, dtype=None',
      call.args,
      call.kwargs,
    );
    const x = b.input as TorchTensor;
    const rank = x.shape.length;
    const dim =
      b.dim === undefined || b.dim === null
        ? rank === 0 || rank === 1 || rank === 3
          ? 0
          : 1
        : wrapDim(Number(b.dim), rank);
    return {
      key: log ? 'log_softmax' : 'softmax',
      inputs: [x],
      backward: (g) => {
        const { group, groups } = groupIndex(out.shape, [dim]);
        const acc = new Float64Array(groups);
        const y = out.data;
        for (let k = 0; k < g.length; k++) acc[group[k]!] = acc[group[k]!]! + (log ? g[k]! : g[k]! * y[k]!);
        const r = new Float64Array(g.length);
        for (let k = 0; k < g.length; k++) {
          r[k] = log ? g[k]! - Math.exp(y[k]!) * acc[group[k]!]! : y[k]! * (g[k]! - acc[group[k]!]!);
        }
        return [r];
      },
    };
  };

// ---------------------------------------------------------------------------------------------------------------
// Selection: ops whose output elements are input elements (or zeros)

/** The numbered copy of `t`: element i holds `base + i + 1` (0 stays free for "no source"). */
function numbered(t: TorchTensor, base: number): TorchTensor {
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = base + i + 1;
  return new TorchTensor('float64', t.shape, data, t.flavor);
}

function selection(key: string | ((call: OpCall) => string), saves = false): Rule {
  return (call, _out, outIndex) => {
    const inputs = tensorsIn(call.args, call.kwargs).filter((t) => isFloating(t.dtype));
    return {
      key: typeof key === 'string' ? key : key(call),
      inputs,
      saves,
      backward: (g) => {
        const bases: number[] = [];
        let base = 0;
        const swapped = new Map<TorchTensor, TorchTensor>();
        for (const t of inputs) {
          bases.push(base);
          if (!swapped.has(t)) swapped.set(t, numbered(t, base));
          base += t.data.length;
        }
        const r0 = call.replay((t) => swapped.get(t) ?? t);
        const r = r0 instanceof TorchTensor ? r0 : isSequence(r0) ? itemsOf(r0)[outIndex] : undefined;
        if (!(r instanceof TorchTensor) || r.data.length !== g.length)
          throw new NotModelled(`the gradient of ${call.name}`);
        const grads = inputs.map((t) => new Float64Array(t.data.length));
        for (let k = 0; k < g.length; k++) {
          const v = r.data[k]!;
          if (!(v > 0)) continue;
          let j = inputs.length - 1;
          while (j > 0 && v <= bases[j]!) j--;
          const gj = grads[j]!;
          gj[v - bases[j]! - 1] = gj[v - bases[j]! - 1]! + g[k]!;
        }
        // The same tensor passed twice (`torch.cat([x, x])`) gets both shares through its first edge.
        const firstOf = new Map<TorchTensor, number>();
        return inputs.map((t, j) => {
          const first = firstOf.get(t);
          if (first === undefined) {
            firstOf.set(t, j);
            for (let m = j + 1; m < inputs.length; m++) {
              if (inputs[m] === t) {
                const other = grads[m]!;
                const mine = grads[j]!;
                for (let i = 0; i < mine.length; i++) mine[i] = mine[i]! + other[i]!;
              }
            }
            return grads[j]!;
          }
          return null;
        });
      },
    };
  };
}

/** The grad_fn key of `t[index]`: the last view op PyTorch applies, or an advanced index. */
function indexKey(call: OpCall, version: TorchVersion): string {
  const index = call.index;
  const items: IndexArg[] =
    index !== null &&
    typeof index === 'object' &&
    !(index instanceof TorchTensor) &&
    !Array.isArray(index) &&
    index.kind === 'tuple'
      ? index.items
      : [index as IndexArg];
  if (items.some((i) => i instanceof TorchTensor || Array.isArray(i))) return 'index/tensor';
  // torch 2.x skips full slices inside a tuple (x[:, :] is an alias), 1.13 applies them.
  const skipFull = AUTOGRAD_NAMES[version].names['index/slice-slice'] === 'AliasBackward0' && items.length > 1;
  let last = '';
  for (const i of items) {
    if (typeof i === 'bigint' || typeof i === 'boolean') last = 'index/int';
    else if (i === null) last = 'index/none';
    else if (typeof i === 'object' && !(i instanceof TorchTensor) && !Array.isArray(i) && i.kind === 'slice') {
      const full = (i.start === null || i.start === 0n) && i.stop === null && (i.step === null || i.step === 1n);
      if (!(full && skipFull)) last = 'index/slice';
    }
  }
  if (last) return last;
  return items.length > 1 ? 'index/slice-slice' : 'index/ellipsis';
}

// ---------------------------------------------------------------------------------------------------------------
// Where and masked_fill

const whereRule: Rule = (call, out) => {
  const c = call.args[0] as TorchTensor;
  const a = operand(call.args[1] ?? call.kwargs.get('input'));
  const o = operand(call.args[2] ?? call.kwargs.get('other'));
  const rec = pointwise('where', [c, a, o], out, (j, x) => (j === 1 ? (x[0] ? 1 : 0) : x[0] ? 0 : 1));
  return {
    ...rec,
    inputs: rec.inputs.slice(c instanceof TorchTensor ? 1 : 0),
    backward: (g) => rec.backward(g).slice(1),
  };
};

const maskedFillRule: Rule = (call, out) => {
  const b = bind('masked_fill', 'input, mask, value', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const mask = b.mask as TorchTensor;
  const value = b.value instanceof TorchTensor ? b.value : undefined;
  return {
    key: value ? 'masked_fill/tensor-value' : 'masked_fill',
    inputs: value ? [x, value] : [x],
    backward: (g) => {
      const m = broadcastValues(mask, out.shape);
      const r = new Float64Array(g.length);
      let filled = 0;
      for (let k = 0; k < g.length; k++) {
        if (m[k]) filled += g[k]!;
        else r[k] = g[k]!;
      }
      const gx = unbroadcast(r, out.shape, x.shape);
      return value ? [gx, new Float64Array(value.data.length).fill(filled)] : [gx];
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Linear algebra

function matT(values: Float64Array, batch: number, rows: number, cols: number): Float64Array {
  const r = new Float64Array(values.length);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) r[b * rows * cols + j * rows + i] = values[b * rows * cols + i * cols + j]!;
  return r;
}

/** C[b] = A[b] · B[b] for row-major batches (A: n×k, B: k×m). */
function bmmValues(a: Float64Array, b: Float64Array, batch: number, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(batch * n * m);
  for (let p = 0; p < batch; p++)
    for (let i = 0; i < n; i++)
      for (let q = 0; q < k; q++) {
        const av = a[p * n * k + i * k + q]!;
        if (av === 0) continue;
        for (let j = 0; j < m; j++)
          c[p * n * m + i * m + j] = c[p * n * m + i * m + j]! + av * b[p * k * m + q * m + j]!;
      }
  return c;
}

/**
 * The gradients of `matmul(a, b)` (NumPy's rules: 1-d operands promoted then their dim removed, batch dims
 * broadcast): dA = g·Bᵀ, dB = Aᵀ·g, each summed over the batch dims it was broadcast along.
 */
function matmulGrads(a: TorchTensor, b: TorchTensor, g: Float64Array): [Float64Array, Float64Array] {
  const aShape = a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bShape = b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const n = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const m = bShape[bShape.length - 1]!;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batchShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = aBatch[i - (rank - aBatch.length)] ?? 1;
    const y = bBatch[i - (rank - bBatch.length)] ?? 1;
    batchShape.push(x === 1 ? y : x);
  }
  const batch = numel(batchShape);
  const aFull = broadcastValues(new TorchTensor('float64', aShape, Float64Array.from(a.data)), [...batchShape, n, k]);
  const bFull = broadcastValues(new TorchTensor('float64', bShape, Float64Array.from(b.data)), [...batchShape, k, m]);
  const gA = bmmValues(g, matT(bFull, batch, k, m), batch, n, m, k);
  const gB = bmmValues(matT(aFull, batch, n, k), g, batch, k, n, m);
  return [unbroadcast(gA, [...batchShape, n, k], aShape), unbroadcast(gB, [...batchShape, k, m], bShape)];
}

function matmulKey(a: TorchTensor, b: TorchTensor): string {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra === 1 && rb === 1) return 'matmul/1d1d';
  if (ra === 2 && rb === 2) return 'matmul/2d';
  if (ra === 2 && rb === 1) return 'matmul/2d1d';
  if (ra === 1 && rb === 2) return 'matmul/1d2d';
  if (rb <= 2) return 'matmul/3d';
  return ra >= 3 ? 'matmul/3d3d' : 'matmul/2d3d';
}

const matmulRule =
  (name: 'matmul' | 'mm' | 'bmm' | 'dot' | 'mv'): Rule =>
  (call) => {
    const a = call.args[0] as TorchTensor;
    const b = (call.args[1] ??
      call.kwargs.get('other') ??
      call.kwargs.get('mat2') ??
      call.kwargs.get('vec')) as TorchTensor;
    if (!(a instanceof TorchTensor) || !(b instanceof TorchTensor)) return undefined as never;
    return {
      key: name === 'matmul' ? matmulKey(a, b) : name === 'mv' ? 'matmul/2d1d' : name,
      inputs: [a, b],
      backward: (g) => matmulGrads(a, b, g),
    };
  };

const outerRule: Rule = (call) => {
  const a = call.args[0] as TorchTensor;
  const b = call.args[1] as TorchTensor;
  const col = new TorchTensor(a.dtype, [a.shape[0]!, 1], a.data);
  const row = new TorchTensor(b.dtype, [1, b.shape[0]!], b.data);
  return { key: 'outer', inputs: [a, b], backward: (g) => matmulGrads(col, row, g) };
};

const linearRule: Rule = (call) => {
  const b = bind('linear', 'input, weight, bias=None', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const w = b.weight as TorchTensor;
  const bias = b.bias instanceof TorchTensor ? b.bias : undefined;
  const rank = x.shape.length;
  const key = `linear/${rank <= 1 ? '1d' : rank === 2 ? '2d' : '3d'}-${bias ? 'bias' : 'nobias'}`;
  return {
    key,
    inputs: bias ? [x, w, bias] : [x, w],
    backward: (g) => {
      // y = x·Wᵀ + b with x flattened to rows.
      const inF = w.shape[1]!;
      const outF = w.shape[0]!;
      const rows = numel(x.shape) / inF;
      const xv = values(x);
      const wv = values(w);
      const gx = bmmValues(g, wv, 1, rows, outF, inF);
      const gw = bmmValues(matT(g, 1, rows, outF), xv, 1, outF, rows, inF);
      const out: Float64Array[] = [gx, gw];
      if (bias) {
        const gb = new Float64Array(outF);
        for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++) gb[j] = gb[j]! + g[r * outF + j]!;
        out.push(gb.length === bias.data.length ? gb : unbroadcast(gb, [outF], bias.shape));
      }
      return out;
    },
  };
};

/** einsum: linear in each operand, so each gradient is read off replays on unit tensors (small operands only). */
const einsumRule: Rule = (call, out) => {
  const inputs = tensorsIn(call.args, call.kwargs).filter((t) => isFloating(t.dtype));
  return {
    key: 'einsum',
    inputs,
    backward: (g) =>
      inputs.map((t) => {
        if (!requiresGrad(t)) return null;
        if (t.data.length * out.data.length > 4e6) throw new NotModelled('the gradient of einsum of large operands');
        const r = new Float64Array(t.data.length);
        for (let i = 0; i < r.length; i++) {
          const unit = new TorchTensor('float64', t.shape, new Float64Array(t.data.length));
          unit.data[i] = 1;
          const y = call.replay((s) => (s === t ? unit : castF64(s)));
          if (!(y instanceof TorchTensor)) continue;
          let acc = 0;
          for (let k = 0; k < g.length; k++) acc += g[k]! * y.data[k]!;
          r[i] = acc;
        }
        return r;
      }),
  };
};

function castF64(t: TorchTensor): TorchTensor {
  return isFloating(t.dtype) ? new TorchTensor('float64', t.shape, Float64Array.from(t.data), t.flavor) : t;
}

// ---------------------------------------------------------------------------------------------------------------
// Composite functionals

const cosineRule: Rule = (call, out) => {
  const b = bind('cosine_similarity', 'x1, x2, dim=1, eps=1e-08', call.args, call.kwargs);
  const x1 = b.x1 as TorchTensor;
  const x2 = b.x2 as TorchTensor;
  const rank = Math.max(x1.shape.length, x2.shape.length);
  const dim = wrapDim(b.dim === undefined ? 1 : Number(b.dim), rank);
  const eps = b.eps === undefined ? 1e-8 : Number(b.eps);
  return {
    key: 'cosine_similarity',
    inputs: [x1, x2],
    backward: (g) => {
      const shape = broadcastShape(x1.shape, x2.shape);
      const a = broadcastValues(x1, shape);
      const c = broadcastValues(x2, shape);
      const { group, groups } = groupIndex(shape, [dim]);
      const n1 = new Float64Array(groups);
      const n2 = new Float64Array(groups);
      for (let k = 0; k < a.length; k++) {
        n1[group[k]!] = n1[group[k]!]! + a[k]! * a[k]!;
        n2[group[k]!] = n2[group[k]!]! + c[k]! * c[k]!;
      }
      const ga = new Float64Array(a.length);
      const gc = new Float64Array(a.length);
      for (let k = 0; k < a.length; k++) {
        const gi = group[k]!;
        const l1 = Math.max(Math.sqrt(n1[gi]!), eps);
        const l2 = Math.max(Math.sqrt(n2[gi]!), eps);
        const cos = out.data[gi]!;
        ga[k] = g[gi]! * (c[k]! / (l1 * l2) - (cos * a[k]!) / (l1 * l1));
        gc[k] = g[gi]! * (a[k]! / (l1 * l2) - (cos * c[k]!) / (l2 * l2));
      }
      return [unbroadcast(ga, shape, x1.shape), unbroadcast(gc, shape, x2.shape)];
    },
  };
};

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[i - (rank - a.length)] ?? 1;
    const y = b[i - (rank - b.length)] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const pairwiseRule: Rule = (call, out) => {
  const b = bind('pairwise_distance', 'x1, x2, p=2.0, eps=1e-06, keepdim=False', call.args, call.kwargs);
  const x1 = b.x1 as TorchTensor;
  const x2 = b.x2 as TorchTensor;
  const p = b.p === undefined ? 2 : Number(b.p);
  const eps = b.eps === undefined ? 1e-6 : Number(b.eps);
  return {
    key: 'pairwise_distance',
    inputs: [x1, x2],
    backward: (g) => {
      const shape = broadcastShape(x1.shape, x2.shape);
      const a = broadcastValues(x1, shape);
      const c = broadcastValues(x2, shape);
      const { group } = groupIndex(shape, [shape.length - 1]);
      const d = normPartial(p);
      const ga = new Float64Array(a.length);
      for (let k = 0; k < a.length; k++) ga[k] = g[group[k]!]! * d(a[k]! - c[k]! + eps, out.data[group[k]!]!);
      return [
        unbroadcast(ga, shape, x1.shape),
        unbroadcast(
          ga.map((v) => -v),
          shape,
          x2.shape,
        ),
      ];
    },
  };
};

const normalizeRule: Rule = (call, out) => {
  const b = bind('normalize', 'input, p=2.0, dim=1, eps=1e-12, out=None', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const p = b.p === undefined ? 2 : Number(b.p);
  const dim = wrapDim(b.dim === undefined ? 1 : Number(b.dim), x.shape.length);
  const eps = b.eps === undefined ? 1e-12 : Number(b.eps);
  return {
    key: 'normalize',
    inputs: [x],
    backward: (g) => {
      const { group, groups } = groupIndex(x.shape, [dim]);
      const norm = new Float64Array(groups);
      for (let k = 0; k < g.length; k++) norm[group[k]!] = norm[group[k]!]! + Math.pow(Math.abs(x.data[k]!), p);
      for (let i = 0; i < groups; i++) norm[i] = Math.pow(norm[i]!, 1 / p);
      // y = x / max(‖x‖, eps): dy = g/n − x·Σ(g·x)·dn/n² with dn/dx = ∂‖x‖ where ‖x‖ > eps.
      const dot = new Float64Array(groups);
      for (let k = 0; k < g.length; k++) dot[group[k]!] = dot[group[k]!]! + g[k]! * x.data[k]!;
      const part = normPartial(p);
      const r = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) {
        const gi = group[k]!;
        const n = norm[gi]!;
        const denom = Math.max(n, eps);
        r[k] = g[k]! / denom - (n > eps ? (dot[gi]! * part(x.data[k]!, n)) / (denom * denom) : 0);
      }
      void out;
      return [r];
    },
  };
};

/**
 * layer_norm over the last dims: with x̂ = (x − μ)/σ and h = g·w, dx = (h − mean(h) − x̂·mean(h·x̂))/σ,
 * dw = Σ g·x̂ and db = Σ g over the normalised groups.
 */
const layerNormRule: Rule = (call) => {
  const b = bind('layer_norm', 'input, normalized_shape, weight=None, bias=None, eps=1e-05', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const weight = b.weight instanceof TorchTensor ? b.weight : undefined;
  const bias = b.bias instanceof TorchTensor ? b.bias : undefined;
  const eps = b.eps === undefined ? 1e-5 : Number(b.eps);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return {
    key: weight || bias ? 'layer_norm' : 'layer_norm/no-affine',
    inputs,
    backward: (g) => {
      const width = numel(
        isSequence(b.normalized_shape) ? itemsOf(b.normalized_shape).map(Number) : [Number(b.normalized_shape)],
      );
      const groups = g.length / width;
      const gx = new Float64Array(g.length);
      const gw = new Float64Array(width);
      const gb = new Float64Array(width);
      for (let r = 0; r < groups; r++) {
        const o = r * width;
        let mean = 0;
        for (let i = 0; i < width; i++) mean += x.data[o + i]!;
        mean /= width;
        let variance = 0;
        for (let i = 0; i < width; i++) variance += (x.data[o + i]! - mean) ** 2;
        const sigma = Math.sqrt(variance / width + eps);
        let hMean = 0;
        let hxMean = 0;
        for (let i = 0; i < width; i++) {
          const xhat = (x.data[o + i]! - mean) / sigma;
          const h = g[o + i]! * (weight ? weight.data[i]! : 1);
          hMean += h;
          hxMean += h * xhat;
          gw[i] = gw[i]! + g[o + i]! * xhat;
          gb[i] = gb[i]! + g[o + i]!;
        }
        hMean /= width;
        hxMean /= width;
        for (let i = 0; i < width; i++) {
          const xhat = (x.data[o + i]! - mean) / sigma;
          const h = g[o + i]! * (weight ? weight.data[i]! : 1);
          gx[o + i] = (h - hMean - xhat * hxMean) / sigma;
        }
      }
      return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : [])];
    },
  };
};

/** `.to(dtype)`, `.float()`, ...: the gradient cast back to the input's dtype. */
const castRule: Rule = (call) => {
  const x = call.args[0] as TorchTensor;
  return { key: 'to/double', inputs: [x], saves: false, backward: (g) => [g] };
};

function activation(
  key: string,
  spec: string,
  partial: (x: number, y: number, b: Record<string, TArg | undefined>) => number,
): Rule {
  return (call, out) => {
    const b = bind(key, spec, call.args, call.kwargs);
    const x = b.input as TorchTensor;
    return pointwise(key, [x], out, (_j, v, y) => partial(v[0]!, y, b));
  };
}

const num = (a: TArg | undefined, d: number): number => (a === undefined || a === null ? d : Number(a));

function selectionKey(name: string): Rule {
  return selection(name);
}

/** `d out_j / d x_i` of a cumulative product along `dim`: the product of x_k for k ≤ j, k ≠ i. */
const cumprodRule: Rule = (call, out) => {
  const b = bind('cumprod', 'input, dim, *, dtype=None', call.args, call.kwargs);
  const x = b.input as TorchTensor;
  const dim = wrapDim(Number(b.dim), x.shape.length);
  return {
    key: 'cumprod',
    inputs: [x],
    backward: (g) => {
      const s = strides(x.shape)[dim]!;
      const len = x.shape[dim]!;
      const r = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) {
        const c = Math.floor(k / s) % len;
        const start = k - c * s;
        let acc = 0;
        for (let j = c; j < len; j++) {
          let p = 1;
          for (let m = 0; m <= j; m++) if (m !== c) p *= x.data[start + m * s]!;
          acc += g[start + j * s]! * p;
        }
        r[k] = acc;
      }
      void out;
      return [r];
    },
  };
};

/** trace: the gradient lands on the diagonal. */
const traceRule: Rule = (call) => {
  const x = call.args[0] as TorchTensor;
  return {
    key: 'trace',
    inputs: [x],
    saves: false,
    backward: (g) => {
      const [rows, cols] = [x.shape[0]!, x.shape[1]!];
      const r = new Float64Array(rows * cols);
      for (let i = 0; i < Math.min(rows, cols); i++) r[i * cols + i] = g[0]!;
      return [r];
    },
  };
};

/** The name an in-place op records under when PyTorch names it apart from its out-of-place form. */
export function inPlaceRecordName(method: string): string {
  return method === 'unsqueeze_' ? method : method.slice(0, -1);
}

/** Each op's rule, by the name the interpreter calls it with. */
const RULES: Record<string, Rule> = Object.create(null) as Record<string, Rule>;
for (const name of Object.keys(UNARY)) RULES[name] = unaryRule(name);
Object.assign(RULES, {
  negative: unaryRule('neg'),
  add: arithmetic('add'),
  sub: arithmetic('sub'),
  subtract: arithmetic('sub'),
  mul: arithmetic('mul'),
  multiply: arithmetic('mul'),
  div: arithmetic('div'),
  divide: arithmetic('div'),
  true_divide: arithmetic('div'),
  pow: arithmetic('pow'),
  maximum: extremum('maximum'),
  minimum: extremum('minimum'),
  remainder: (call: OpCall, out: TorchTensor) =>
    pointwise('remainder', [operand(call.args[0]), operand(call.args[1])], out, (j) => (j === 0 ? 1 : NaN)),
  fmod: (call: OpCall, out: TorchTensor) =>
    pointwise('fmod', [operand(call.args[0]), operand(call.args[1])], out, (j) => (j === 0 ? 1 : NaN)),
  clamp: clampRule('clamp'),
  clip: clampRule('clamp'),
  clamp_min: clampRule('clamp_min'),
  clamp_max: clampRule('clamp_max'),
  sum: sumMean('sum'),
  mean: sumMean('mean'),
  prod: prodRule,
  amax: amaxAmin('amax'),
  amin: amaxAmin('amin'),
  max: maxMin('max'),
  min: maxMin('min'),
  sort: sortTopk('sort'),
  topk: sortTopk('topk'),
  logsumexp: logsumexpRule,
  norm: normRule('norm'),
  'linalg.vector_norm': normRule('linalg.vector_norm'),
  'linalg.norm': normRule('linalg.norm'),
  var: varStd('var'),
  std: varStd('std'),
  cumsum: cumsumRule,
  cumprod: cumprodRule,
  trace: traceRule,
  softsign: activation('softsign', 'input', (x) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)))),
  unsqueeze_: selection('unsqueeze_'),
  softmax: softmaxRule(false),
  log_softmax: softmaxRule(true),
  where: whereRule,
  masked_fill: maskedFillRule,
  matmul: matmulRule('matmul'),
  mm: matmulRule('mm'),
  bmm: matmulRule('bmm'),
  dot: matmulRule('dot'),
  mv: matmulRule('mv'),
  outer: outerRule,
  linear: linearRule,
  einsum: einsumRule,
  cosine_similarity: cosineRule,
  pairwise_distance: pairwiseRule,
  normalize: normalizeRule,
  layer_norm: layerNormRule,
  softplus: activation('F.softplus', 'input, beta=1, threshold=20', (x, _y, b) => {
    const beta = num(b.beta, 1);
    return x * beta > num(b.threshold, 20) ? 1 : 1 / (1 + Math.exp(-beta * x));
  }),
  elu: activation('F.elu', 'input, alpha=1.0, inplace=False', (x, y, b) => (x > 0 ? 1 : y + num(b.alpha, 1))),
  leaky_relu: activation('F.leaky_relu', 'input, negative_slope=0.01, inplace=False', (x, _y, b) =>
    x > 0 ? 1 : num(b.negative_slope, 0.01),
  ),
  hardtanh: activation('hardtanh', 'input, min_val=-1.0, max_val=1.0, inplace=False', (x, _y, b) =>
    x > num(b.min_val, -1) && x < num(b.max_val, 1) ? 1 : 0,
  ),
  relu6: activation('relu6', 'input, inplace=False', (x) => (x > 0 && x < 6 ? 1 : 0)),
  to: castRule,
  double: castRule,
  float: castRule,
  half: castRule,
  type: castRule,
  type_as: castRule,
  __getitem__: ((call, out, i, version) => selection((c) => indexKey(c, version))(call, out, i, version)) as Rule,
  view: selectionKey('view'),
  reshape: selection((c) => ((c.args[0] as TorchTensor).shape.length === 0 ? 'view' : 'reshape')),
  flatten: selectionKey('flatten'),
  squeeze: selection((c) => (c.args[1] !== undefined || c.kwargs.has('dim') ? 'squeeze/dim' : 'squeeze/all')),
  unsqueeze: selectionKey('unsqueeze'),
  permute: selectionKey('permute'),
  movedim: selectionKey('movedim'),
  transpose: selectionKey('transpose'),
  swapaxes: selectionKey('transpose'),
  t: selectionKey('t'),
  T: selectionKey('T'),
  mT: selectionKey('mT'),
  expand: selectionKey('expand'),
  expand_as: selectionKey('expand_as'),
  broadcast_to: selectionKey('expand'),
  repeat: selectionKey('repeat'),
  cat: selectionKey('cat'),
  concat: selectionKey('cat'),
  concatenate: selectionKey('cat'),
  stack: selectionKey('stack'),
  split: selectionKey('split'),
  chunk: selectionKey('chunk'),
  unbind: selectionKey('unbind'),
  narrow: selectionKey('narrow'),
  select: selectionKey('select'),
  flip: selectionKey('flip'),
  roll: selectionKey('roll'),
  clone: selectionKey('clone'),
  triu: selectionKey('triu'),
  tril: selectionKey('tril'),
  view_as: selectionKey('view_as'),
  reshape_as: selectionKey('reshape_as'),
  gather: selectionKey('gather'),
  take_along_dim: selectionKey('take_along_dim'),
  index_select: selectionKey('index_select'),
  masked_select: selectionKey('masked_select'),
  embedding: selectionKey('embedding'),
  repeat_interleave: selectionKey('repeat_interleave'),
  diag: selectionKey('diag'),
});
