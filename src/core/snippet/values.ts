/**
 * The symbolic values the snippet evaluator computes with. A tensor may be fully known (its values), known only by
 * shape and dtype (random constructors, model outputs), or known by rank with some sizes unknown; anything the
 * evaluator does not model is `unknown`, which never produces an error.
 */
import type { SourceRange } from '../diagnostics';
import type { Call, Expr } from '../python/ast';
import type { LossDefinition } from '../losses/types';
import type { PyScalar } from '../reader/values';
import { numel, type DType, type Tensor } from '../tensor';

/** One dimension: a size, or `null` when the size is not known. */
export type Dim = number | null;

/** A tensor shape whose rank is known; single sizes may be unknown. */
export type Shape = readonly Dim[];

/**
 * Which operation made a tensor, for checks that look at the code rather than the numbers: softmax output fed to
 * cross_entropy, sigmoid output fed to BCEWithLogitsLoss, unbounded values (randn, Linear) fed to BCELoss.
 */
export interface Producer {
  readonly op: 'softmax' | 'log_softmax' | 'sigmoid' | 'unbounded' | 'unit';
  /** The producing expression (the whole `F.softmax(x, dim=1)` call). */
  readonly range: SourceRange;
  /** The tensor the activation was applied to (`x`), when the producer is an activation call. */
  readonly argRange?: SourceRange;
  /** The function as written (`F.softmax`, `torch.sigmoid`, `.softmax`), for messages. */
  readonly name: string;
  /** Where the function's own name is written (`softmax` in `F.softmax`), for fixes that rename it. */
  readonly nameRange?: SourceRange;
}

/** A tensor. `data` is present exactly when every value is known (then shape and dtype are known too). */
export interface TensorValue {
  readonly kind: 'tensor';
  /** undefined when even the rank is unknown. */
  readonly shape?: Shape;
  /** undefined when the dtype is unknown. */
  readonly dtype?: DType;
  readonly data?: Tensor;
  /** A NumPy ndarray rather than a torch tensor. */
  readonly numpy?: boolean;
  readonly producer?: Producer;
}

/** A Python int, float or bool. */
export interface ScalarValue {
  readonly kind: 'scalar';
  readonly value: PyScalar;
}

/** A Python string. */
export interface StrValue {
  readonly kind: 'str';
  readonly value: string;
}

/** `None`. */
export interface NoneValue {
  readonly kind: 'none';
}

/** A list or tuple (torch.Size and `torch.max(x, dim)`'s (values, indices) are tuples; `names` gives field names). */
export interface SeqValue {
  readonly kind: 'seq';
  readonly items: readonly Value[];
  readonly tuple: boolean;
  readonly names?: readonly string[];
}

/** A module, class or function reached through an import: `torch`, `torch.nn.functional.softmax`, `builtins.print`. */
export interface RefValue {
  readonly kind: 'ref';
  readonly path: string;
}

/** `torch.float32`, `np.int64`, ... (`dtype` null for a real dtype Loss Lens does not support). */
export interface DTypeValue {
  readonly kind: 'dtype';
  readonly dtype: DType | null;
}

/** A loss module built by `nn.CrossEntropyLoss(...)`: its options are applied when it is called. */
export interface LossModuleSpec {
  readonly type: 'loss';
  /** Functional name (`cross_entropy`). */
  readonly fn: string;
  readonly moduleName: string;
  /** The engine's definition (undefined when Loss Lens does not compute this loss yet). */
  readonly def: LossDefinition | undefined;
  /** Constructor arguments by keyword name (positional ones already mapped). */
  readonly options: ReadonlyMap<string, Arg>;
  /** False when the constructor had `*args`/`**kwargs` or too many positional arguments. */
  readonly complete: boolean;
  /** The constructor call, for fixes that edit it. */
  readonly ctor: Call;
}

/** An nn.Module the evaluator knows the shape rule (and for activations the values) of. */
export type ModuleSpec =
  | LossModuleSpec
  | { readonly type: 'embedding'; readonly num: Dim; readonly dim: Dim }
  | { readonly type: 'linear'; readonly inFeatures: Dim; readonly outFeatures: Dim }
  | {
      readonly type: 'activation';
      readonly op: string;
      readonly dim?: Dim;
      readonly name: string;
      readonly startDim?: number;
      readonly endDim?: number;
    }
  | { readonly type: 'opaque' };

/** An instance of an nn.Module. */
export interface ModuleValue {
  readonly kind: 'module';
  readonly module: ModuleSpec;
}

/** `x.softmax` before it is called. */
export interface MethodValue {
  readonly kind: 'method';
  readonly self: Value;
  readonly name: string;
}

/** Anything the evaluator does not model. */
export interface UnknownValue {
  readonly kind: 'unknown';
}

