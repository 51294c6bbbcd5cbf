/**
 * The symbolic tensor of shape mode: a shape of {@link Dim}s and a dtype, no values. It answers the questions a
 * concrete tensor answers (`shape`, `dtype`, `.size()`, `.dim()`, the ops), computing each op's output shape and
 * dtype by PyTorch's rules over symbolic sizes, like PyTorch's meta tensors (`torch/_subclasses/fake_tensor.py`)
 * or JAX's abstract values.
 *
 * An op raises PyTorch's error only when PyTorch would raise for every value of the symbols: a size comparison
 * that depends on the values (`B` against `3`) is taken as the case where the program is right.
 */
import { isFloating, isIntegral, type DType } from '../../tensor';
import { promoteTypes } from '../../reader/dtype';
import { indexError, NotModelled, runtimeError } from '../errors';
import { outputDType, type ReductionKind } from '../reduce';
import { sameDType } from '../linalg';
import { torchResultType, type Operand } from '../promote';
import { TorchTensor, type Flavor } from '../tensor';
import {
  addDims,
  dimsEqual,
  floorDivDims,
  isKnown,
  modDims,
  productOfDims,
  showDim,
  showShape,
  subDims,
  sym,
  type Dim,
  type SymDim,
} from './dim';

/** A tensor known by its shape and dtype only. */
export class SymTensor {
  readonly kind = 'symtensor';
  constructor(
    readonly dtype: DType,
    readonly shape: readonly Dim[],
    readonly flavor: Flavor = 'torch',
    /** Where the shape came from, when it was assumed (a DataLoader batch, an annotation, a parameter). */
    readonly origin?: string,
  ) {}

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
}

/** True for a symbolic tensor. */
export function isSymTensor(v: unknown): v is SymTensor {
  return v instanceof SymTensor;
}

/** A Python value as the symbolic ops take it (ints may be symbolic sizes). */
export type SArg =
  | SymTensor
  | TorchTensor
  | SymDim
  | number
  | bigint
  | boolean
  | string
  | null
  | SArg[]
  | { readonly kind: 'tuple'; readonly items: readonly SArg[]; readonly typeName?: string }
  | { readonly kind: 'dtype'; readonly dtype: DType }
  | { readonly kind: 'slice'; readonly start: SArg; readonly stop: SArg; readonly step: SArg }
  | { readonly kind: 'ellipsis' };

/** What the symbolic ops need from their caller. */
export interface SymContext {
  /** A new symbol for a size nobody can know (a boolean mask's count, `nonzero`). */
  fresh(hint: string): SymDim;
  /** Whose PyTorch the error texts follow (default 2.x). */
  readonly torchVersion?: '2.x' | '1.13';
}

/** The shape and dtype of any tensor, concrete or symbolic. */
function shapeOf(t: SymTensor | TorchTensor): readonly Dim[] {
  return t.shape;
}

/** A concrete tensor taken as a symbolic one (its values are not needed in shape mode). */
export function toSym(t: SymTensor | TorchTensor): SymTensor {
  return t instanceof SymTensor ? t : new SymTensor(t.dtype, [...t.shape], t.flavor);
}

function isTensorArg(a: SArg | undefined): a is SymTensor | TorchTensor {
  return a instanceof SymTensor || a instanceof TorchTensor;
}

function isSymDim(a: SArg | undefined): a is SymDim {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && !isTensorArg(a) && a.kind === 'sym';
}

function itemsOf(a: SArg | undefined): readonly SArg[] | undefined {
  if (Array.isArray(a)) return a;
  if (typeof a === 'object' && a !== null && !isTensorArg(a) && 'kind' in a && a.kind === 'tuple') return a.items;
  return undefined;
}

/** An int argument (a Python int, bool, or a symbolic size). */
function dimArg(a: SArg | undefined, what: string): Dim {
  if (typeof a === 'bigint') return Number(a);
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (typeof a === 'number' && Number.isInteger(a)) return a;
  if (isSymDim(a)) return a;
  if (isTensorArg(a) && a.shape.length === 0 && a instanceof TorchTensor) return Number(a.data[0]);
  throw new NotModelled(`${what} with a size that is not a known int`);
}

function intArg(a: SArg | undefined, what: string): number {
  const d = dimArg(a, what);
  if (!isKnown(d)) throw new NotModelled(`${what} with a symbolic dimension index`);
  return d;
}

/** Sizes given either as varargs (`view(2, 3)`) or one sequence (`view((2, 3))`). */
function sizesArg(args: readonly SArg[], what: string): Dim[] {
  const one = args.length === 1 ? itemsOf(args[0]) : undefined;
  return (one ?? args).map((a) => dimArg(a, what));
}

/** PyTorch's dim wrapping, with its IndexError text. */
export function wrapDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r)
    throw indexError(`Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  return dim < 0 ? dim + r : dim;
}

/**
 * Whether two sizes differ for every value of their symbols. Symbols stand for sizes of at least 1, so `12*B`
 * and `5*B` differ (their difference `7*B` has terms of one sign), while `B` and `3` may be equal.
 */
export function dimsDiffer(a: Dim, b: Dim): boolean {
  if (dimsEqual(a, b) === false) return true;
  const diff = subDims(a, b);
  if (isKnown(diff)) return diff !== 0;
  const terms = [...diff.terms.values()];
  // An opaque `H//2` or `H%2` may be 0: no sign can be told.
  if (terms.some((t) => t.atoms.some((x) => /[/%]/.test(x)))) return false;
  return terms.every((t) => t.coefficient > 0) || terms.every((t) => t.coefficient < 0);
}

