/**
 * The Python values the runtime computes with. Python's `int` is a JS `bigint` (exact at any size), `float` a JS
 * `number`, `bool` a JS `boolean`, `str` a JS `string`, `None` is `null`; tensors and NumPy arrays are the tensor
 * library's {@link TorchTensor}; everything else is one of the small classes below. Containers are mutable and
 * shared by reference, as in Python.
 */
import type * as ast from '../python/ast';
import type { DType } from '../tensor';
import type { TorchTensor } from '../torch/tensor';
import type { SymDim } from '../torch/symbolic/dim';
import { SymTensor } from '../torch/symbolic/tensor';

/** Any Python value. */
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | TorchTensor
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyRange
  | PySlice
  | PyFunction
  | PyBuiltin
  | PyBoundMethod
  | PyClass
  | PyInstance
  | PyNamespace
  | PyDType
  | PyIterator
  | PyEllipsis
  | PyUnknown
  | SymTensor;

/**
 * Shape mode: a value the program cannot know (a third-party call's result, a parameter no call reaches, a file's
 * contents), with the reason. A symbolic int (`x.size(0)` of a symbolic tensor) is an unknown with its `dim`.
 */
export class PyUnknown {
  readonly kind = 'unknown';
  constructor(
    /** Why it is unknown, in the user's terms ("the result of tokenizer(...)"). */
    readonly reason: string,
    /** For an int that is a symbolic size. */
    readonly dim?: SymDim,
  ) {}
}

/** True for the values shape mode cannot compute with as Python does (unknowns, symbolic tensors). */
export function isOpaque(v: PyValue): v is PyUnknown | SymTensor {
  return v instanceof PyUnknown || v instanceof SymTensor;
}

/** A Python list. */
export class PyList {
  readonly kind = 'list';
  constructor(public items: PyValue[]) {}
}

/** A Python tuple; `typeName` marks a tuple subclass (`torch.Size`, `torch.return_types.max`), `names` its fields. */
export class PyTuple {
  readonly kind = 'tuple';
  constructor(
    readonly items: readonly PyValue[],
    readonly typeName?: string,
    readonly names?: readonly string[],
  ) {}
}

/** A Python dict: insertion-ordered, keyed by {@link hashKey}. */
export class PyDict {
  readonly kind = 'dict';
  readonly entries = new Map<string, [PyValue, PyValue]>();
  /** Set for `collections.defaultdict(factory)`. */
  factory?: PyValue;
  /** Set for a `collections.OrderedDict` (a module's `state_dict()`). */
  ordered?: true;
}

/** A Python set. */
export class PySet {
  readonly kind = 'set';
  readonly entries = new Map<string, PyValue>();
}

/** `range(start, stop, step)`. */
export class PyRange {
  readonly kind = 'range';
  constructor(
    readonly start: bigint,
    readonly stop: bigint,
    readonly step: bigint,
  ) {}

  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }
}

/** A slice object (`x[1:3]`, `slice(1, 3)`). */
export class PySlice {
  readonly kind = 'slice';
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {}
}

/** `...` */
export class PyEllipsis {
  readonly kind = 'ellipsis';
}
/** The one Ellipsis. */
export const ELLIPSIS = new PyEllipsis();

/** A function written in the program (`def` or `lambda`), with the scope it closes over. */
export class PyFunction {
  readonly kind = 'function';
  /** Attributes set on the function object. */
  readonly attrs = new Map<string, PyValue>();
  constructor(
    readonly name: string,
    readonly node: ast.FunctionDef | ast.Lambda,
    readonly params: readonly ast.Param[],
    readonly defaults: ReadonlyMap<string, PyValue>,
    readonly closure: unknown,
    /** `staticmethod` / `classmethod` / `property` wrapping, set by decorators. */
    public wrapper?: 'staticmethod' | 'classmethod' | 'property',
    /** The class the function was defined in (for `super()`). */
    public owner?: PyClass,
  ) {}
}

/** Arguments as a call passes them. */
export interface CallArguments {
  readonly args: readonly PyValue[];
  readonly kwargs: ReadonlyMap<string, PyValue>;
}

/** A function implemented by the runtime (builtins, `math`, torch functions, methods of built-in types). */
export class PyBuiltin {
  readonly kind = 'builtin';
  constructor(
    readonly name: string,
    readonly call: (args: CallArguments, site: CallSite) => PyValue,
    /** For a builtin that is also a type (`int`, `list`, ...): what `isinstance` checks against. */
    readonly typeCheck?: (v: PyValue) => boolean,
    /** A type's qualified name where it differs from `name`: `collections.defaultdict`. */
    readonly qualname?: string,
  ) {}
}

/** Where a call happens: the node (for loss-call records and diagnostics). */
export interface CallSite {
  readonly node: ast.Call | undefined;
  readonly range: ast.Expr['range'];
}

/** A method bound to its receiver. */
export class PyBoundMethod {
  readonly kind = 'boundmethod';
  constructor(
    readonly self: PyValue,
    readonly func: PyFunction | PyBuiltin,
  ) {}
}

/** A class: written in the program, or built in (exceptions, `nn.Module`, the torch.nn layers). */
export class PyClass {
  readonly kind = 'class';
  readonly mro: PyClass[];
  constructor(
    readonly name: string,
    readonly bases: readonly PyClass[],
    readonly dict: Map<string, PyValue>,
    /** Dotted name for reprs and messages (`torch.nn.modules.linear.Linear`, `__main__.CELoss`). */
    readonly qualname: string = name,
    /** For built-in classes: how instances are made and what they do when called. */
    readonly native?: NativeClass,
  ) {
    this.mro = linearize(this);
  }