/** Every value. */
export type Value =
  | TensorValue
  | ScalarValue
  | StrValue
  | NoneValue
  | SeqValue
  | RefValue
  | DTypeValue
  | ModuleValue
  | MethodValue
  | UnknownValue;

/** An argument as written: its value and the expression it came from (for ranges and fixes). */
export interface Arg {
  readonly value: Value;
  readonly node: Expr;
}

/** The value of anything not modelled. */
export const UNKNOWN: UnknownValue = { kind: 'unknown' };
/** Python's `None`. */
export const NONE: NoneValue = { kind: 'none' };

/** A Python int. */
export function int(value: number): ScalarValue {
  return { kind: 'scalar', value: { kind: 'int', value } };
}

/** A Python float. */
export function float(value: number): ScalarValue {
  return { kind: 'scalar', value: { kind: 'float', value } };
}

/** A Python bool. */
export function bool(value: boolean): ScalarValue {
  return { kind: 'scalar', value: { kind: 'bool', value: value ? 1 : 0 } };
}

/** A tuple of values. */
export function tuple(items: readonly Value[], names?: readonly string[]): SeqValue {
  return names ? { kind: 'seq', items, tuple: true, names } : { kind: 'seq', items, tuple: true };
}

/** A tensor whose values are known. */
export function known(data: Tensor, extra: { numpy?: boolean; producer?: Producer } = {}): TensorValue {
  return {
    kind: 'tensor',
    shape: data.shape,
    dtype: data.dtype,
    data,
    ...(extra.numpy ? { numpy: true } : {}),
    ...(extra.producer ? { producer: extra.producer } : {}),
  };
}

/** A tensor known by shape and dtype only. */
export function shaped(
  shape: Shape | undefined,
  dtype: DType | undefined,
  extra: { numpy?: boolean; producer?: Producer } = {},
): TensorValue {
  return {
    kind: 'tensor',
    ...(shape ? { shape } : {}),
    ...(dtype ? { dtype } : {}),
    ...(extra.numpy ? { numpy: true } : {}),
    ...(extra.producer ? { producer: extra.producer } : {}),
  };
}

/** True for a tensor value. */
export function isTensor(v: Value): v is TensorValue {
  return v.kind === 'tensor';
}

/** The shape when every size is known. */
export function concreteShape(shape: Shape | undefined): number[] | undefined {
  if (!shape) return undefined;
  for (const d of shape) if (d === null) return undefined;
  return shape as number[];
}

/** Number of elements when known. */
export function numelOf(shape: Shape | undefined): number | undefined {
  const s = concreteShape(shape);
  return s ? numel(s) : undefined;
}

/** A Python number's JS value, or undefined when the value is not a number (bools count, as in Python). */
export function numberOf(v: Value | undefined): number | undefined {
  if (!v) return undefined;
  if (v.kind === 'scalar') return v.value.value;
  return undefined;
}

/** A Python int's value (bools count), or undefined. */
export function intOf(v: Value | undefined): number | undefined {
  if (!v || v.kind !== 'scalar' || v.value.kind === 'float') return undefined;
  return v.value.value;
}

/** A list/tuple of ints (a size), or undefined when any item is not an int. Unknown ints give null sizes when `lenient`. */
export function intsOf(v: Value | undefined, lenient = false): Dim[] | undefined {
  if (!v || v.kind !== 'seq') return undefined;
  const out: Dim[] = [];
  for (const item of v.items) {
    const n = intOf(item);
    if (n !== undefined) out.push(n);
    else if (
      lenient &&
      (item.kind === 'unknown' || (item.kind === 'tensor' && item.shape?.length === 0 && item.data === undefined))
    )
      out.push(null);
    else if (
      item.kind === 'tensor' &&
      item.data &&
      item.data.shape.length === 0 &&
      item.dtype !== undefined &&
      !isFloatDtype(item.dtype)
    )
      out.push(item.data.data[0]!);
    else return undefined;
  }
  return out;
}

function isFloatDtype(d: DType): boolean {
  return d === 'float16' || d === 'bfloat16' || d === 'float32' || d === 'float64';
}

/** Python's name for a value's type (for messages). */
export function typeName(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return v.numpy ? 'numpy.ndarray' : 'Tensor';
    case 'scalar':
      return v.value.kind;
    case 'str':
      return 'str';
    case 'none':
      return 'NoneType';
    case 'seq':
      return v.tuple ? 'tuple' : 'list';
    case 'dtype':
      return 'torch.dtype';
    case 'module':
      return 'Module';
    default:
      return 'object';
  }
}

/** `[2, ?, 3]` for hovers and messages. */
export function formatDims(shape: Shape | undefined): string {
  if (!shape) return '[?]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