/**
 * `a / b` when it divides exactly for every value (a number, or a polynomial divided by one of its monomial
 * factors: `4*B*T / B` is `4*T`), else PyTorch's floor division as an opaque atom.
 */
export function divideDims(a: Dim, b: Dim): Dim {
  if (isKnown(b) || isKnown(a)) return floorDivDims(a, b);
  const divisor = [...b.terms.values()];
  if (divisor.length !== 1) return floorDivDims(a, b);
  const { atoms: den, coefficient: c } = divisor[0]!;
  let out: Dim = 0;
  for (const t of a.terms.values()) {
    const rest = [...t.atoms];
    for (const x of den) {
      const i = rest.indexOf(x);
      if (i < 0 || t.coefficient % c !== 0) return floorDivDims(a, b);
      rest.splice(i, 1);
    }
    out = addDims(out, productOfDims([t.coefficient / c, ...rest.map((x) => sym(x))]));
  }
  return out;
}

/** Whether a size could be 1 for some value of its symbols (a number answers exactly; a symbol might). */
function canBeOne(d: Dim): boolean {
  return isKnown(d) ? d === 1 : true;
}

/**
 * The broadcast of two shapes. A size that depends on symbols is taken to broadcast (equal, or 1), so only a
 * mismatch PyTorch raises on for every value is an error, with PyTorch's text.
 */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array<Dim>(n);
  // From the last dimension back, as PyTorch's infer_size: the message names the last mismatched dimension.
  for (let i = n - 1; i >= 0; i--) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    const eq = dimsEqual(da, db);
    if (eq === true || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (dimsDiffer(da, db) && !canBeOne(da) && !canBeOne(db)) {
      throw runtimeError(
        `The size of tensor a (${showDim(da)}) must match the size of tensor b (${showDim(db)}) at non-singleton dimension ${i}`,
      );
    }
    // Depends on the values: a known size other than 1 is the one the result has whichever way it goes.
    else out[i] = isKnown(da) && da !== 1 ? da : isKnown(db) && db !== 1 ? db : da;
  }
  return out;
}

/** The torch result dtype of operands given by dtype and rank (a scalar by its Python type). */
function resultDType(operands: readonly SArg[]): DType {
  const stand = operands.flatMap((o): Operand[] => {
    if (isTensorArg(o)) return [new TorchTensor(o.dtype, o.shape.length > 0 ? [1] : [], new Float64Array(0), o.flavor)];
    if (typeof o === 'number' || typeof o === 'bigint' || typeof o === 'boolean') return [o];
    if (isSymDim(o)) return [0n];
    return [];
  });
  return torchResultType(stand);
}

function shapeOfOperand(o: SArg): readonly Dim[] {
  return isTensorArg(o) ? shapeOf(o) : [];
}

const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', '==', '!=', '<', '<=', '>', '>=']);
const LOGICAL = new Set(['logical_and', 'logical_or', 'logical_xor', 'isclose']);
const TRUE_DIVISION = new Set(['div', 'true_divide', 'divide', '/', 'atan2']);

/** An elementwise op of several operands: broadcast shape, promoted dtype (comparisons give bool). */
export function elementwise(op: string, operands: readonly SArg[], roundingMode?: string | null): SymTensor {
  let shape: Dim[] = [];
  for (const o of operands) shape = broadcastShapes(shape, shapeOfOperand(o));
  let dtype = resultDType(operands);
  if (COMPARISONS.has(op) || LOGICAL.has(op)) dtype = 'bool';
  else if (TRUE_DIVISION.has(op) && !roundingMode && !isFloating(dtype)) dtype = 'float32';
  const flavor = operands.some((o) => isTensorArg(o) && o.flavor === 'torch') ? 'torch' : 'numpy';
  return new SymTensor(dtype, shape, flavor);
}

/** Unary ops that keep the dtype (integers stay integers). */
const KEEP_DTYPE = new Set([
  'neg',
  'negative',
  'abs',
  'relu',
  'relu6',
  'clamp',
  'clip',
  'clamp_min',
  'clamp_max',
  'floor',
  'ceil',
  'round',
  'trunc',
  'sign',
  'square',
  'detach',
  'clone',
  'contiguous',
  'cpu',
  'cuda',
  'requires_grad_',
  'dropout',
  'dropout1d',
  'dropout2d',
  'hardtanh',
  'leaky_relu',
  'masked_fill',
  'nan_to_num',
  'flip',
  'tril',
  'triu',
  'roll',
  'pin_memory',
  'cumsum',
  'cumprod',
  'fill_',
  'zero_',
  'normal_',
  'uniform_',
  'masked_fill_',
  'clamp_',
  'bernoulli',
  'zeros_like',
  'ones_like',
  'empty_like',
  'full_like',
  'rand_like',
  'randn_like',
  'randint_like',
  'sort_values',
]);
/** Unary ops whose integer inputs give float32 (PyTorch's "int to float" unary ufuncs). */
const TO_FLOAT = new Set([
  'exp',
  'log',
  'log2',
  'log10',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'sigmoid',
  'tanh',
  'sin',
  'cos',
  'tan',
  'erf',
  'gelu',
  'silu',
  'elu',
  'selu',
  'celu',
  'softplus',
  'mish',
  'logsigmoid',
  'hardsigmoid',
  'hardswish',
  'normalize',
  'reciprocal',
  'softsign',
  'tanhshrink',
]);