  /** Looks a name up along the MRO. */
  lookup(name: string): PyValue | undefined {
    for (const c of this.mro) {
      const v = c.dict.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** True when this class is `other` or derives from it. */
  isSubclassOf(other: PyClass): boolean {
    return this.mro.includes(other);
  }

  /** The first native behaviour along the MRO. */
  get nativeBase(): NativeClass | undefined {
    for (const c of this.mro) if (c.native) return c.native;
    return undefined;
  }
}

/** How a built-in class behaves. */
export interface NativeClass {
  /** Sets up a new instance (the built-in `__init__`). */
  readonly init?: (self: PyInstance, args: CallArguments, site: CallSite) => void;
  /** What calling an instance does when the class has no Python `forward`/`__call__` of its own. */
  readonly call?: (self: PyInstance, args: CallArguments, site: CallSite) => PyValue;
}

/** C3 linearization of a class hierarchy (Python's MRO). */
function linearize(cls: PyClass): PyClass[] {
  const seqs = cls.bases.map((b) => [...b.mro]);
  seqs.push([...cls.bases]);
  const out: PyClass[] = [cls];
  for (;;) {
    const nonEmpty = seqs.filter((s) => s.length > 0);
    if (nonEmpty.length === 0) return out;
    const head = nonEmpty.map((s) => s[0]!).find((h) => !nonEmpty.some((s) => s.indexOf(h) > 0));
    if (!head) return [...out, ...nonEmpty.flat().filter((c, i, all) => all.indexOf(c) === i && !out.includes(c))];
    out.push(head);
    for (const s of nonEmpty) if (s[0] === head) s.shift();
  }
}

/** An instance of a class. */
export class PyInstance {
  readonly kind = 'instance';
  readonly attrs = new Map<string, PyValue>();
  /** Native state of built-in classes (a layer's kind, an exception's args, ...). */
  native?: Record<string, unknown>;
  constructor(public cls: PyClass) {}
}

/** A module reached by import (`torch`, `torch.nn`, `math`, a user's own module object). */
export class PyNamespace {
  readonly kind = 'namespace';
  readonly attrs = new Map<string, PyValue>();
  constructor(
    /** The dotted path (`torch.nn.functional`). */
    readonly path: string,
  ) {}
}

/** `torch.float32`, `np.int64`, ... */
export class PyDType {
  readonly kind = 'dtype';
  constructor(
    readonly dtype: DType,
    readonly flavor: 'torch' | 'numpy',
    /** A NumPy scalar type used as a dtype (`np.float32`, a class), rather than a `dtype('float32')` object. */
    readonly scalarType = false,
  ) {}
}

/** An iterator over precomputed values (`iter(x)`, generator expressions, `zip`, `enumerate`, `map`). */
export class PyIterator {
  readonly kind = 'iterator';
  index = 0;
  constructor(
    readonly next: () => PyValue | undefined,
    readonly typeName = 'iterator',
  ) {}
}

/** True for the tensor library's tensors (class check without importing the class). */
export function isTensorValue(v: PyValue): v is TorchTensor {
  return typeof v === 'object' && v !== null && !('kind' in v);
}

/** Python's `type(v).__name__` for messages. */
export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  if (isTensorValue(v)) {
    if (v.flavor === 'numpy') return v.npScalar ? numpyScalarName(v.dtype) : 'numpy.ndarray';
    return 'Tensor';
  }
  switch (v.kind) {
    case 'list':
      return 'list';
    case 'tuple':
      return v.typeName ?? 'tuple';
    case 'dict':
      return v.factory !== undefined ? 'collections.defaultdict' : v.ordered ? 'collections.OrderedDict' : 'dict';
    case 'set':
      return 'set';
    case 'range':
      return 'range';
    case 'slice':
      return 'slice';
    case 'function':
      return 'function';
    case 'builtin':
      return 'builtin_function_or_method';
    case 'boundmethod':
      return 'method';
    case 'class':
      return 'type';
    case 'instance':
      return v.cls.name;
    case 'namespace':
      return 'module';
    case 'dtype':
      return v.flavor === 'torch' ? 'torch.dtype' : 'numpy.dtype';
    case 'iterator':
      return v.typeName;
    case 'ellipsis':
      return 'ellipsis';
    case 'unknown':
      return v.dim ? 'int' : 'object';
    case 'symtensor':
      return 'Tensor';
  }
}

/** NumPy's scalar type name: float32 → `numpy.float32`. */
export function numpyScalarName(dtype: DType): string {
  return dtype === 'bool' ? 'numpy.bool' : `numpy.${dtype}`;
}

/**
 * A dict/set key: equal Python values (1, 1.0 and True among them) give equal keys. Tensors, instances and other
 * objects hash by identity.
 */
export function hashKey(v: PyValue, identity: (o: object) => number): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return `n${v ? 1 : 0}`;
    case 'bigint':
      return `n${v}`;
    case 'number':
      return Number.isInteger(v) ? `n${BigInt(v)}` : `n${v}`;
    case 'string':
      return `s${v}`;
  }
  if (!isTensorValue(v) && v.kind === 'tuple') return `t(${v.items.map((i) => hashKey(i, identity)).join(',')})`;
  if (!isTensorValue(v) && v.kind === 'dtype') return `d${v.dtype}`;
  return `o${identity(v)}`;
}