const DTYPE_METHODS: Readonly<Record<string, DType>> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  bfloat16: 'bfloat16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  byte: 'uint8',
  char: 'int8',
  bool: 'bool',
};

const REDUCTIONS: Readonly<Record<string, ReductionKind>> = {
  sum: 'sum',
  mean: 'mean',
  prod: 'prod',
  amax: 'amax',
  amin: 'amin',
  all: 'all',
  any: 'any',
  logsumexp: 'logsumexp',
  var: 'var',
  std: 'std',
  norm: 'norm',
  nansum: 'nansum',
  count_nonzero: 'count_nonzero',
};

function dtypeArg(a: SArg | undefined): DType | undefined {
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && !isTensorArg(a) && a.kind === 'dtype') return a.dtype;
  return undefined;
}

/** Reduction over `dim` (an int, a tuple, or None for all), keeping reduced dims as 1 with `keepdim`. */
function reduceShape(shape: readonly Dim[], dimArgValue: SArg | undefined, keepdim: boolean): Dim[] {
  const items = itemsOf(dimArgValue);
  const dims =
    dimArgValue === undefined || dimArgValue === null
      ? shape.map((_, i) => i)
      : (items ?? [dimArgValue]).map((d) => wrapDim(intArg(d, 'dim'), shape.length));
  if (items && items.length === 0) return keepdim ? shape.map(() => 1) : [];
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

/** `view`/`reshape`: one -1 inferred from the number of elements (a floor-division atom when it cannot divide). */
export function viewShape(t: SymTensor, sizes: readonly Dim[]): Dim[] {
  const total = productOfDims(t.shape);
  let infer = -1;
  let known: Dim = 1;
  sizes.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw runtimeError('only one dimension can be inferred');
      infer = i;
    } else if (isKnown(s) && s < 0) throw runtimeError(`invalid shape dimension ${s}`);
    else known = addDims(0, known === 1 ? s : productOfDims([known, s]));
  });
  const bad = (): never => {
    throw runtimeError(`shape '${showShape(sizes)}' is invalid for input of size ${showDim(total)}`);
  };
  const out = [...sizes];
  if (infer >= 0) {
    if (known === 0) bad();
    const rem = modDims(total, known);
    // A remainder that is a nonzero number for every value of the symbols is PyTorch's error.
    if (isKnown(rem) && rem !== 0) bad();
    out[infer] = divideDims(total, known);
  } else if (dimsDiffer(known, total)) bad();
  return out;
}

function permuteShape(t: SymTensor, order: readonly number[]): Dim[] {
  if (order.length !== t.shape.length)
    throw runtimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${t.shape.length} is not equal to len(dims) = ${order.length}`,
    );
  const wrapped = order.map((d) => wrapDim(d, t.shape.length));
  if (new Set(wrapped).size !== wrapped.length) throw runtimeError('permute(): duplicate dims are not allowed.');
  return wrapped.map((d) => t.shape[d]!);
}

function transposeShape(t: SymTensor, d0: number, d1: number): Dim[] {
  if (t.shape.length === 0) return [];
  const a = wrapDim(d0, t.shape.length);
  const b = wrapDim(d1, t.shape.length);
  const out = [...t.shape];
  out[a] = t.shape[b]!;
  out[b] = t.shape[a]!;
  return out;
}

/** `matmul` over symbolic shapes, with PyTorch's texts for sizes that differ for every value. */
export function matmulShape(a: SymTensor, b: SymTensor): Dim[] {
  if (a.shape.length === 0 || b.shape.length === 0)
    throw runtimeError(
      `both arguments to matmul need to be at least 1D, but they are ${a.shape.length}D and ${b.shape.length}D`,
    );
  const left = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = left[left.length - 2]!;
  const k = left[left.length - 1]!;
  const k2 = right[right.length - 2]!;
  const n = right[right.length - 1]!;
  if (dimsDiffer(k, k2)) {
    if (a.shape.length === 1 && b.shape.length === 1)
      throw runtimeError(
        `inconsistent tensor size, expected tensor [${showDim(k)}] and src [${showDim(k2)}] to have the same number of elements, but got ${showDim(k)} and ${showDim(k2)} elements respectively`,
      );
    if (a.shape.length <= 2 && b.shape.length <= 2)
      throw runtimeError(
        `mat1 and mat2 shapes cannot be multiplied (${showDim(m)}x${showDim(k)} and ${showDim(k2)}x${showDim(n)})`,
      );
    throw runtimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${showDim(productOfDims(left.slice(0, -2)))}, ${showDim(k)}] but got: [${showDim(productOfDims(right.slice(0, -2)))}, ${showDim(k2)}].`,
    );
  }
  const batch = broadcastShapes(left.slice(0, -2), right.slice(0, -2));
  const shape = [...batch];
  if (a.shape.length !== 1) shape.push(m);
  if (b.shape.length !== 1) shape.push(n);
  return shape;
}

function matmulDType(ctx: SymContext, a: SymTensor, b: SymTensor): DType {
  if (a.flavor !== 'torch' || b.flavor !== 'torch') return promoteTypes(a.dtype, b.dtype);
  const stand = (t: SymTensor): TorchTensor => new TorchTensor(t.dtype, [], new Float64Array(0), t.flavor);
  return sameDType(stand(a), stand(b), ctx.torchVersion ?? '2.x');
}

/** `cat` along `dim` with PyTorch's texts for sizes that differ for every value. */
export function catShape(tensors: readonly SymTensor[], dim: number): Dim[] {
  if (tensors.length === 0) throw runtimeError('torch.cat(): expected a non-empty list of Tensors');
  const used = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  const first = used[0] ?? tensors[0]!;
  if (first.shape.length === 0) throw runtimeError('zero-dimensional tensor (at position 0) cannot be concatenated');
  const rank = first.shape.length;
  const d = wrapDim(dim, rank);
  used.forEach((t, i) => {
    if (t.shape.length !== rank)
      throw runtimeError(`Tensors must have same number of dimensions: got ${rank} and ${t.shape.length}`);
    for (let j = 0; j < rank; j++) {
      if (j !== d && dimsDiffer(t.shape[j]!, first.shape[j]!))
        throw runtimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${showDim(first.shape[j]!)} but got size ${showDim(t.shape[j]!)} for tensor number ${i} in the list.`,
        );
    }
  });
  const out = [...first.shape];
  out[d] = used.reduce<Dim>((s, t) => addDims(s, t.shape[d]!), 0);
  return out;
}

/** `stack`: all shapes equal (for every value), a new dim of the count. */
export function stackShape(tensors: readonly SymTensor[], dim: number): Dim[] {
  if (tensors.length === 0) throw runtimeError('stack expects a non-empty TensorList');
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    const differs = t.shape.length !== first.shape.length || t.shape.some((s, j) => dimsDiffer(s, first.shape[j]!));
    if (differs)
      throw runtimeError(
        `stack expects each tensor to be equal size, but got ${showShape(first.shape)} at entry 0 and ${showShape(t.shape)} at entry ${i}`,
      );
  });
  const d = wrapDim(dim, first.shape.length + 1);
  return [...first.shape.slice(0, d), tensors.length, ...first.shape.slice(d)];
}

/** The size of `dim` after `start:stop:step` (a fresh symbol where it depends on unknown bounds). */
function sliceSize(size: Dim, start: Dim | null, stop: Dim | null, step: number, ctx: SymContext): Dim {
  const plain = (v: Dim | null): v is number | null => v === null || isKnown(v);
  if (isKnown(size) && plain(start) && plain(stop)) {
    const norm = (v: number | null, dflt: number): number => {
      if (v === null) return dflt;
      const w = v < 0 ? v + size : v;
      return Math.min(Math.max(w, 0), size);
    };
    const s = norm(start, 0);
    const e = norm(stop, size);
    return e <= s ? 0 : Math.ceil((e - s) / step);
  }
  // A symbolic size cut by constants from its ends (`x[:, :-1]` is T - 1, `x[:, 1:]` too), taken to be long
  // enough for the cut; anything else (`x[:3]` of B rows is min(3, B)) is a size of its own.
  if (step === 1 && plain(start) && plain(stop)) {
    const lo = start ?? 0;
    if (lo >= 0 && stop === null) return subDims(size, lo);
    if (lo >= 0 && stop !== null && stop < 0) return subDims(addDims(size, stop), lo);
    if (lo < 0 && stop === null) return -lo;
  }
  return ctx.fresh('N');
}

function sliceBound(a: SArg): Dim | null {
  if (a === null) return null;
  return dimArg(a, 'slice');
}

/** `t[index]` over symbolic shapes: ints, slices, None, Ellipsis, integer and boolean tensors. */
export function indexShape(t: SymTensor, index: SArg, ctx: SymContext): SymTensor {
  const items =
    index !== null &&
    typeof index === 'object' &&
    !Array.isArray(index) &&
    !isTensorArg(index) &&
    index.kind === 'tuple'
      ? index.items
      : [index];
  const consumed = items
    .filter(
      (i) => i !== null && !(typeof i === 'object' && !Array.isArray(i) && !isTensorArg(i) && i.kind === 'ellipsis'),
    )
    .reduce<number>((n, i) => n + (isTensorArg(i) && i.dtype === 'bool' ? Math.max(1, i.shape.length) : 1), 0);
  if (consumed > t.shape.length) throw indexError(`too many indices for tensor of dimension ${t.shape.length}`);
  const out: Dim[] = [];
  let advanced: Dim[] | undefined;
  let pos = 0;
  for (const item of items) {
    if (item === null) {
      out.push(1);
      continue;
    }
    if (typeof item === 'object' && !Array.isArray(item) && !isTensorArg(item) && item.kind === 'ellipsis') {
      const skip = t.shape.length - consumed;
      for (let k = 0; k < skip; k++) out.push(t.shape[pos++]!);
      continue;
    }
    const size = t.shape[pos]!;
    if (typeof item === 'bigint' || typeof item === 'number' || isSymDim(item)) {
      const i = dimArg(item, 'index');
      if (isKnown(i) && isKnown(size) && (i >= size || i < -size))
        throw indexError(`index ${i} is out of bounds for dimension ${pos} with size ${size}`);
      pos++;
      continue;
    }
    if (typeof item === 'object' && !Array.isArray(item) && !isTensorArg(item) && item.kind === 'slice') {
      const step = item.step === null ? 1 : intArg(item.step, 'slice step');
      out.push(sliceSize(size, sliceBound(item.start), sliceBound(item.stop), step, ctx));
      pos++;
      continue;
    }
    if (isTensorArg(item) || Array.isArray(item)) {
      const shape: readonly Dim[] = isTensorArg(item) ? item.shape : [item.length];
      const isBool = isTensorArg(item) && item.dtype === 'bool';
      const result: Dim[] = isBool ? [ctx.fresh('N')] : [...shape];
      advanced = advanced ? broadcastShapes(advanced, result) : result;
      if (advanced === result) out.push(...result.map(() => -1 as Dim));
      pos += isBool ? Math.max(1, shape.length) : 1;
      continue;
    }
    throw new NotModelled('this kind of index on a tensor');
  }
  for (; pos < t.shape.length; pos++) out.push(t.shape[pos]!);
  // The advanced-index dims sit where the first one stood (the placeholders above).
  const shape: Dim[] = [];
  let placed = false;
  for (const d of out) {
    if (d === -1) {
      if (!placed && advanced) shape.push(...advanced);
      placed = true;
    } else shape.push(d);
  }
  return new SymTensor(t.dtype, shape, t.flavor);
}

/** A keyword or positional argument. */
function arg(args: readonly SArg[], kwargs: ReadonlyMap<string, SArg>, i: number, name: string): SArg | undefined {
  return kwargs.has(name) ? kwargs.get(name) : args[i];
}

function truthy(a: SArg | undefined): boolean {
  return a === true || (typeof a === 'bigint' && a !== 0n) || (typeof a === 'number' && a !== 0);
}

/** A torch.Size of symbolic sizes (a tuple of ints and symbols). */
function sizeTuple(shape: readonly Dim[]): SArg {
  return { kind: 'tuple', items: shape.map((d) => (isKnown(d) ? BigInt(d) : d)), typeName: 'torch.Size' };
}

/** An attribute of a symbolic tensor that is not a method (`shape`, `dtype`, `ndim`, `T`), or undefined. */
export function symbolicAttribute(t: SymTensor, name: string): SArg | undefined {
  switch (name) {
    case 'shape':
      return sizeTuple(t.shape);
    case 'dtype':
      return { kind: 'dtype', dtype: t.dtype };
    case 'ndim':
      return BigInt(t.shape.length);
    case 'T':
      return new SymTensor(t.dtype, [...t.shape].reverse(), t.flavor);
    case 'mT':
      return new SymTensor(t.dtype, transposeShape(t, -2, -1), t.flavor);
    case 'data':
      return t;
    case 'requires_grad':
      return false;
    case 'is_cuda':
      return false;
  }
  return undefined;
}

/** What an op of {@link symbolicOp} is given: its arguments, `self` and the others apart, and `self` as a tensor. */
interface OpArgs {
  readonly ctx: SymContext;
  readonly name: string;
  readonly kwargs: ReadonlyMap<string, SArg>;
  readonly self: SArg | undefined;
  readonly rest: readonly SArg[];
  readonly t: SymTensor | undefined;
}

/** A tensor of `t`'s flavor (torch or NumPy) with another shape, and `t`'s dtype unless another is given. */
function likeOf(t: SymTensor | undefined): (shape: readonly Dim[], dtype?: DType) => SymTensor {
  return (shape, dtype = t!.dtype) => new SymTensor(dtype, shape, t!.flavor);
}

/** A part of the ops that does not have `name`. */
const NO_CASE: unique symbol = Symbol('no case');

/** Part 1 of {@link symbolicOp}'s ops (see SHAPE_OPS): `size`, `dim`, `ndimension`, `numel`… */
function shapeOps1(op: OpArgs): SArg | typeof NO_CASE {
  const { name, kwargs, rest, t } = op;
  const like = likeOf(t);
  switch (name) {
    case 'size': {
      const d = arg(rest, kwargs, 0, 'dim');
      if (d === undefined) return sizeTuple(t!.shape);
      const s = t!.shape[wrapDim(intArg(d, 'size'), t!.shape.length)]!;
      return isKnown(s) ? BigInt(s) : s;
    }
    case 'dim':
    case 'ndimension':
      return BigInt(t!.shape.length);
    case 'numel':
    case 'nelement': {
      const n = productOfDims(t!.shape);
      return isKnown(n) ? BigInt(n) : n;
    }
    case 'type':
    case 'to': {
      const dtype = rest.map(dtypeArg).find((d) => d) ?? dtypeArg(kwargs.get('dtype'));
      const other = rest.find(isTensorArg);
      return like(t!.shape, dtype ?? other?.dtype ?? t!.dtype);
    }
    case 'astype': {
      // NumPy's `a.astype(np.float32)`: the dtype given, the same shape.
      const dtype = dtypeArg(rest[0]) ?? dtypeArg(kwargs.get('dtype'));
      if (!dtype) throw new NotModelled('astype to this dtype');
      return like(t!.shape, dtype);
    }
    case 'from_numpy':
    case 'as_tensor':
    case 'from_dlpack':
      // A torch tensor sharing (or copying) the array: its shape and dtype, torch's flavor.
      if (!t) throw new NotModelled(`torch.${name} of this value`);
      return new SymTensor(dtypeArg(kwargs.get('dtype')) ?? t.dtype, t.shape, 'torch');
    case 'type_as':
      return like(t!.shape, (rest[0] as SymTensor).dtype);
    case 'view':
    case 'reshape': {
      const dtype = dtypeArg(rest[0]);
      if (dtype) return like(t!.shape, dtype);
      return like(viewShape(t!, sizesArg(rest, name)));
    }
    case 'view_as':
    case 'reshape_as':
    case 'expand_as':
      return like(
        name === 'expand_as'
          ? broadcastShapes(t!.shape, (rest[0] as SymTensor).shape)
          : viewShape(t!, (rest[0] as SymTensor).shape),
      );
    case 'expand':
    case 'broadcast_to': {
      const sizes = sizesArg(rest, name);
      const lead = sizes.length - t!.shape.length;
      if (lead < 0)
        throw runtimeError(
          `expand(${t!.flavor === 'torch' ? 'torch.FloatTensor' : 'array'}{${showShape(t!.shape)}}, size=${showShape(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${t!.shape.length})`,
        );
      return like(sizes.map((s, i) => (s === -1 && i >= lead ? t!.shape[i - lead]! : s)));
    }
    case 'flatten': {
      if (t!.shape.length === 0) return like([1]);
      const s = wrapDim(intArg(arg(rest, kwargs, 0, 'start_dim') ?? 0n, 'flatten'), t!.shape.length);
      const e = wrapDim(intArg(arg(rest, kwargs, 1, 'end_dim') ?? -1n, 'flatten'), t!.shape.length);
      if (s > e) throw runtimeError('flatten() has invalid args: start_dim cannot come after end_dim');
      return like([...t!.shape.slice(0, s), productOfDims(t!.shape.slice(s, e + 1)), ...t!.shape.slice(e + 1)]);
    }
  }
  return NO_CASE;
}

/** Part 2 of {@link symbolicOp}'s ops (see SHAPE_OPS): `unflatten`, `permute`, `transpose`, `swapaxes`… */
function shapeOps2(op: OpArgs): SArg | typeof NO_CASE {
  const { ctx, name, kwargs, self, rest, t } = op;
  const like = likeOf(t);
  switch (name) {
    case 'unflatten': {
      const d = wrapDim(intArg(arg(rest, kwargs, 0, 'dim'), 'unflatten'), t!.shape.length);
      const sizes = sizesArg([arg(rest, kwargs, 1, 'sizes')!], 'unflatten');
      const inner = viewShape(new SymTensor(t!.dtype, [t!.shape[d]!]), sizes);
      return like([...t!.shape.slice(0, d), ...inner, ...t!.shape.slice(d + 1)]);
    }
    case 'permute':
      return like(
        permuteShape(
          t!,
          sizesArg(rest, 'permute').map((d) => intArg(d, 'permute')),
        ),
      );
    case 'transpose':
    case 'swapaxes':
    case 'swapdims':
      return like(transposeShape(t!, intArg(rest[0], name), intArg(rest[1], name)));
    case 't':
      if (t!.shape.length > 2)
        throw runtimeError(`t() expects a tensor with <= 2 dimensions, but self is ${t!.shape.length}D`);
      return like([...t!.shape].reverse());
    case 'squeeze': {
      const d = arg(rest, kwargs, 0, 'dim');
      if (d === undefined || d === null) return like(t!.shape.filter((s) => s !== 1));
      const dims = (itemsOf(d) ?? [d]).map((x) => wrapDim(intArg(x, 'squeeze'), t!.shape.length));
      // A symbolic size is taken not to be 1 (a batch of one is the exception, not the rule).
      return like(t!.shape.filter((s, i) => !(dims.includes(i) && s === 1)));
    }
    case 'unsqueeze': {
      const d = wrapDim(intArg(arg(rest, kwargs, 0, 'dim'), 'unsqueeze'), t!.shape.length + 1);
      return like([...t!.shape.slice(0, d), 1, ...t!.shape.slice(d)]);
    }
    case 'repeat': {
      const reps = sizesArg(rest, 'repeat');
      if (reps.length < t!.shape.length)
        throw runtimeError(
          'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
        );
      const padded = [...reps.slice(0, reps.length - t!.shape.length).map(() => 1 as Dim), ...t!.shape];
      return like(padded.map((s, i) => productOfDims([s, reps[i]!])));
    }
    case 'cat':
    case 'concat':
    case 'concatenate': {
      const list = (itemsOf(self) ?? []).filter(isTensorArg).map(toSym);
      const dim = intArg(arg(rest, kwargs, 0, 'dim') ?? kwargs.get('axis') ?? 0n, 'cat');
      const dtype = list.map((x) => x.dtype).reduce((a, b) => promoteTypes(a, b));
      return new SymTensor(dtype, catShape(list, dim), list[0]?.flavor ?? 'torch');
    }
    case 'stack': {
      const list = (itemsOf(self) ?? []).filter(isTensorArg).map(toSym);
      const dim = intArg(arg(rest, kwargs, 0, 'dim') ?? kwargs.get('axis') ?? 0n, 'stack');
      const dtype = list.map((x) => x.dtype).reduce((a, b) => promoteTypes(a, b));
      return new SymTensor(dtype, stackShape(list, dim), list[0]?.flavor ?? 'torch');
    }
    case 'matmul':
    case 'mm':
    case 'bmm':
    case '@': {
      const b = toSym(rest[0] as SymTensor);
      return like(matmulShape(t!, b), matmulDType(ctx, t!, b));
    }
    case 'linear': {
      const w = toSym(arg(rest, kwargs, 0, 'weight') as SymTensor);
      const bias = arg(rest, kwargs, 1, 'bias');
      const wt = new SymTensor(w.dtype, [...w.shape].reverse());
      let shape = matmulShape(t!, wt);
      if (isTensorArg(bias)) shape = broadcastShapes(shape, bias.shape);
      return like(shape, matmulDType(ctx, t!, wt));
    }
  }
  return NO_CASE;
}

/** Part 3 of {@link symbolicOp}'s ops (see SHAPE_OPS): `softmax`, `log_softmax`, `softmin`, `argmax`… */
function shapeOps3(op: OpArgs): SArg | typeof NO_CASE {
  const { ctx, name, kwargs, rest, t } = op;
  const like = likeOf(t);
  switch (name) {
    case 'softmax':
    case 'log_softmax':
    case 'softmin': {
      const d = arg(rest, kwargs, 0, 'dim');
      if (d !== undefined && d !== null) wrapDim(intArg(d, name), t!.shape.length);
      const dtype = dtypeArg(kwargs.get('dtype')) ?? t!.dtype;
      return like(t!.shape, dtype);
    }
    case 'argmax':
    case 'argmin': {
      const d = arg(rest, kwargs, 0, 'dim');
      const keepdim = truthy(arg(rest, kwargs, 1, 'keepdim'));
      if (d === undefined || d === null) return like(keepdim ? t!.shape.map(() => 1) : [], 'int64');
      return like(reduceShape(t!.shape, d, keepdim), 'int64');
    }
    case 'max':
    case 'min': {
      const other = arg(rest, kwargs, 0, 'dim');
      if (isTensorArg(other)) return elementwise(name, [t!, other]);
      if (other === undefined) return like([]);
      const keepdim = truthy(arg(rest, kwargs, 1, 'keepdim'));
      const shape = reduceShape(t!.shape, other, keepdim);
      return { kind: 'tuple', items: [like(shape), like(shape, 'int64')], typeName: `torch.return_types.${name}` };
    }
    case 'topk': {
      const k = dimArg(arg(rest, kwargs, 0, 'k'), 'topk');
      const d = wrapDim(intArg(arg(rest, kwargs, 1, 'dim') ?? -1n, 'topk'), t!.shape.length);
      const shape = t!.shape.map((s, i) => (i === d ? k : s));
      return { kind: 'tuple', items: [like(shape), like(shape, 'int64')], typeName: 'torch.return_types.topk' };
    }
    case 'sort': {
      return { kind: 'tuple', items: [like(t!.shape), like(t!.shape, 'int64')], typeName: 'torch.return_types.sort' };
    }
    case 'argsort':
      return like(t!.shape, 'int64');
    case 'gather': {
      const index = arg(rest, kwargs, 1, 'index');
      return like(isTensorArg(index) ? index.shape : t!.shape);
    }
    case 'index_select': {
      const d = wrapDim(intArg(arg(rest, kwargs, 0, 'dim'), 'index_select'), t!.shape.length);
      const index = arg(rest, kwargs, 1, 'index');
      const n: Dim = isTensorArg(index) ? (index.shape[0] ?? 1) : ctx.fresh('N');
      return like(t!.shape.map((s, i) => (i === d ? n : s)));
    }
    case 'where': {
      if (rest.length === 0) throw new NotModelled('torch.where(condition) (the positions of the true values)');
      const shape = broadcastShapes(t!.shape, broadcastShapes(shapeOfOperand(rest[0]!), shapeOfOperand(rest[1]!)));
      return new SymTensor(resultDType([rest[0]!, rest[1]!]), shape, 'torch');
    }
    case 'one_hot': {
      const c = arg(rest, kwargs, 0, 'num_classes');
      const classes: Dim = c === undefined || c === -1n ? ctx.fresh('C') : dimArg(c, 'one_hot');
      return like([...t!.shape, classes], 'int64');
    }
    case 'embedding': {
      const w = arg(rest, kwargs, 0, 'weight');
      if (!isTensorArg(w)) break;
      return new SymTensor(w.dtype, [...t!.shape, w.shape[1]!], 'torch');
    }
    case 'layer_norm':
    case 'batch_norm':
    case 'group_norm':
    case 'instance_norm':
      return like(t!.shape);
  }
  return NO_CASE;
}

/** Part 4 of {@link symbolicOp}'s ops (see SHAPE_OPS): `conv1d`, `conv2d`, `conv3d`, `max_pool1d`… */
function shapeOps4(op: OpArgs): SArg | typeof NO_CASE {
  const { name, kwargs, rest, t } = op;
  const like = likeOf(t);
  switch (name) {
    case 'conv1d':
    case 'conv2d':
    case 'conv3d': {
      const w = arg(rest, kwargs, 0, 'weight');
      if (!isTensorArg(w)) break;
      const spatial = Number(name[4]);
      const groups = intArg(arg(rest, kwargs, 5, 'groups') ?? 1n, name);
      const expected = productOfDims([w.shape[1]!, groups]);
      if (t!.shape.length === spatial + 2 && dimsDiffer(t!.shape[1]!, expected))
        throw runtimeError(
          `Given groups=${groups}, weight of size ${showShape(w.shape)}, expected input${showShape(t!.shape)} to have ${showDim(expected)} channels, but got ${showDim(t!.shape[1]!)} channels instead`,
        );
      const per = (a: SArg | undefined, dflt: number): number[] => {
        const items = itemsOf(a);
        if (items) return items.map((x) => intArg(x, name));
        return Array.from({ length: spatial }, () => (a === undefined || a === null ? dflt : intArg(a, name)));
      };
      const stride = per(arg(rest, kwargs, 2, 'stride'), 1);
      const padding = per(arg(rest, kwargs, 3, 'padding'), 0);
      const dilation = per(arg(rest, kwargs, 4, 'dilation'), 1);
      const lead = t!.shape.slice(0, -spatial - 1);
      const sizes = t!.shape.slice(-spatial).map((h, i) => {
        const k = w.shape[2 + i]!;
        const span = addDims(h, 2 * padding[i]! - 1 - dilation[i]! * ((k as number) - 1));
        return addDims(floorDivDims(span, stride[i]!), 1);
      });
      return like([...lead, w.shape[0]!, ...sizes]);
    }
    case 'max_pool1d':
    case 'max_pool2d':
    case 'avg_pool1d':
    case 'avg_pool2d': {
      const spatial = Number(name[name.length - 2]);
      const per = (a: SArg | undefined, dflt: number[]): number[] => {
        const items = itemsOf(a);
        if (items) return items.map((x) => intArg(x, name));
        return a === undefined || a === null ? dflt : Array.from({ length: spatial }, () => intArg(a, name));
      };
      const kernel = per(arg(rest, kwargs, 0, 'kernel_size'), []);
      const stride = per(arg(rest, kwargs, 1, 'stride'), kernel);
      const padding = per(
        arg(rest, kwargs, 2, 'padding'),
        kernel.map(() => 0),
      );
      const sizes = t!.shape
        .slice(-spatial)
        .map((h, i) => addDims(floorDivDims(addDims(h, 2 * padding[i]! - kernel[i]!), stride[i]!), 1));
      return like([...t!.shape.slice(0, -spatial), ...sizes]);
    }
    case 'chunk':
    case 'split':
    case 'unbind':
      throw new NotModelled(`${name} of a tensor whose sizes are symbolic`);
  }
  return NO_CASE;
}

/**
 * The ops by name, in parts: one function with all of them (~9 KB of bytecode) was never optimized by V8 (its
 * ticks restarted whenever one of its many branches ran for the first time), and ran interpreted on every call.
 */
const SHAPE_OPS: readonly ((op: OpArgs) => SArg | typeof NO_CASE)[] = [shapeOps1, shapeOps2, shapeOps3, shapeOps4];

/** Elementwise ops with broadcasting (none of them is a case of SHAPE_OPS' parts). */
const ELEMENTWISE: ReadonlySet<string> = new Set([
  'add',
  'sub',
  'subtract',
  'mul',
  'multiply',
  'div',
  'divide',
  'true_divide',
  'floor_divide',
  'remainder',
  'fmod',
  'pow',
  'maximum',
  'minimum',
  'atan2',
  'logical_and',
  'logical_or',
  'logical_xor',
  'isclose',
  // Python's operators reach here by their symbol (`x * 0.5`, `a - b`).
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  ...COMPARISONS,
]);

/**
 * A tensor method or torch function on symbolic tensors (`self` first for a method). Returns the result (a
 * symbolic tensor, a tuple of them, a size), raises PyTorch's error (a TorchError) where PyTorch would raise for
 * every value of the symbols, or throws {@link NotModelled} for an op it does not know.
 */
export function symbolicOp(
  ctx: SymContext,
  name: string,
  args: readonly SArg[],
  kwargs: ReadonlyMap<string, SArg> = new Map(),
): SArg {
  const self = args[0];
  const rest = args.slice(1);
  const t = isTensorArg(self) ? toSym(self) : undefined;
  const like = likeOf(t);
  if (name in DTYPE_METHODS && t) return like(t.shape, DTYPE_METHODS[name]);
  if (KEEP_DTYPE.has(name) && t) {
    const dtype = dtypeArg(kwargs.get('dtype')) ?? t.dtype;
    return like(t.shape, name === 'cumsum' || name === 'cumprod' ? (isFloating(dtype) ? dtype : 'int64') : dtype);
  }
  if (TO_FLOAT.has(name) && t) return like(t.shape, isFloating(t.dtype) ? t.dtype : 'float32');
  if (name in REDUCTIONS && t) {
    const dim = arg(rest, kwargs, 0, 'dim') ?? kwargs.get('axis');
    const keepdim = truthy(arg(rest, kwargs, 1, 'keepdim') ?? kwargs.get('keepdims'));
    const out = outputDType(REDUCTIONS[name]!, t.dtype, t.flavor, { dtype: dtypeArg(kwargs.get('dtype')) });
    return like(reduceShape(t.shape, dim, keepdim), out);
  }
  if (ELEMENTWISE.has(name)) {
    return elementwise(name, args, (kwargs.get('rounding_mode') as string | null | undefined) ?? null);
  }
  if (name === 'item' || name === 'tolist' || name === 'numpy')
    throw new NotModelled(`${name}() of a tensor whose values are unknown`);
  const op: OpArgs = { ctx, name, kwargs, self, rest, t };
  for (const part of SHAPE_OPS) {
    const out = part(op);
    if (out !== NO_CASE) return out;
  }
  throw new NotModelled(`${name} on a tensor whose shape is symbolic`);
}

/** A new symbolic tensor (`torch.zeros(B, 10)`, `torch.randn(...)`), float32 unless `dtype=` says otherwise. */
export function symbolicFactory(name: string, sizes: readonly Dim[], dtype?: DType): SymTensor {
  const dflt: DType = name === 'randint' || name === 'randperm' ? 'int64' : 'float32';
  return new SymTensor(dtype ?? dflt, sizes, 'torch');
}

/** Whether a dtype is an integer type (class indices). */
export function isIndexDType(dtype: DType): boolean {
  return isIntegral(dtype);
}
